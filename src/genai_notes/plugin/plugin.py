"""Event wiring: computed numbers, the glossary page and build-time MathML.

Author mistakes are logged as warnings that name the page and the line, so ``mkdocs build
--strict`` fails while ``mkdocs serve`` keeps running, and the page shows an error box.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from genai_notes import calc, glossary, mathml
from genai_notes.figures import registry
from genai_notes.figures.cache import FigureCache
from genai_notes.plugin.config import GenaiNotesConfig
from genai_notes.plugin.figures import FigureStats, FigureStep, reload_changed

log = get_plugin_logger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class GenaiNotesPlugin(BasePlugin[GenaiNotesConfig]):
    """Computed numbers, the glossary page and MathML for the genai-notes site."""

    def __init__(self) -> None:
        """State that lives across ``mkdocs serve`` rebuilds."""
        self._terms: list[glossary.Term] = []
        self._mtimes: dict[str, float] = {}
        self._step: FigureStep | None = None
        self.stats = FigureStats()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Exist, so that ``mkdocs serve`` keeps one plugin instance across rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Check that the glossary file parses before any page is built."""
        if not self.config.enabled:
            return None
        try:
            self._terms = glossary.read_glossary(Path(self.config.glossary))
        except ValueError as exc:
            raise PluginError(f"genai-notes: bad glossary file: {exc}") from exc
        if self.config.figure_modules:
            project = str(Path(config.config_file_path).resolve().parent)
            if project not in sys.path:
                sys.path.insert(0, project)
        return None

    def _modules(self) -> list[str]:
        return [*registry.BUILTIN_MODULES, *self.config.figure_modules]

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Read every figure block and draw, in parallel, the figures the cache lacks."""
        if not (self.config.enabled and self.config.figures):
            return None
        reload_changed(self._modules(), self._mtimes)
        cache_dir = Path(config.config_file_path).resolve().parent / self.config.cache_dir
        self._step = FigureStep(config, self._modules(), FigureCache(cache_dir), self.config.cache)
        for details in self._step.prepare(files):
            log.debug("a figure failed to draw:\n%s", details)
        self.stats = self._step.stats
        log.info(
            "figures: %d drawn, %d from the cache, %d failed",
            self.stats.drawn,
            self.stats.cached,
            self.stats.failed,
        )
        return files

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when the science code or the glossary changes."""
        if self.config.enabled:
            server.watch(str(PACKAGE_DIR))
            server.watch(self.config.glossary)
            project = Path(config.config_file_path).resolve().parent
            for module in self.config.figure_modules:
                server.watch(str(project / (module.replace(".", "/") + ".py")))
        return server

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Insert the glossary and replace ``{{ ... }}`` by computed numbers."""
        if not self.config.enabled:
            return None
        if glossary.MARKER in markdown:
            markdown = markdown.replace(glossary.MARKER, glossary.glossary_markdown(self._terms))
        offset = _front_matter_lines(page, markdown)
        if self._step is not None:
            markdown = self._step.replace_blocks(
                markdown, page, files, offset, lambda message: log.warning("%s", message)
            )
        markdown, failures = calc.substitute(markdown)
        for failure in failures:
            log.warning(
                "%s:%d: computed number '{{ %s }}' failed: %s",
                page.file.src_uri,
                failure.line + offset,
                failure.expression,
                failure.problem,
            )
        return markdown

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Replace the TeX that Arithmatex marked by MathML."""
        if not self.config.enabled:
            return None

        def report(error: mathml.MathError) -> str:
            line = _line_of(page, error.tex, error.tex.split("\n", 1)[0])
            log.warning("%s:%d: %s", page.file.src_uri, line, error)
            return _error_box(str(error))

        for item in _walk_toc(page.toc):
            item.title = mathml.render_heading_math(item.title, report)
        rendered = mathml.render_math(html_text, report)
        if self._step is not None:
            rendered = self._step.fill(rendered)
        for context in mathml.stray_dollars(rendered):
            log.warning(
                "%s:%d: a '$' was left as text near '%s': unmatched math delimiter? "
                "(no space may follow an opening or precede a closing '$'; write money as USD)",
                page.file.src_uri,
                _line_of(page, *_dollar_snippets(context)),
                context,
            )
        return rendered

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Insert the figures' data tables, kept out of the content the search plugin reads."""
        if self._step is None:
            return None
        return self._step.fill_tables(output)


def _walk_toc(items: Iterable[AnchorLink]) -> Iterator[AnchorLink]:
    """Every entry of a page's table of contents, depth first."""
    for item in items:
        yield item
        yield from _walk_toc(item.children)


def _front_matter_lines(page: Page, markdown: str) -> int:
    """Lines of front matter above ``page.markdown``, to report lines as in the source file."""
    source = page.file.content_string
    body = page.markdown or ""
    at = source.find(body[:200]) if body else -1
    return source.count("\n", 0, at) if at > 0 else 0


def _line_of(page: Page, *snippets: str) -> int:
    """The line of the source holding the first snippet found, trying each in turn (else 1)."""
    source = page.file.content_string
    for snippet in snippets:
        at = source.find(snippet) if snippet else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return 1


def _dollar_snippets(context: str) -> tuple[str, ...]:
    """Ever shorter pieces of text starting at a stray '$', to find it in the source."""
    at = context.find("$")
    return tuple(context[at : at + size] for size in (12, 8, 5, 3) if at >= 0)


def _error_box(message: str) -> str:
    """A visible error in place of what failed."""
    return (
        '<div class="admonition failure genai-error" role="alert">'
        '<p class="admonition-title">Build error</p>'
        f"<p>{html.escape(message)}</p></div>"
    )
