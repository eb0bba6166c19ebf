"""The figure step of a build: find blocks, draw what the cache lacks, write the HTML.

Before any page is rendered (``on_files``), every page's figure blocks are read and checked,
and the figures missing from the cache are drawn in parallel. Each page then swaps its blocks
for the finished HTML. Author mistakes become warnings naming page, line and figure, and an
error box on the page.
"""

from __future__ import annotations

import html
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from genai_notes.figures import blocks, cache, catalogue, engine, registry
from genai_notes.figures.html import Artifacts, figure_html
from genai_notes.figures.style import THEMES

Warn = Callable[[str], None]
Checked = tuple[registry.FigureDef, dict[str, object], str]
CheckedBlock = tuple[blocks.RawBlock, blocks.FigureBlock | str, Checked | None]
ASSETS = "assets/figures"
# Placeholders: a figure where Markdown left it (perhaps wrapped in a paragraph), a data table.
_FIGURE_TOKEN = re.compile(
    r"<p>(?P<alone>GENAINOTESFIGURE\d+X)</p>|(?P<inline>GENAINOTESFIGURE\d+X)"
)
_TABLE_TOKEN = re.compile(r"<!--GENAINOTESTABLE\d+-->")


@dataclass
class FigureStats:
    """What the last build did, for the log and for tests."""

    drawn: int = 0
    cached: int = 0
    failed: int = 0


