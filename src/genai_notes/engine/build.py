"""One build of the notes, page by page, free of MkDocs.

The plugin calls, for each page, :meth:`Build.markdown` before Markdown runs (the glossary and
the figure catalogue are inserted, every figure block is read, checked and keyed once, its cache
entry taken or a drawing job queued, and computed numbers become tokens), then
:meth:`Build.content` on the page's HTML and titles (computed numbers filled in, formulas
turned into MathML, stray dollars reported), then, once for all pages, :meth:`Build.finish`
(the queued figures drawn in parallel, each stored as soon as it is ready),
:meth:`Build.fill_figures` to put each figure in its page, and :meth:`Build.save` to keep the
memos. A page whose inputs are those of a page an earlier build recorded is replayed from its
record instead, step by step (``engine.page_memo``). Every author mistake becomes a message
``docs/PAGE.md:LINE:COL: problem`` given to ``warn`` and a visible error in the page; nothing
here raises for bad content.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_notes import glossary
from genai_notes.engine import files as files_module
from genai_notes.engine.figure_cache import VARIANTS, Entry, FigureCache, code_stamp, figure_key
from genai_notes.engine.files import (
    PACKAGE_DIR,
    digest,
    import_closure,
    module_files,
    package_files,
    versions,
)
from genai_notes.engine.memo import Memo
from genai_notes.engine.page_memo import (
    FileCall,
    PageMemo,
    PageRecord,
    Recipe,
    content_digest,
    text_digest,
)
from genai_notes.engine.tinymodel import ModelArtefact, ModelError
from genai_notes.engine.tokens import swap_tokens

# What only a page that is redone needs is imported where it is used: a build that replays
# every page from the page memo imports none of it.
if TYPE_CHECKING:
    from genai_notes import mathml
    from genai_notes.engine import problems as problem_blocks
    from genai_notes.engine import slots as slot_tokens
    from genai_notes.engine.drawing import DrawingPool, Job
    from genai_notes.engine.expressions import Namespace
    from genai_notes.engine.walkthroughs import WalkthroughBlock
    from genai_notes.figures import blocks, registry
    from genai_notes.tinylm.config import Hyperparameters

Warn = Callable[[str], None]
UrlFor = Callable[[str, Path | None, str | None], str]
"""Adds a generated file (site path, source file or text content); returns its page URL."""
ASSETS = "assets/figures"
PLAYGROUND_ATTRIBUTE = "data-tinylm-playground"
"""Marks an element of a page (``<div data-tinylm-playground></div>``) that runs the tiny model."""
_PLAYGROUND_TAG = re.compile(r"<div[^>]*\bdata-tinylm-playground\b")
_DEFERRED = re.compile(r"<!--GNXD\d{6}-->")
_FIGURE_TOKEN = re.compile(r"GNXF\d{4}N\d{5}Z")


@dataclass(frozen=True)
class Settings:
    """What a build needs to know besides the pages.

    Attributes:
        cache_dir: Folder of the figure cache and the memos.
        figure_modules: Modules that define figures (built-in and the project's).
        glossary_path: The abbreviation file.
        glossary_label: How messages name the glossary file (e.g. ``includes/abbreviations.md``).
        figures: Draw figure blocks (False leaves them as code, for fast drafts).
        use_cache: Reuse cached figures and memos.
        docs_dir: The notes, the tiny model's corpus (None: no tiny model in this build).
        model_cache_dir: Folder of the tiny model's cache entries.
        retrain_model: Retrain the tiny model when the notes changed (``mkdocs build``), or
            keep the last trained one (``mkdocs serve``); see ``engine.tinymodel``.
        model_hyperparameters: The tiny model's (None: the notes' model; tests use smaller).
        markdown: Converts Markdown to HTML as the site's pages are (its extensions and their
            settings): a problem is converted on its own, memoised by its text, and joins its
            page as HTML. None: problems join their page as Markdown.
        markdown_stamp: What ``markdown``'s output depends on besides the text (settings,
            library versions, the files it may include): the stamp of its memo.
    """

    cache_dir: Path
    figure_modules: Sequence[str]
    glossary_path: Path
    glossary_label: str
    figures: bool = True
    use_cache: bool = True
    docs_dir: Path | None = None
    model_cache_dir: Path | None = None
    retrain_model: bool = True
    model_hyperparameters: Hyperparameters | None = None
    markdown: Callable[[str], str] | None = None
    markdown_stamp: str = ""


@dataclass(frozen=True)
class Where:
    """A page as messages name it: its path, its text and the lines above its Markdown."""

    path: str
    source: str
    offset: int = 0
    line_map: list[int] = field(default_factory=list)

    def at(self, line: int, column: int = 1) -> str:
        """``path:line:column`` for a 1-based line of the Markdown as the engine rewrote it
        (blocks swapped for one-line tokens, the catalogue inserted): ``line_map`` leads each
        line back to the page's own."""
        if 1 <= line <= len(self.line_map):
            line = self.line_map[line - 1]
        return self.at_source(line, column)

    def at_source(self, line: int, column: int = 1) -> str:
        """``path:line:column`` for a 1-based line of the page's own Markdown."""
        return f"{self.path}:{line + self.offset}:{column}"

    def find(self, *snippets: str) -> tuple[int, int]:
        """Markdown line (offset removed) and column of the first snippet found (else 1, 1)."""
        for snippet in snippets:
            at = self.source.find(snippet) if snippet else -1
            if at >= 0:
                line = self.source.count("\n", 0, at) + 1 - self.offset
                return line, at - (self.source.rfind("\n", 0, at) + 1) + 1
        return 1, 1


