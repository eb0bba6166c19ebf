"""Event wiring: the engine in :mod:`genai_notes.engine` does the work, this file only calls it.

Per build, ``on_pre_build`` starts an engine :class:`~genai_notes.engine.build.Build` (after
reloading the package if any of its files changed under ``mkdocs serve``); each page passes
through it in ``on_page_markdown`` and ``on_page_content``; ``on_env`` draws the missing figures
once for the whole site and puts them in the pages. One worker pool serves a whole ``mkdocs
serve`` session and is closed on shutdown. Author mistakes are logged as warnings, so
``mkdocs build --strict`` fails while ``mkdocs serve`` keeps answering, with an error box on the
page.
"""

from __future__ import annotations

import html
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from genai_notes.plugin import fragments
from genai_notes.plugin.config import GenaiNotesConfig

if TYPE_CHECKING:
    from genai_notes.engine.build import Build, Settings, Stats
    from genai_notes.engine.drawing import DrawingPool

log = get_plugin_logger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class GenaiNotesPlugin(BasePlugin[GenaiNotesConfig]):
    """Computed numbers, figures, the glossary page and MathML for the genai-notes site."""

    def __init__(self) -> None:
        """State that lives across ``mkdocs serve`` rebuilds."""
        self._command = "build"
        self._dirty = False
        self._fingerprint: str | None = None
        self._pool: DrawingPool | None = None
        self._build: Build | None = None
        self._broken: str | None = None
        self._nav_order: list[str] = []

    @property
    def stats(self) -> Stats | None:
        """What the last build's figure step did (for tests)."""
        return None if self._build is None else self._build.stats

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keep one plugin instance (and one worker pool) across ``mkdocs serve`` rebuilds."""
        self._command, self._dirty = command, dirty

    def on_shutdown(self) -> None:
        """Stop the drawing workers."""
        self._close_pool()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Make the project's own figure modules importable."""
        if self.config.enabled and self.config.figure_modules:
            project = str(_project(config))
            if project not in sys.path:
                sys.path.insert(0, project)
        return None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Start this build's engine, reloading the package first if any of its files changed."""
        self._build, self._broken = None, None
        if not self.config.enabled:
            return
        try:
            self._reload_if_changed(config)
            self._build = self._new_build(config)
        except Exception as exc:  # broken package code: report, keep serving
            self._broken = _describe(exc)
            log.warning("%s", self._broken)

    def _new_build(self, config: MkDocsConfig) -> Build:
        build_module = importlib.import_module("genai_notes.engine.build")
        drawing = importlib.import_module("genai_notes.engine.drawing")
        settings = settings_for(self.config, config, self._command)
        if self._pool is None:
            self._pool = drawing.DrawingPool(settings.figure_modules)
        build: Build = build_module.Build(settings, self._pool, lambda m: log.warning("%s", m))
        return build

    def _reload_if_changed(self, config: MkDocsConfig) -> None:
        """Under ``serve``, drop every module of the package (and the project's figure modules)
        when any of their files changed, so the next import reads the new code; recycle the
        workers, which hold the old code. The plugin's own wiring is not reloaded."""
        if self._command != "serve":
            return  # one build per process: nothing to reload
        files = importlib.import_module("genai_notes.engine.files")
        project = _project(config)
        extra = [project / (m.replace(".", "/") + ".py") for m in self.config.figure_modules]
        fingerprint = files.digest([*files.package_files(), *[p for p in extra if p.is_file()]])
        if self._fingerprint not in (None, fingerprint):
            stale = [
                name
                for name in sys.modules
                if (name.startswith("genai_notes.") and not name.startswith("genai_notes.plugin"))
                or name in self.config.figure_modules
            ]
            for name in stale:
                del sys.modules[name]
            importlib.invalidate_caches()
            self._close_pool()
            log.info("package code changed: reloaded %d modules", len(stale))
        self._fingerprint = fingerprint

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Remember the navigation's page order (the Solutions appendix follows it)."""
        self._nav_order = [page.file.src_uri for page in nav.pages]
        return None

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Swap figure blocks and computed numbers for tokens; insert the glossary."""
        if self._broken is not None:
            return _error_box(self._broken) + "\n\n" + markdown
        if self._build is None:
            return None
        where_module = importlib.import_module("genai_notes.engine.build")
        where = where_module.Where(
            page_label(config, page.file.src_uri),
            page.file.content_string,
            _front_matter_lines(page, markdown),
        )
        return self._build.markdown(page.file.src_uri, where, markdown, page.file.url)

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fill in computed numbers and MathML (headings in the table of contents too)."""
        if self._build is None:
            return None
        items = list(_walk_toc(page.toc))
        titles = [item.title for item in items]
        html_text, titles, title = self._build.content(
            page.file.src_uri, html_text, titles, page.title or None
        )
        for item, item_title in zip(items, titles, strict=True):
            item.title = item_title
        if title:
            page.title = html.unescape(title)
        return html_text

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        """Draw the missing figures once for the site, then put every figure in its page."""
        build = self._build
        if build is None:
            return None
        build.finish(on_detail=lambda details: log.debug("a figure failed to draw:\n%s", details))
        for file in files.documentation_pages():
            page = file.page
            if page is not None and page.content:
                page.content = build.fill_figures(
                    file.src_uri, page.content, _url_for(config, files, page)
                )
        _fill_solutions(files, self._nav_order, self.config.solutions_skip)
        build.save(complete=not self._dirty)
        stats = build.stats
        log.info(
            "figures: %d drawn, %d from the cache, %d failed",
            stats.drawn,
            stats.cached,
            stats.failed,
        )
        log.info(
            "pages: %d replayed from the page memo, %d built",
            stats.replayed,
            stats.pages - stats.replayed,
        )
        model = build.model_used
        if model is not None:
            log.info("tiny model %s: %s", model.path.name, model.note())
        if self._command == "build":
            if not self._dirty and self.config.cache:
                build.prune()
            self._close_pool()
        return env

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Insert MathML and the figures' data tables, kept out of what search indexes."""
        return None if self._build is None else self._build.fill_deferred(output)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when the package code, the glossary or a project figure module changes."""
        if self.config.enabled:
            server.watch(str(PACKAGE_DIR))
            server.watch(self.config.glossary)
            project = _project(config)
            for module in self.config.figure_modules:
                server.watch(str(project / (module.replace(".", "/") + ".py")))
        return server

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def _fill_solutions(files: Files, nav_order: list[str], skip: list[str]) -> None:
    """Copy every chapter's worked solutions, in navigation order, into the page that asks for
    them (``docs/solutions.md``): pages are rendered in file order, so this waits for all."""
    solutions = importlib.import_module("genai_notes.engine.solutions")
    rank = {uri: index for index, uri in enumerate(nav_order)}
    pages = sorted(
        ((f, f.page) for f in files.documentation_pages() if f.page is not None),
        key=lambda pair: (rank.get(pair[0].src_uri, len(rank)), pair[0].src_uri),
    )
    targets = [(f, page) for f, page in pages if solutions.MARKER in (page.content or "")]
    if not targets:
        return
    chapters = [
        (page.title or f.src_uri, f, solutions.solutions(page.content or ""))
        for f, page in pages
        if solutions.MARKER not in (page.content or "") and not f.src_uri.startswith(tuple(skip))
    ]
    for target, page in targets:
        linked = [(title, f.url_relative_to(target), found) for title, f, found in chapters]
        appendix = solutions.appendix_html(linked)
        page.content = (page.content or "").replace(solutions.MARKER, appendix)


def settings_for(
    options: GenaiNotesConfig, config: MkDocsConfig, command: str = "build"
) -> Settings:
    """The engine's settings from the plugin's options and the site's configuration.

    The tiny model is retrained when the notes changed under ``mkdocs build`` and kept under
    ``mkdocs serve``; ``GENAI_TINYLM=retrain`` or ``keep`` in the environment overrides that,
    and ``GENAI_TINYLM_CACHE`` names another model cache folder (the test suite shares one).
    """
    build_module = importlib.import_module("genai_notes.engine.build")
    builtin = importlib.import_module("genai_notes.figures.registry").BUILTIN_MODULES
    project = _project(config)
    settings: Settings = build_module.Settings(
        cache_dir=project / options.cache_dir,
        figure_modules=[*builtin, *options.figure_modules],
        glossary_path=Path(options.glossary),
        glossary_label=os.path.relpath(options.glossary, project),
        figures=options.figures,
        use_cache=options.cache,
        docs_dir=Path(config.docs_dir),
        model_cache_dir=project / os.environ.get("GENAI_TINYLM_CACHE", options.model_cache_dir),
        retrain_model=retrain_model(command, os.environ.get("GENAI_TINYLM", "")),
        markdown=fragments.converter(config),
        markdown_stamp=fragments.stamp(config, project),
    )
    return settings


def retrain_model(command: str, override: str) -> bool:
    """Whether this build retrains the tiny model when the notes changed (see settings_for)."""
    if override.strip().lower() in ("retrain", "keep"):
        return override.strip().lower() == "retrain"
    return command != "serve"


def page_label(config: MkDocsConfig, src_uri: str) -> str:
    """How messages name a page: its path from the project folder (``docs/week1/x.md``)."""
    return os.path.relpath(os.path.join(config.docs_dir, src_uri), _project(config))


def _project(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _url_for(config: MkDocsConfig, files: Files, page: Page) -> Any:
    """A function that adds a generated file once and returns its URL relative to ``page``."""

    def url_for(uri: str, path: Path | None, content: str | None) -> str:
        file = files.src_uris.get(uri)  # a site path already (no PurePath on each call)
        if file is None:
            if path is not None:
                file = _CachedFile.generated(config, uri, abs_src_path=str(path))
            else:
                file = File.generated(config, uri, content=content or "")
            files.append(file)
        return file.url_relative_to(page.file)

    return url_for


class _CachedFile(File):
    """A file from a cache (a drawing, the tiny model's weights script): hard-linked into the
    site when the folders allow it.

    A warm build would otherwise copy four SVGs per figure; a link costs no bytes. The cache
    notices a site file edited in place (its entry records size, mtime and inode, then the
    hash), and a new build replaces the link rather than writing through it.
    """

    def copy_file(self, dirty: bool = False) -> None:
        """Link the cached file to its place in the site (copy when linking is not possible)."""
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None
        target = Path(self.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.unlink(missing_ok=True)
            os.link(self.abs_src_path, target)
        except OSError:  # another file system, or links not allowed: copy
            super().copy_file(dirty)


def _walk_toc(items: Any) -> Any:
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


def _describe(exc: BaseException) -> str:
    """A broken module of the package as one message with its file and line."""
    if isinstance(exc, SyntaxError):
        where = os.path.relpath(exc.filename or "?", PACKAGE_DIR.parent.parent)
        return f"{where}:{exc.lineno}:{exc.offset or 1}: syntax error: {exc.msg}"
    return f"genai-notes cannot start its engine: {type(exc).__name__}: {exc}"


def _error_box(message: str) -> str:
    return (
        '<div class="admonition failure genai-error" role="alert">'
        '<p class="admonition-title">Build error</p>'
        f"<p>{html.escape(message)}</p></div>"
    )