@dataclass
class FigureStep:
    """Figures for one build."""

    config: MkDocsConfig
    modules: Sequence[str]
    cache: cache.FigureCache
    use_cache: bool
    figures: dict[str, registry.FigureDef] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    stats: FigureStats = field(default_factory=FigureStats)
    _shared: str = ""
    _snippets: dict[str, str] = field(default_factory=dict)
    _tables: dict[str, str] = field(default_factory=dict)
    _count: int = 0
    _digests: dict[str, str] = field(default_factory=dict)
    _artifacts_seen: dict[str, Artifacts] = field(default_factory=dict)

    def prepare(self, files: Files) -> list[str]:
        """Read every page's blocks and draw what the cache lacks; return verbose details."""
        try:
            self.figures = registry.collect(self.modules)
        except Exception as exc:  # a broken figure module is a broken set-up, not a page error
            raise PluginError(
                f"genai-notes: cannot load the figure modules: {type(exc).__name__}: {exc}"
            ) from exc
        self._shared = cache.shared_fingerprint()
        self._digests = cache.source_digests(self.figures, self.cache.folder)
        jobs: dict[str, engine.Job] = {}
        for file in files.documentation_pages():
            markdown = catalogue.expand(file.content_string, self.figures)
            for _, _, checked in self._checked_blocks(markdown):
                if checked is None:
                    continue
                figure, params, key = checked
                try:
                    artifacts = self._artifacts(figure, params, key)
                except Exception:  # reported, with page and line, when the page is built
                    continue
                if artifacts.size is None:
                    continue
                if self.use_cache and self.cache.has(key):
                    self.stats.cached += 1
                else:
                    jobs[key] = engine.Job(key, figure.name, params)
        for outcome in engine.render_all(list(jobs.values()), self.modules):
            if outcome.svgs is not None:
                self.cache.put(outcome.key, outcome.svgs)
                self.stats.drawn += 1
            else:
                self.failures[outcome.key] = outcome.error or "unknown error"
                self.details[outcome.key] = outcome.details or ""
                self.stats.failed += 1
        return list(self.details.values())

    def _artifacts(
        self, figure: registry.FigureDef, params: dict[str, object], key: str
    ) -> Artifacts:
        """The figure's table and size: from this build, the cache, or by calling it."""
        if key in self._artifacts_seen:
            return self._artifacts_seen[key]
        found = self.cache.artifacts(key) if self.use_cache else None
        if found is None:
            found = Artifacts.of(figure.function(**params))
            self.cache.put_artifacts(key, found)
        self._artifacts_seen[key] = found
        return found

    def _checked_blocks(self, markdown: str) -> list[CheckedBlock]:
        """Each block with its parsed form (or error text) and (figure, params, key)."""
        found: list[CheckedBlock] = []
        try:
            raws = list(blocks.find_blocks(markdown))
        except blocks.BlockError:
            return found
        for raw in raws:
            try:
                block = blocks.parse_block(raw)
                figure = self._figure(block.name)
                params = figure.check(block.params)
            except (blocks.BlockError, registry.ParameterError) as exc:
                found.append((raw, str(exc), None))
                continue
            key = self._key(figure, params)
            found.append((raw, block, (figure, params, key)))
        return found

    def _key(self, figure: registry.FigureDef, params: dict[str, object]) -> str:
        return cache.figure_key(figure, params, self._shared, self._digests.get(figure.name))

    def _figure(self, name: str) -> registry.FigureDef:
        return registry.lookup(self.figures, name)

    def replace_blocks(
        self, markdown: str, page: Page, files: Files, offset: int, warn: Warn
    ) -> str:
        """Swap each block in ``markdown`` for its HTML (or an error box)."""
        markdown = catalogue.expand(markdown, self.figures)
        try:
            raws = list(blocks.find_blocks(markdown))
        except blocks.BlockError as exc:
            warn(f"{page.file.src_uri}: {exc}")
            return markdown
        lines = markdown.splitlines()
        for raw in reversed(raws):
            line = raw.start + 1 + offset
            snippet = self._block_html(raw, page, files, line, warn)
            lines[raw.start : raw.end] = [f"{raw.indent}{snippet}"]
        return "\n".join(lines) + "\n"

    def _block_html(
        self, raw: blocks.RawBlock, page: Page, files: Files, line: int, warn: Warn
    ) -> str:
        where = f"{page.file.src_uri}:{line}"
        try:
            block = blocks.parse_block(raw)
        except blocks.BlockError as exc:
            return self._error(warn, f"{where}: figure block: {exc}")
        label = f"{where}: figure {block.name}"
        try:
            figure = self._figure(block.name)
            params = figure.check(block.params)
            key = self._key(figure, params)
            artifacts = self._artifacts(figure, params, key)
        except registry.ParameterError as exc:
            return self._error(warn, f"{label}: {exc}")
        except Exception as exc:
            return self._error(
                warn, f"{label}: the figure function raised {type(exc).__name__}: {exc}"
            )
        if key in self.failures:
            return self._error(warn, f"{label}: drawing failed: {self.failures[key]}")
        images = None
        if artifacts.size is not None and not self.cache.has(key):
            return self._error(warn, f"{label}: the drawing is missing from the cache; build again")
        if artifacts.size is not None:
            images = {
                theme.name: self._add_file(
                    files,
                    f"{ASSETS}/{key}-{theme.name}.svg",
                    page,
                    path=self.cache.path(key, theme.name),
                )
                for theme in THEMES
            }
        csv_url = self._add_file(files, f"{ASSETS}/{key}.csv", page, content=artifacts.csv)
        snippet = figure_html(
            artifacts,
            caption=block.caption,
            alt=block.alt,
            images=images,
            csv_url=csv_url,
            csv_name=f"{block.name.replace('.', '-')}.csv",
            anchor=block.id,
        )
        return self._stash(self._defer_table(snippet, artifacts.table_html))

    def _stash(self, snippet: str) -> str:
        """A placeholder that Markdown leaves alone anywhere (even in an admonition)."""
        self._count += 1
        token = f"GENAINOTESFIGURE{self._count:05d}X"
        self._snippets[token] = snippet
        return token

    def fill(self, page_html: str) -> str:
        """Put each figure's HTML where its placeholder ended up (tables still deferred).

        One pass over the page with a pattern, not one search per figure of the site: the
        cost stays linear in the size of the site.
        """

        def swap(match: re.Match[str]) -> str:
            token = match.group("alone") or match.group("inline")
            return self._snippets.pop(token, match.group(0))

        return _FIGURE_TOKEN.sub(swap, page_html)

    def _defer_table(self, snippet: str, table: str) -> str:
        """Swap the data table for a comment, filled in the final page by :meth:`fill_tables`.

        The search plugin parses every page's content; hundreds of rows of plotted numbers
        would double its work and add nothing a reader searches for.
        """
        token = f"<!--GENAINOTESTABLE{len(self._tables):05d}-->"
        self._tables[token] = table
        return snippet.replace(table, token, 1)

    def fill_tables(self, output: str) -> str:
        """Put the deferred data tables into a page's final HTML."""
        return _TABLE_TOKEN.sub(lambda m: self._tables.get(m.group(0), m.group(0)), output)

    def _add_file(
        self,
        files: Files,
        uri: str,
        page: Page,
        *,
        path: Path | None = None,
        content: str | None = None,
    ) -> str:
        """Add a generated file once, and return its URL relative to ``page``."""
        file = files.get_file_from_path(uri)
        if file is None:
            if path is not None:
                file = File.generated(self.config, uri, abs_src_path=str(path))
            else:
                file = File.generated(self.config, uri, content=content or "")
            files.append(file)
        return file.url_relative_to(page.file)

    def _error(self, warn: Warn, message: str) -> str:
        warn(message)
        return self._stash(
            '<div class="admonition failure genai-error" role="alert">'
            f'<p class="admonition-title">Figure error</p><p>{html.escape(message)}</p></div>'
        )


def reload_changed(modules: Sequence[str], seen: dict[str, float]) -> None:
    """Re-import science and figure modules whose files changed (``mkdocs serve`` edits)."""
    names = [n for n in sys.modules if n.startswith("genai_notes.science.")]
    names += [n for n in modules if n in sys.modules]
    for name in names:
        module: ModuleType = sys.modules[name]
        path = Path(getattr(module, "__file__", "") or "")
        if not path.is_file():
            continue
        mtime = path.stat().st_mtime
        if name in seen and seen[name] != mtime:
            importlib.reload(module)
        seen[name] = mtime
