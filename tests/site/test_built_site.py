"""The real site, built strictly into a temporary folder, inspected as files."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from genai_notes.glossary import read_glossary
from tests.site.helpers import ROOT, html_files, nav_sources, page_path

_LOADED = re.compile(
    r"<(?P<tag>script|link|img|iframe|source|audio|video)\b(?P<attrs>[^>]*)>", re.IGNORECASE
)
_URL_ATTR = re.compile(r'\b(?:src|href|srcset)="(?P<url>[^"]*)"', re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?(?P<url>[^)'\"]+)")
_CODE = re.compile(r"<(pre|code|script|style|math)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def test_every_navigation_page_is_built(site_dir: Path) -> None:
    sources = nav_sources()
    assert len(sources) >= 18
    for source in sources:
        assert (site_dir / page_path(source) / "index.html").is_file(), source


def test_no_page_loads_anything_from_another_host(site_dir: Path) -> None:
    offenders = []
    for page in html_files(site_dir):
        for tag in _LOADED.finditer(page.read_text(encoding="utf-8")):
            attrs = tag.group("attrs")
            if tag.group("tag").lower() == "link" and re.search(
                r'rel="(canonical|alternate)"', attrs
            ):
                continue  # names the page's public address; nothing is fetched
            offenders += [
                f"{page.relative_to(site_dir)}: <{tag.group('tag')} {url.group('url')}>"
                for url in _URL_ATTR.finditer(attrs)
                if _is_remote(url.group("url"))
            ]
    assert offenders == []


def test_no_stylesheet_loads_from_another_host(site_dir: Path) -> None:
    offenders = [
        f"{css.relative_to(site_dir)}: {m.group('url')}"
        for css in site_dir.rglob("*.css")
        for m in _CSS_URL.finditer(css.read_text(encoding="utf-8"))
        if _is_remote(m.group("url"))
    ]
    assert offenders == []
    for page in html_files(site_dir):
        assert "@import url(" not in page.read_text(encoding="utf-8")


def test_math_is_mathml_with_no_raw_tex_left(site_dir: Path) -> None:
    transformers = (site_dir / "week1/transformers/index.html").read_text(encoding="utf-8")
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "<math" in home
    assert "<math" in transformers or "<math" in home
    for page in html_files(site_dir):
        text = _CODE.sub("", page.read_text(encoding="utf-8"))
        for raw in ("$$", "\\(", "\\)", "\\[", "\\]", 'class="arithmatex"'):
            assert raw not in text, f"{page.relative_to(site_dir)} keeps raw math {raw!r}"
        assert re.search(r"\$[^$\s<][^$<]*\$", text) is None, page.relative_to(site_dir)


def test_search_index_lists_every_page(site_dir: Path) -> None:
    index = json.loads((site_dir / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for source in nav_sources():
        assert page_path(source) in locations, source


def test_glossary_page_defines_every_term_and_pages_show_tooltips(site_dir: Path) -> None:
    terms, problems = read_glossary((ROOT / "includes/abbreviations.md").read_text("utf-8"))
    assert problems == []
    glossary = html.unescape((site_dir / "glossary/index.html").read_text(encoding="utf-8"))
    for term in terms:
        assert re.search(rf"<dt>([^<]*, )?{re.escape(term.term)}[,<]", glossary), term.term
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="Large language model[^"]*">LLM', home)


def test_computed_numbers_are_replaced_by_their_values(site_dir: Path) -> None:
    for page in html_files(site_dir):
        text = _CODE.sub("", page.read_text(encoding="utf-8"))
        assert "{{" not in text, page.relative_to(site_dir)
        assert "computed number failed" not in text, page.relative_to(site_dir)
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    # 6 * 175e9 * 300e9 = 3.15e23 FLOPs; / 8.64e19 FLOPs per PF-day = 3,646 PF-days.
    assert "3.15\u00a0×\u00a010²³" in home  # no-break spaces: the number never wraps
    assert "3,646 petaflop/s-days" in home