@dataclass
class Placement:
    """A figure block's place in a page, and what it became."""

    token: str
    html: str | None = None
    key: str | None = None
    block: blocks.FigureBlock | None = None
    caption: str = ""
    alt: str = ""
    label: str = ""
    entry: Entry | None = None
    steps: list[Placement] | None = None
    walkthrough: WalkthroughBlock | None = None
    artefacts: tuple[str, ...] = ()


@dataclass
class PageState:
    """What a build keeps of one page between its events."""

    where: Where
    slots: list[slot_tokens.Slot] = field(default_factory=list)
    figures: list[Placement] = field(default_factory=list)
    problems: problem_blocks.Fragments | None = None
    key: str = ""
    record: PageRecord | None = None


@dataclass
class Replay:
    """A page taken from the page memo: its record and what is needed to redo it if a later
    step of the record does not hold (``engine.page_memo``)."""

    key: str
    record: PageRecord
    where: Where
    markdown: str
    html: str | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    """Each deferred-markup token of the record and the token it has in this build."""


@dataclass
class Stats:
    """What the figure step did, for the log and for tests."""

    drawn: int = 0
    cached: int = 0
    failed: int = 0
    pages: int = 0
    replayed: int = 0
    """Pages replayed whole from the page memo (of ``pages`` that reached the figure step)."""


