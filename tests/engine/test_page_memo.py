"""The page memo: a page whose inputs are unchanged is replayed from its record, and gives
exactly what redoing it gives; any input that changed, any cache file that changed and any
warning makes the page be redone. One page is driven through the engine in-process as the
plugin drives it (Markdown, then the HTML Python-Markdown makes, then the figures)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import markdown as python_markdown
import pytest

from genai_notes.engine.build import Build, Settings, Stats, Where
from genai_notes.engine.drawing import DrawingPool
from genai_notes.engine.page_memo import PageMemo, PageRecord

MODULE = "genai_notes.figures.walkthroughs"
PAGE = """\
# Softmax

The top token has {{ sampling.softmax([2.0, 0.0])[0] | .3f }} of the mass, and
$p_i = e^{z_i} / \\sum_j e^{z_j}$.

```figure
name: walkthroughs.sampling
params: {step: softmax}
caption: Six bars, the first {{ sampling.softmax([2.0, 0.0])[0] | .2f }}.
alt: Six bars.
```

$$
\\sum_i p_i = 1
$$
"""
TITLES = ["Softmax", "The sum \\(x^2\\)"]


@dataclass
class Built:
    """What one build of the page gave."""

    html: str
    titles: list[str]
    title: str | None
    files: list[tuple[str, str | None, str | None]]
    warnings: list[str]
    stats: Stats


def _html_of(markdown: str) -> str:
    return python_markdown.markdown(
        markdown,
        extensions=["pymdownx.arithmatex", "attr_list", "md_in_html"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


def _build(
    cache: Path, page: str = PAGE, html: str | None = None, before: str | None = None
) -> Built:
    """One build of ``page`` with the figure cache and memos in ``cache``; ``html`` stands
    for what MkDocs made of the Markdown (default: Python-Markdown's HTML of it); ``before``
    is another page built first, in the same build."""
    glossary = cache.parent / "abbreviations.md"
    if not glossary.exists():
        glossary.write_text("*[GPU]: Graphics processing unit\n", encoding="utf-8")
    warnings: list[str] = []
    settings = Settings(
        cache_dir=cache,
        figure_modules=[MODULE],
        glossary_path=glossary,
        glossary_label="includes/abbreviations.md",
    )
    pool = DrawingPool([MODULE], workers=1)
    pages = {"a.md": before, "p.md": page} if before is not None else {"p.md": page}
    contents: dict[str, str] = {}
    try:
        build = Build(settings, pool, warnings.append)
        for page_id, text in pages.items():
            markdown = build.markdown(page_id, Where(f"docs/{page_id}", text), text, page_id)
            given = _html_of(markdown) if html is None or page_id != "p.md" else html
            contents[page_id], titles, title = build.content(page_id, given, TITLES, "Softmax")
        build.finish()
        files: list[tuple[str, str | None, str | None]] = []

        def url_for(uri: str, path: Path | None, text: str | None) -> str:
            files.append((uri, None if path is None else path.name, text))
            return uri

        for page_id, content in contents.items():
            contents[page_id] = build.fill_deferred(build.fill_figures(page_id, content, url_for))
        build.save()
    finally:
        pool.close()
    return Built(contents["p.md"], titles, title, files, warnings, build.stats)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache in which a first build drew the page's figure and recorded the page (a copy
    would not do: a file's inode is part of what a record checks)."""
    cache = tmp_path / "cache"
    first = _build(cache)
    assert first.warnings == []
    assert (first.stats.drawn, first.stats.replayed) == (1, 0)
    return cache


def _fresh(
    tmp_path: Path, page: str = PAGE, html: str | None = None, before: str | None = None
) -> Built:
    """The page built with the figure cache but no memo at all (nothing replayed)."""
    cache = tmp_path / "fresh"
    shutil.copytree(
        tmp_path / "cache",
        cache,
        ignore=lambda d, names: [
            n for n in names if n.endswith(".json") and len(n) != len("0" * 24 + ".json")
        ],
    )
    built = _build(cache, page, html, before)
    assert built.stats.replayed == 0
    return built


def _same(a: Built, b: Built) -> None:
    assert (a.html, a.titles, a.title, a.files) == (b.html, b.titles, b.title, b.files)


def test_an_unchanged_page_is_replayed_and_equals_the_page_redone(
    cache: Path, tmp_path: Path
) -> None:
    replayed = _build(cache)
    assert (replayed.stats.replayed, replayed.stats.drawn, replayed.stats.cached) == (1, 0, 1)
    assert replayed.warnings == []
    fresh = _fresh(tmp_path)
    _same(replayed, fresh)
    assert "0.881" in replayed.html and "<math" in replayed.html  # numbers and MathML in place
    assert "<math" in replayed.titles[1]


def test_an_edited_page_is_redone(cache: Path, tmp_path: Path) -> None:
    edited = PAGE.replace("of the mass", "of the probability mass")
    built = _build(cache, edited)
    assert built.stats.replayed == 0
    _same(built, _fresh(tmp_path, edited))
    assert "probability mass" in built.html


def test_other_html_from_the_same_markdown_redoes_the_page(cache: Path, tmp_path: Path) -> None:
    """What MkDocs makes of the Markdown can change without the page changing (an extension's
    setting, a link's target): the record's HTML is then not used."""
    first = _build(cache)
    markdown_html = _html_of(_markdown_of(cache))
    other = markdown_html.replace("<h1", '<h1 class="changed"')
    built = _build(cache, html=other)
    assert built.stats.replayed == 0
    assert 'class="changed"' in built.html
    _same(built, _fresh(tmp_path, html=other))
    assert first.stats.replayed == 1


def _markdown_of(cache: Path) -> str:
    """The Markdown the engine hands to MkDocs for the page (from its record)."""
    memo = PageMemo(cache / "pages.json", _stamp_of(cache))
    (record,) = [memo.get(key) for key in _keys_of(cache)]
    assert record is not None
    return record.markdown


def _stamp_of(cache: Path) -> str:
    return str(json.loads((cache / "pages.json").read_text(encoding="utf-8"))["stamp"])


def _keys_of(cache: Path) -> list[str]:
    return list(json.loads((cache / "pages.json").read_text(encoding="utf-8"))["entries"])


def test_a_cache_file_changed_in_place_redoes_the_page_and_redraws_it(cache: Path) -> None:
    (svg,) = cache.glob("*-phone-dark.svg")
    svg.write_bytes(svg.read_bytes()[:-40])  # truncated: still starts like an SVG
    built = _build(cache)
    assert (built.stats.replayed, built.stats.drawn) == (0, 1)
    assert built.warnings == []


def test_a_cache_file_touched_only_redoes_the_page_without_drawing(cache: Path) -> None:
    (svg,) = [path for path in cache.glob("*-light.svg") if "phone" not in path.name]
    os.utime(svg, ns=(1, 1))
    built = _build(cache)
    assert (built.stats.replayed, built.stats.drawn, built.stats.cached) == (0, 0, 1)


def test_a_page_replayed_after_a_page_with_more_formulas_equals_it_redone(
    cache: Path, tmp_path: Path
) -> None:
    """Deferred markup is numbered through the build: a replayed page's numbers are made anew."""
    _build(cache, before="Intro: $a$.")
    replayed = _build(cache, before="Intro: $a$, $b$ and $c$.")
    assert replayed.stats.replayed == 1  # of the two pages, the edited one was redone
    fresh = _fresh(tmp_path, before="Intro: $a$, $b$ and $c$.")
    assert replayed.html == fresh.html
    assert replayed.html.count("<math") == 2


def test_a_formula_lost_from_its_memo_redoes_the_page(cache: Path, tmp_path: Path) -> None:
    """Deferred MathML is recorded as its memo key: without the memo entry the page is redone."""
    (cache / "mathml.json").unlink()
    built = _build(cache)
    assert built.stats.replayed == 0
    _same(built, _fresh(tmp_path))


def test_a_page_that_warned_is_never_recorded(cache: Path) -> None:
    broken = PAGE.replace("[2.0, 0.0])[0] | .3f", "[2.0, 0.0])[7] | .3f")
    first = _build(cache, broken)
    second = _build(cache, broken)
    assert first.warnings and second.warnings == first.warnings
    assert second.stats.replayed == 0


def test_a_glossary_error_records_no_page(cache: Path) -> None:
    (cache.parent / "abbreviations.md").write_text("*[GPU]: a\n*[GPU]: b\n", encoding="utf-8")
    (cache / "pages.json").unlink()
    first = _build(cache)
    assert first.warnings
    assert not (cache / "pages.json").exists()


def test_a_record_of_another_stamp_or_shape_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    memo = PageMemo(path, "one")
    memo.put("k", PageRecord("# Page"))
    memo.save()
    assert PageMemo(path, "one").get("k") == PageRecord("# Page")
    assert PageMemo(path, "two").get("k") is None
    path.write_text('{"stamp": "one", "entries": {"k": {"nonsense": 1}}}', encoding="utf-8")
    assert PageMemo(path, "one").get("k") is None


@pytest.mark.parametrize(
    "damage",
    [
        {"markdown": 5},
        {"html": None},
        {"titles": "abc"},
        {"title": 3},
        {"figures": {"<p>T</p>": 1}},
        {"files": [["a.csv", None, 7]]},
        {"files": [["a.csv", None]]},
        {"checks": {"a.json": ["1", 2, 3]}},
        {"deferred": {"<!--GNXD000000-->": ["mathml"]}},
        {"deferred": {"<!--GNXD000000-->": ["mathml", 1]}},
        {"keys": [None]},
        {"playground": "yes"},
        {"model": "m"},
    ],
)
def test_a_damaged_record_is_a_miss_not_a_traceback(tmp_path: Path, damage: dict) -> None:
    good = asdict(PageRecord("# Page", html="<p>x</p>", titles=["t"], title="T"))
    assert PageRecord.from_data(good) is not None
    assert PageRecord.from_data({**good, **damage}) is None


def test_records_no_build_used_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    memo = PageMemo(path, "s")
    memo.put("old", PageRecord("old"))
    memo.put("kept", PageRecord("kept"))
    memo.save()
    later = PageMemo(path, "s")
    assert later.get("kept") is not None
    later.save()
    assert PageMemo(path, "s").get("old") is None
    assert PageMemo(path, "s").get("kept") is not None


def test_a_build_of_some_pages_keeps_the_records_it_did_not_see(tmp_path: Path) -> None:
    """``mkdocs serve --dirty`` builds the edited pages only: the others' records stay."""
    path = tmp_path / "pages.json"
    memo = PageMemo(path, "s")
    memo.put("unseen", PageRecord("unseen"))
    memo.save()
    later = PageMemo(path, "s")
    later.put("edited", PageRecord("edited"))
    later.save(prune=False)
    assert PageMemo(path, "s").get("unseen") is not None
    assert PageMemo(path, "s").get("edited") is not None