class Build:
    """The engine's state for one build."""

    def __init__(self, settings: Settings, pool: DrawingPool, warn: Warn) -> None:
        """Read the glossary, load the figure modules and the memos."""
        self.settings = settings
        self.pool = pool
        self._warn = warn
        self.warnings = 0
        self.stats = Stats()
        self.pages: dict[str, PageState] = {}
        self.cache = FigureCache(settings.cache_dir)
        self._jobs: dict[str, Job] = {}
        self._failures: dict[str, str] = {}
        self._deferred: dict[str, str] = {}
        self._namespace_loaded: Namespace | None = None
        self._imports = self._memo("imports", digest([Path(files_module.__file__)]))
        # Everything a block's check depends on: while no file of the package (or of a
        # project figure module) changed, a block's checked parameters and key are reused, so a
        # warm build imports no figure module (and no numpy).
        code = digest([*package_files(), *module_files(settings.figure_modules)])
        self._blocks = self._memo("blocks", digest([], code, *versions("matplotlib", "numpy")))
        self._numbers = self._memo("numbers", _numbers_stamp(self._imports))
        self._math = self._memo("mathml", _math_stamp(self._imports))
        tables = import_closure(["genai_notes.figures.html"], self._imports)
        self._tables = self._memo("tables", digest(tables))
        self._converted = self._memo("markdown", digest([], settings.markdown_stamp))
        # Whole problems as HTML: their numbers, their conversion and this file's rendering.
        problems_stamp = digest([Path(__file__)], self._numbers.stamp, settings.markdown_stamp)
        self._problems = self._memo("problems", problems_stamp)
        glossary_text = settings.glossary_path.read_text(encoding="utf-8")
        self._terms, problems = glossary.read_glossary(glossary_text)
        self._glossary_errors = [
            f"{settings.glossary_label}:{p.line}:{p.column}: {p.message}" for p in problems
        ]
        for message in self._glossary_errors:
            warn(message)
        self._module_errors: dict[str, str] = {}
        self._figures: dict[str, registry.FigureDef] | None = None
        self._stamps: dict[str, str] = {}
        self._model: ModelArtefact | ModelError | None = None
        self._weights_file: Path | None = None
        self._order: dict[str, int] = {}
        self._replays: dict[str, Replay] = {}
        self._recipes: dict[str, Recipe] = {}
        self._recipe_memos = {"mathml": self._math, "tables": self._tables}
        self._recorded = PageMemo(
            settings.cache_dir / "pages.json",
            _pages_stamp(
                settings,
                glossary_text,
                (self._blocks, self._numbers, self._math, self._tables, self._problems),
            ),
            enabled=settings.use_cache,
        )

    def warn(self, message: str) -> None:
        """Report an author's mistake (and count it: what warned is never memoised)."""
        self.warnings += 1
        self._warn(message)

    @property
    def figures(self) -> dict[str, registry.FigureDef]:
        """The registered figures, imported when first needed."""
        from genai_notes.figures import registry

        if self._figures is None:
            self._figures = {}
            if self.settings.figures:
                self._figures = registry.collect(
                    self.settings.figure_modules, on_error=self._module_error
                )
        return self._figures

    def _science(self) -> Namespace:
        """The namespace of computed numbers, made on first use (a warm build needs none)."""
        from genai_notes.engine.expressions import Namespace

        if self._namespace_loaded is None:
            self._namespace_loaded = Namespace.science()
        return self._namespace_loaded

    def _memo(self, name: str, stamp: str) -> Memo:
        path = self.settings.cache_dir / f"{name}.json"
        return Memo(path, stamp, enabled=self.settings.use_cache)

    def _module_error(self, module: str, problem: str) -> None:
        self._module_errors[module] = problem
        self.warn(f"{_display(problem)} (figures of {module} are unavailable until it is fixed)")

    # -- before Markdown -------------------------------------------------------------------

    def markdown(self, page_id: str, where: Where, markdown: str, context: str = "") -> str:
        """The page's Markdown with its blocks and computed numbers swapped for tokens.

        ``context`` is whatever else shapes the page's output (the plugin passes its URL). A
        page recorded by an earlier build with the same inputs is replayed from its record.
        """
        number = self._order.setdefault(page_id, len(self._order) + 1)
        key = text_digest(str(number), page_id, context, where.path, str(where.offset), markdown)
        record = self._recorded.get(key)
        if record is not None and self._shows_the_same(record):
            self._replays[page_id] = Replay(key, record, where, markdown)
            return record.markdown
        self._recorded.forget(key)
        before = self.warnings
        markdown_out = self._page_markdown(page_id, where, markdown, number)
        if self.warnings == before:
            self.pages[page_id].key = key
            self.pages[page_id].record = PageRecord(markdown_out)
        return markdown_out

    def _page_markdown(self, page_id: str, where: Where, markdown: str, number: int) -> str:
        from genai_notes.engine import problems as problem_blocks
        from genai_notes.engine import slots as slot_tokens
        from genai_notes.figures import catalogue

        state = PageState(where)
        self.pages[page_id] = state
        state.problems = problem_blocks.Fragments(f"GNXP{number:04d}N")
        if glossary.MARKER in markdown:
            # a token, so that Markdown does not parse the glossary's HTML (it is HTML already)
            markdown = markdown.replace(
                glossary.MARKER, state.problems.token(self._glossary_html())
            )
        state.where.line_map[:] = range(1, markdown.count("\n") + 2)
        if self.settings.figures and catalogue.MARKER in markdown:
            markdown = self._insert_catalogue(state, markdown)
        markdown = self._swap_blocks(state, markdown, number)
        markdown, state.slots = slot_tokens.protect(markdown, f"GNXN{number:04d}N")
        return markdown

    def _restate(self, page_id: str) -> None:
        """Redo the first step of a replayed page whose record no longer holds (its state is
        needed by the next steps; the Markdown it makes is what the record held)."""
        replay = self._replays.pop(page_id)
        self._recorded.forget(replay.key)
        self._page_markdown(page_id, replay.where, replay.markdown, self._order[page_id])

    def _catalogue(self) -> str:
        from genai_notes.figures import catalogue

        found = self._blocks.get("catalogue")
        if found is None:
            found = catalogue.catalogue_markdown(self.figures)
            if not self._module_errors:
                self._blocks.put("catalogue", found)
        return found

    def _glossary_html(self) -> str:
        boxes = "".join(_error_box("Glossary error", m) for m in self._glossary_errors)
        return f"{boxes}{glossary.glossary_html(self._terms)}"  # one line: lines keep their numbers

    def _insert_catalogue(self, state: PageState, markdown: str) -> str:
        from genai_notes.figures import catalogue

        lines = markdown.split("\n")
        for index in reversed([i for i, line in enumerate(lines) if catalogue.MARKER in line]):
            inserted = lines[index].replace(catalogue.MARKER, self._catalogue()).split("\n")
            # each parameter table is HTML already: a token, so that Markdown does not parse it
            assert state.problems is not None
            inserted = [
                state.problems.token(line) if line.startswith(catalogue.PARAMETERS) else line
                for line in inserted
            ]
            lines[index : index + 1] = inserted
            line_map = state.where.line_map
            line_map[index : index + 1] = [line_map[index]] * len(inserted)
        return "\n".join(lines)

    def _swap_blocks(self, state: PageState, markdown: str, number: int) -> str:
        """The page's figure, walkthrough and problem blocks, found in one pass and swapped:
        figures and walkthroughs for tokens, problems for their Markdown."""
        from genai_notes.engine import problems as problem_blocks
        from genai_notes.engine.problems import KIND as PROBLEM
        from genai_notes.engine.walkthroughs import KIND as WALKTHROUGH
        from genai_notes.figures import blocks
        from genai_notes.figures.blocks import KIND as FIGURE

        kinds = (FIGURE, WALKTHROUGH, PROBLEM) if self.settings.figures else (PROBLEM,)
        raws, error = blocks.scan_blocks(markdown, kinds)
        if error is not None:
            self.warn(f"{state.where.at(error.line or 1)}: {error}")
        fragments, where = state.problems, state.where
        assert fragments is not None
        convert = self._markdown if self.settings.markdown is not None else None

        def computed(slot: slot_tokens.Slot, context: slot_tokens.Context) -> str:
            return self._render_slot(state, slot, context)

        def problem(raw: blocks.RawBlock) -> list[tuple[str, int]]:
            key = raw.body
            found = self._problems.get(key) if convert is not None else None
            if found is not None:
                problem_id, markup = json.loads(found)
                reused = problem_blocks.reuse(raw, fragments, problem_id, markup)
                if reused is not None:
                    return reused.lines
            before = self.warnings
            placed = problem_blocks.place_block(
                raw, where, self.warn, self._science, fragments, self._numbers, convert, computed
            )
            if placed.html is not None and self.warnings == before:
                self._problems.put(key, json.dumps([placed.id, placed.html]))
            return placed.lines

        # in page order: a repeated problem id names the first use
        placed = [(raw, problem(raw)) for raw in raws if raw.kind == PROBLEM]
        for raw in reversed([raw for raw in raws if raw.kind != PROBLEM]):
            token = f"GNXF{number:04d}N{len(state.figures):05d}Z"
            place = self._place_figure if raw.kind == FIGURE else self._place_walkthrough
            state.figures.append(place(state, raw, token))
            placed.append((raw, [(f"{raw.indent}{token}", raw.start + 1)]))
        return blocks.splice(markdown, placed, state.where.line_map) if placed else markdown

    def _place_figure(self, state: PageState, raw: blocks.RawBlock, token: str) -> Placement:
        from genai_notes.figures import blocks

        try:
            block = self._parsed(raw)
        except blocks.BlockError as exc:
            message = f"{state.where.at(exc.line or raw.start + 1)}: figure block: {exc}"
            return self._failed(Placement(token), message)
        return self._place(state.where, block, token)

    def _place_walkthrough(self, state: PageState, raw: blocks.RawBlock, token: str) -> Placement:
        """A walkthrough: each step placed as a figure block, under the walkthrough's token."""
        from genai_notes.engine.walkthroughs import parse_walkthrough
        from genai_notes.figures import blocks

        where, placement = state.where, Placement(token)
        try:
            block = parse_walkthrough(raw)
        except blocks.BlockError as exc:
            message = f"{where.at(exc.line or raw.start + 1)}: walkthrough block: {exc}"
            return self._failed(placement, message, "Walkthrough error")
        if any(p.walkthrough is not None and p.walkthrough.id == block.id for p in state.figures):
            message = (
                f"{where.at(block.line)}: walkthrough block: the id '{block.id}' is used twice "
                "in this page (give each walkthrough its own id)"
            )
            return self._failed(placement, message, "Walkthrough error")
        placement.walkthrough = block
        placement.steps = [
            self._place(where, step, f"{token}S{index}") for index, step in enumerate(block.steps)
        ]
        return placement

    def _place(self, where: Where, block: blocks.FigureBlock, token: str) -> Placement:
        """A parsed figure block checked and keyed, its drawing taken from the cache or queued."""
        from genai_notes.engine.drawing import Job
        from genai_notes.figures import registry

        placement = Placement(token)
        label = f"figure {block.name}"
        try:
            key, params, names = self._checked(block)
            key, artefacts = self._with_artefacts(key, names)
        except registry.ParameterError as exc:
            line = block.lines.get(f"params.{exc.parameter}", block.lines.get("name", block.line))
            return self._failed(placement, f"{where.at(line)}: {label}: {exc}")
        except ModelError as exc:
            return self._failed(placement, f"{where.at(block.line)}: {label}: {exc}")
        placement.artefacts = names
        caption = self._text_with_numbers(where, block.caption, block.lines.get("caption"))
        alt = self._text_with_numbers(where, block.alt, block.lines.get("alt"))
        if caption is None or alt is None:
            return self._failed(placement, None)
        placement.key, placement.block, placement.label = (
            key,
            block,
            f"{where.at(block.line)}: {label}",
        )
        placement.caption, placement.alt = caption, alt
        entry = self.cache.get(key) if self.settings.use_cache else None
        if entry is not None:
            placement.entry = entry
            self.stats.cached += 1
        elif key not in self._jobs:
            self._jobs[key] = Job(key, block.name, params, artefacts)
        return placement

    def _parsed(self, raw: blocks.RawBlock) -> blocks.FigureBlock:
        """The block read from its YAML, or from the memo of an identical block (the memo holds
        only blocks that read without error, with their lines relative to the block).

        Raises:
            blocks.BlockError: The YAML is not a valid figure block.
        """
        from genai_notes.figures import blocks

        memo_key = "yaml:" + raw.body
        found = self._blocks.get(memo_key)
        if found is not None:
            data = json.loads(found)
            lines = {key: raw.start + offset for key, offset in data.pop("lines").items()}
            return blocks.FigureBlock(line=raw.start + 1, lines=lines, **data)
        block = blocks.parse_block(raw)
        relative = {key: line - raw.start for key, line in block.lines.items()}
        stored = {
            "name": block.name,
            "caption": block.caption,
            "alt": block.alt,
            "params": block.params,
            "id": block.id,
            "lines": relative,
        }
        # A value JSON cannot hold exactly (a YAML date, say) is not memoised: read again.
        with contextlib.suppress(TypeError, ValueError):
            self._blocks.put(memo_key, json.dumps(stored, sort_keys=True))
        return block

    def _checked(self, block: blocks.FigureBlock) -> tuple[str, dict[str, Any], tuple[str, ...]]:
        """The block's cache key (before artefacts), checked parameters and the artefacts its
        figure reads (reused while the code is unchanged).

        Raises:
            registry.ParameterError: Unknown figure or bad parameters.
        """
        memo_key = json.dumps([block.name, block.params], sort_keys=True, default=repr)
        found = self._blocks.get(memo_key)
        if found is not None:
            key, params, *names = json.loads(found)
            return str(key), dict(params), tuple(names[0]) if names else ()
        figure = self._lookup(block.name)
        params = figure.check(block.params)
        module = figure.function.__module__
        if module not in self._stamps:
            self._stamps[module] = code_stamp(module, self._imports)
        key = figure_key(figure.name, params, self._stamps[module])
        names = tuple(getattr(sys.modules.get(module), "ARTEFACTS", ()))
        self._blocks.put(memo_key, json.dumps([key, params, list(names)], sort_keys=True))
        return key, params, names

    def _with_artefacts(
        self, key: str, names: tuple[str, ...]
    ) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The final key of a figure that reads build artefacts (their digests mixed in, so
        a retrained model never shows an old figure) and the artefacts' paths for its job.

        Raises:
            ModelError: The tiny model could not be trained or loaded.
        """
        if not names:
            return key, ()
        found = []
        for name in names:
            if name != "tinylm":
                raise ModelError(f"unknown build artefact '{name}' (the engine provides tinylm)")
            model = self.model()
            found.append((name, model.digest, str(model.path)))
        payload = json.dumps([key, [(n, d) for n, d, _ in found]])
        return hashlib.sha256(payload.encode()).hexdigest()[:24], tuple((n, p) for n, _, p in found)

    def model(self) -> ModelArtefact:
        """The tiny model of this build, trained or loaded on first use.

        Raises:
            ModelError: No model (no ``docs_dir`` set, or training failed).
        """
        if self._model is None:
            settings = self.settings
            if settings.docs_dir is None or settings.model_cache_dir is None:
                self._model = ModelError("this build has no tiny model (no docs_dir)")
            else:
                from genai_notes.engine import tinymodel

                try:
                    self._model = tinymodel.prepare(
                        settings.docs_dir,
                        settings.model_cache_dir,
                        retrain=settings.retrain_model,
                        hyperparameters=settings.model_hyperparameters,
                    )
                except ModelError as exc:
                    self._model = exc
                    self.warn(str(exc))
        if isinstance(self._model, ModelError):
            raise self._model
        return self._model

    @property
    def model_used(self) -> ModelArtefact | None:
        """The tiny model if a page of this build used it (for the log)."""
        return self._model if isinstance(self._model, ModelArtefact) else None

    def _lookup(self, name: str) -> registry.FigureDef:
        from genai_notes.figures import registry

        try:
            return registry.lookup(self.figures, name)
        except registry.ParameterError as exc:
            if self._module_errors:
                module, problem = next(iter(self._module_errors.items()))
                raise registry.ParameterError(
                    f"unknown figure '{name}' while the figure module {module} cannot be "
                    f"imported: {_display(problem)}"
                ) from None
            raise exc

    def _text_with_numbers(self, where: Where, text: str, line: int | None) -> str | None:
        """A caption or alt text with its ``{{ }}`` computed, as escaped HTML (None: failed)."""
        from genai_notes.engine import slots as slot_tokens
        from genai_notes.engine.typeset import as_html

        marked, found = slot_tokens.protect(text, "GNXC0000N")
        failed = False

        def render(slot: slot_tokens.Slot, context: str) -> str:
            nonlocal failed
            value = self._number(slot, where, (line or 1) + slot.line - 1)
            failed = failed or value is None
            return as_html(value or "")

        rendered = slot_tokens.fill(html.escape(marked, quote=False), found, render)
        return None if failed else rendered

    def _failed(
        self, placement: Placement, message: str | None, title: str = "Figure error"
    ) -> Placement:
        if message is not None:
            self.warn(message)
            placement.html = _error_box(title, _display(message))
        else:
            placement.html = _error_box("Figure error", "a computed number in the caption failed")
        return placement

    # -- after Markdown --------------------------------------------------------------------

    def content(
        self, page_id: str, page_html: str, titles: list[str], title: str | None
    ) -> tuple[str, list[str], str | None]:
        """The page's HTML, its table of contents' titles and its title with computed numbers
        and MathML (figures still as tokens): :meth:`html` and :meth:`heading` together, or
        the page's record when MkDocs made the same HTML of the same Markdown."""
        replay = self._replays.get(page_id)
        if replay is not None:
            replayed = self._replayed_content(replay, page_html, titles, title)
            if replayed is not None:
                return replayed
            self._restate(page_id)
        before = self.warnings
        titles_out = [self.heading(page_id, t) for t in titles]
        title_out = None if title is None else self.heading(page_id, title)
        html_out = self.html(page_id, page_html)
        record = self.pages[page_id].record
        if record is not None and self.warnings == before:
            record.html_in = content_digest(page_html, titles, title)
            record.html, record.titles, record.title = html_out, titles_out, title_out
        else:
            self.pages[page_id].record = None
        return html_out, titles_out, title_out

    def _replayed_content(
        self, replay: Replay, page_html: str, titles: list[str], title: str | None
    ) -> tuple[str, list[str], str | None] | None:
        record = replay.record
        if content_digest(page_html, titles, title) != record.html_in:
            return None
        replay.html = self._renumbered(replay, record.html)
        if replay.html is None:
            return None
        return replay.html, list(record.titles), record.title

    def _renumbered(self, replay: Replay, text: str) -> str | None:
        """A recorded text with its deferred-markup tokens made anew in this build from their
        recipes (None if a memo no longer holds one)."""
        lost = False

        def swap(match: re.Match[str]) -> str:
            nonlocal lost
            old = match.group(0)
            new = replay.tokens.get(old)
            if new is None:
                recipe = replay.record.deferred.get(old)
                memo = self._recipe_memos.get(recipe[0]) if recipe is not None else None
                markup = memo.get(recipe[1]) if memo is not None and recipe is not None else None
                if markup is None or recipe is None:
                    lost = True
                    return old
                new = replay.tokens[old] = self._defer(markup, recipe)
            return new

        renumbered = _DEFERRED.sub(swap, text)
        return None if lost else renumbered

    def html(self, page_id: str, page_html: str) -> str:
        """The page's HTML with computed numbers and MathML (figures still as tokens)."""
        from genai_notes import mathml
        from genai_notes.engine import problems as problem_blocks

        state = self.pages[page_id]
        if state.problems is not None:
            page_html = problem_blocks.fill(page_html, state.problems)
        page_html = glossary.first_uses_only(self._fill_numbers(state, page_html))
        # MathML joins the page after the search plugin has read it: a thousand formulas of
        # nested elements would double its work, and their letters are no use in a search.
        page_html = mathml.render_math(
            page_html,
            lambda e: self._math_error(state, e),
            lambda tex, display: self._defer(
                self._mathml(tex, display), ("mathml", _math_key(tex, display))
            ),
        )
        for context in mathml.stray_dollars(page_html):
            line, column = state.where.find(*_dollar_snippets(context))
            self.warn(
                f"{state.where.at_source(line, column)}: a '$' was left as text near '{context}': "
                "unmatched math delimiter? (no space may follow an opening or precede a closing "
                "'$'; write money as USD)"
            )
        return page_html

    def heading(self, page_id: str, title: str) -> str:
        """A table-of-contents title with its numbers and math rendered."""
        from genai_notes import mathml
        from genai_notes.engine import slots as slot_tokens

        state = self.pages.get(page_id)
        if state is not None and "GNXN" in title:
            title = slot_tokens.fill(
                title, state.slots, lambda s, c: self._render_slot(state, s, "text")
            )
        if "\\(" not in title:
            return title
        return mathml.render_heading_math(title, lambda e: self._math_error(state, e), self._mathml)

    def _fill_numbers(self, state: PageState, page_html: str) -> str:
        from genai_notes.engine import slots as slot_tokens

        return slot_tokens.fill(
            page_html, state.slots, lambda slot, context: self._render_slot(state, slot, context)
        )

    def _render_slot(self, state: PageState, slot: slot_tokens.Slot, context: str) -> str:
        from genai_notes.engine.typeset import as_html, as_tex

        if not slot.closed:
            self.warn(
                f"{state.where.at(slot.line, slot.column)}: '{{{{' is never closed with '}}}}' in "
                "its paragraph (close it, or put it in `code` if it is meant literally)"
            )
            return "{{"
        text = self._number(slot, state.where, slot.line, slot.column)
        if text is None:
            if context == "text":
                return (
                    '<strong class="genai-error" role="alert">[computed number failed: '
                    f"{html.escape(_clip(slot.body.partition('|')[0].strip()))}]</strong>"
                )
            return r"\text{?}" if context == "math" else "[computed number failed]"
        return as_tex(text) if context == "math" else as_html(text)

    def _number(
        self, slot: slot_tokens.Slot, where: Where, line: int, column: int | None = None
    ) -> str | None:
        """The formatted value of one ``{{ }}`` (None, after a message, when it fails)."""
        from genai_notes.engine.expressions import ExpressionError, evaluate
        from genai_notes.engine.typeset import format_value

        body = slot.body
        cached = self._numbers.get(body)
        if cached is not None:
            return cached
        expression, _, spec = body.partition("|")
        try:
            text = format_value(evaluate(expression, self._science()), spec.strip())
        except ExpressionError as exc:
            self.warn(
                f"{where.at(line, column or slot.column)}: computed number "
                f"'{{{{ {_clip(expression.strip())} }}}}' failed: {exc}"
            )
            return None
        self._numbers.put(body, text)
        return text

    def _markdown(self, text: str) -> str:
        """HTML of Markdown converted on its own, from the memo when it was converted before."""
        found = self._converted.get(text)
        if found is None:
            assert self.settings.markdown is not None
            found = self.settings.markdown(text)
            self._converted.put(text, found)
        return found

    def _mathml(self, tex: str, display: bool) -> str:
        from genai_notes import mathml

        key = _math_key(tex, display)
        found = self._math.get(key)
        if found is None:
            found = mathml.tex_to_mathml(tex, display=display)
            self._math.put(key, found)
        return found

    def _math_error(self, state: PageState | None, error: mathml.MathError) -> str:
        if state is None:
            self.warn(str(error))
        else:
            first = error.tex.split("\n", 1)[0]
            line, column = state.where.find(error.tex, first)
            if error.tex.startswith(first) and "\n" in error.tex:
                column = 1  # a display formula: point at its first line
            self.warn(f"{state.where.at_source(line, column)}: {error}")
        return _error_box("Formula error", str(error))

    # -- once for all pages ----------------------------------------------------------------

    def finish(self, on_detail: Warn | None = None) -> None:
        """Draw every queued figure, storing each as it is ready."""
        try:
            for outcome in self.pool.run(list(self._jobs.values())):
                if outcome.svgs is not None and outcome.table is not None:
                    entry = Entry(
                        outcome.table, outcome.size, outcome.phone_size, outcome.marks or {}
                    )
                    self.cache.put(outcome.key, entry, outcome.svgs)
                    self.stats.drawn += 1
                else:
                    self._failures[outcome.key] = outcome.error or "unknown error"
                    self.stats.failed += 1
                    if on_detail is not None and outcome.details:
                        on_detail(outcome.details)
        except Exception as exc:  # the pool itself broke: every figure left is a failure
            for key in self._jobs:
                self._failures.setdefault(key, f"drawing stopped: {type(exc).__name__}: {exc}")
            if on_detail is not None:
                on_detail(traceback.format_exc())

    def save(self, *, complete: bool = True) -> None:
        """Keep the memos for the next build (after the figures are in their pages);
        ``complete``: every page of the site went through this build (not a dirty build), so
        the records of pages it did not see are dropped."""
        memos = (self._numbers, self._math, self._imports, self._blocks, self._tables)
        for memo in (*memos, self._converted, self._problems):
            memo.save(prune=not self._recorded.replayed)
        model_failed = isinstance(self._model, ModelError)
        if not (self._module_errors or self._glossary_errors or model_failed):
            self._recorded.save(prune=complete)

    def prune(self) -> int:
        """Delete cached figures no page of this build used (after a complete build)."""
        return self.cache.prune()

    def figure_html(self, placement: Placement, url_for: UrlFor) -> str:
        """The HTML of one figure block (an error box if it failed)."""
        from genai_notes.engine.walkthroughs import walkthrough_html
        from genai_notes.figures.html import figure_html

        if placement.html is not None:
            return placement.html
        if placement.steps is not None and placement.walkthrough is not None:
            figures = [self.figure_html(step, url_for) for step in placement.steps]
            return walkthrough_html(placement.walkthrough, figures)
        assert placement.key is not None and placement.block is not None
        key, block = placement.key, placement.block
        entry = placement.entry or self.cache.get(key)
        if entry is None:
            problem = self._failures.get(key, "the drawing is missing from the cache")
            message = f"{placement.label}: drawing failed: {problem}"
            self.warn(message)
            placement.html = _error_box("Figure error", message)
            return placement.html
        images = None
        sizes = None
        if entry.size is not None and entry.phone_size is not None:
            images = {
                v: url_for(f"{ASSETS}/{key}-{v}.svg", self.cache.svg_path(key, v), None)
                for v in VARIANTS
            }
            sizes = (entry.size, entry.phone_size)
        csv_url = url_for(f"{ASSETS}/{key}.csv", None, self._rendered("csv", entry))
        placeholder = self._rendered("html", entry)
        if images is not None:
            # Hundreds of rows of plotted numbers would double the search plugin's work and add
            # nothing a reader searches for: the table joins the page after indexing.
            recipe = ("tables", f"html:{entry.digest}") if entry.digest else None
            placeholder = self._defer(placeholder, recipe)
        return figure_html(
            entry.table,
            caption=placement.caption,
            alt=html.unescape(placement.alt),
            images=images,
            sizes=sizes,
            csv_url=csv_url,
            csv_name=f"{block.name.replace('.', '-')}.csv",
            anchor=block.id,
            data_table=placeholder,
            marks=entry.marks if images is not None else None,
            marks_script=self._marks_script(entry) if images and entry.marks else None,
        )

    def _marks_script(self, entry: Entry) -> str:
        """An explorable figure's marks as JSON, joining the page after search has indexed it
        (numbers for ``explorable.js``, nothing a reader searches for)."""
        recipe = ("tables", f"marks:{entry.digest}") if entry.digest else None
        return self._defer(self._rendered("marks", entry), recipe)

    def _rendered(self, kind: str, entry: Entry) -> str:
        """An entry's data table as HTML or CSV, or its marks as JSON (``kind``: ``html``,
        ``csv`` or ``marks``), rendered again only when the entry's manifest or the rendering
        code changed (the memo's stamp)."""
        from genai_notes.figures.html import marks_json, table_csv, table_html

        key = f"{kind}:{entry.digest}"
        found = self._tables.get(key) if entry.digest else None
        if found is None:
            if kind == "marks":
                found = marks_json(entry.table, entry.marks)
            else:
                found = table_html(entry.table) if kind == "html" else table_csv(entry.table)
            if entry.digest:
                self._tables.put(key, found)
        return found

    def _defer(self, markup: str, recipe: Recipe | None = None) -> str:
        """A placeholder for markup that joins the page only after search has indexed it;
        ``recipe`` names the memo entry it came from (a page that has none is not recorded)."""
        token = f"<!--GNXD{len(self._deferred):06d}-->"
        self._deferred[token] = markup
        if recipe is not None:
            self._recipes[token] = recipe
        return token

    def fill_deferred(self, page_html: str) -> str:
        """Put the deferred markup (MathML, data tables under drawings) into a final page."""
        if "<!--GNXD" not in page_html:
            return page_html
        return _DEFERRED.sub(lambda m: self._deferred.get(m.group(0), ""), page_html)

    def fill_figures(self, page_id: str, page_html: str, url_for: UrlFor) -> str:
        """Put each figure of the page where its token ended up (and record the page)."""
        self.stats.pages += 1
        replay = self._replays.get(page_id)
        if replay is not None:
            replayed = self._replayed_figures(replay, page_html, url_for)
            if replayed is not None:
                self.stats.replayed += 1
                return replayed
            self._restate(page_id)
        state = self.pages.get(page_id)
        if state is None:
            return page_html
        record, state.record = state.record, None
        before = self.warnings
        files: list[FileCall] = []

        def recording(uri: str, path: Path | None, content: str | None) -> str:
            kept = None if path is None else str(path.relative_to(self.cache.folder))
            files.append((uri, kept, content))
            return url_for(uri, path, content)

        playground = _PLAYGROUND_TAG.search(page_html) is not None
        by_token = {p.token: p for p in state.figures}
        fragments: dict[str, str] = {}
        noted = False

        def swap(token: str, text: str) -> str:
            nonlocal noted
            placement = by_token.get(token)
            if placement is None:
                return text
            markup = self.figure_html(placement, recording)
            if placement.artefacts and placement.html is None and not noted:
                noted = True  # the first figure from the model says where the model comes from
                markup = self._model_note() + markup
            fragments[text] = markup
            return markup

        filled = swap_tokens(page_html, _FIGURE_TOKEN, swap) if state.figures else page_html
        if noted or playground:
            filled = self._with_model(filled, url_for)
        if record is not None and self.warnings == before:
            record.figures, record.files, record.playground = fragments, files, noted or playground
            self._record(state, record)
        return filled

    def _record(self, state: PageState, record: PageRecord) -> None:
        """Keep a page's record for the next build, if all it shows can be checked then."""
        record.keys = [
            step.key
            for placement in state.figures
            for step in (placement.steps or [placement])
            if step.key is not None
        ]
        for key in record.keys:
            found = self.cache.file_stats(key)
            if found is None:
                return
            record.checks.update(found)
        if any(p.artefacts for p in state.figures for p in (p.steps or [p])):
            model = self.model_used
            if model is None:
                return
            record.model = _model_stamp(model)
        for text in (record.html, *record.figures.values()):
            for token in _DEFERRED.findall(text):
                recipe = self._recipes.get(token)
                if recipe is None:
                    return
                record.deferred[token] = recipe
        self._recorded.put(state.key, record)

    def _shows_the_same(self, record: PageRecord) -> bool:
        """Whether the figures a record shows are the files it showed (checked before any
        figure is drawn, so that a page that fails this is redone and its figures drawn)."""
        if not self.cache.unchanged(record.checks):
            return False
        if record.model:
            try:
                model = self.model()
            except ModelError:
                return False
            return record.model == _model_stamp(model)
        return True

    def _replayed_figures(self, replay: Replay, page_html: str, url_for: UrlFor) -> str | None:
        """A replayed page with its figures, if every file they show is unchanged."""
        record = replay.record
        if replay.html is None or page_html != replay.html:
            return None
        fragments = {}
        for token, markup in record.figures.items():
            renumbered = self._renumbered(replay, markup)
            if renumbered is None:
                return None
            fragments[token] = renumbered
        for uri, kept, content in record.files:
            url_for(uri, None if kept is None else self.cache.folder / kept, content)
        self.cache.mark_used(record.keys)
        self.stats.cached += len(record.keys)
        filled = swap_tokens(page_html, _FIGURE_TOKEN, lambda _, text: fragments.get(text, text))
        if record.playground:
            filled = self._with_model(filled, url_for)
        return filled

    def _model_note(self) -> str:
        model = self.model_used
        if model is None:
            return ""
        state = "current" if model.current else "stale"
        return (
            f'<p class="genai-tinylm-note" data-model-state="{state}">'
            f"{html.escape(model.note())}</p>"
        )

    def _with_model(self, page_html: str, url_for: UrlFor) -> str:
        """A page that uses the tiny model: the weights script joins the site (next to
        ``javascripts/tinylm.js``, which loads it when the page first asks for the model) and
        each playground learns the model's provenance; an error box if there is no model."""
        try:
            model = self.model()
            if self._weights_file is None:
                self._weights_file = model.weights_file()
        except ModelError as exc:
            box = _error_box("Tiny model error", str(exc))
            return _PLAYGROUND_TAG.sub(lambda m: box + m.group(0), page_html)
        from genai_notes.tinylm.entry import SITE_WEIGHTS_SCRIPT

        url_for(SITE_WEIGHTS_SCRIPT, self._weights_file, None)
        state = "current" if model.current else "stale"
        note = html.escape(model.note())
        attributes = f' data-model-state="{state}" data-model-note="{note}"'
        return _PLAYGROUND_TAG.sub(lambda m: m.group(0) + attributes, page_html)


def _pages_stamp(settings: Settings, glossary_text: str, memos: Sequence[Memo]) -> str:
    """The stamp of the page memo: the stamps of the memos a page's steps read (the package's
    code, library versions), the Markdown settings, the glossary and the build's settings."""
    options = [
        list(settings.figure_modules),
        settings.figures,
        str(settings.docs_dir),
        str(settings.model_cache_dir),
        settings.retrain_model,
        repr(settings.model_hyperparameters),
        settings.markdown is not None,
    ]
    stamps = [memo.stamp for memo in memos]
    return digest([], settings.markdown_stamp, glossary_text, json.dumps(options), *stamps)


def _model_stamp(model: ModelArtefact) -> list[str]:
    """What a page record keeps of the tiny model its figures show (checked on replay)."""
    return [model.digest, model.note(), str(model.current)]


def _math_key(tex: str, display: bool) -> str:
    return ("D" if display else "I") + tex


def _numbers_stamp(memo: Memo) -> str:
    files = import_closure(
        [
            "genai_notes.engine.expressions",
            "genai_notes.engine.typeset",
            "genai_notes.engine.problems",
            "genai_notes.science",
        ],
        memo,
    )
    files |= set((PACKAGE_DIR / "science").glob("*.py"))
    return digest(files, *versions("numpy"))


def _math_stamp(memo: Memo) -> str:
    return digest(import_closure(["genai_notes.mathml"], memo), *versions("latex2mathml", "nh3"))


def _error_box(title: str, message: str) -> str:
    """A visible error in place of what failed (the message is plain text)."""
    return (
        '<div class="admonition failure genai-error" role="alert">'
        f'<p class="admonition-title">{html.escape(title)}</p>'
        f"<p>{html.escape(message)}</p></div>"
    )


def _display(message: str) -> str:
    """A message with absolute paths inside the package shortened to ``src/genai_notes/...``."""
    return message.replace(str(PACKAGE_DIR), "src/genai_notes")


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dollar_snippets(context: str) -> tuple[str, ...]:
    """Ever shorter pieces of text starting at a stray '$', to find it in the source."""
    at = context.find("$")
    return tuple(context[at : at + size] for size in (12, 8, 5, 3) if at >= 0)
