"""One PDF of the course: every chapter printed through Chromium, merged, with bookmarks."""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from playwright.sync_api import Page, sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject
from strict_build import strict_build  # scripts/strict_build.py

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_SECTIONS = {"Authoring"}  # for the people who write the notes, not the course
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Chapter:
    """One page of the navigation: its title, its section (if any) and its URL path."""

    title: str
    section: str | None
    path: str


def chapters() -> list[Chapter]:
    """The pages of mkdocs.yml's navigation in order, without the skipped sections."""
    config = load_config(str(ROOT / "mkdocs.yml"))

    def walk(items: list[object], section: str | None) -> Iterator[Chapter]:
        for item in items:
            if not isinstance(item, dict):
                continue  # an untitled page: there is nothing to call its bookmark
            for title, value in item.items():
                if isinstance(value, list):
                    if title not in SKIPPED_SECTIONS:
                        yield from walk(value, title)
                elif isinstance(value, str) and value.endswith(".md"):
                    yield Chapter(title, section, _url_path(value))

    return list(walk(config["nav"], None))


def _url_path(source: str) -> str:
    stem = source.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


# Before printing: lazy images load now, and collapsed blocks (a figure's data) open.
_PREPARE = """async () => {
  document.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
}"""


MARGINS = {"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}

# print.css numbers the pages of one printed page; in the book each chapter is printed on its
# own, so its numbers would restart at 1: they are turned off, and the book numbered whole.
_NO_PAGE_NUMBERS = "@page { @bottom-center { content: none; } }"
_PAGE_NUMBERS = """<!doctype html><html lang="en"><head><style>
@page { @bottom-center { content: counter(page); font-size: 9pt; } }
html, body { margin: 0; background: none; }
div { height: 1px; break-after: page; }
</style></head><body>{pages}</body></html>"""


def print_chapter(page: Page, url: str) -> bytes:
    """The PDF of one page, printed with the print style sheet, without page numbers."""
    page.goto(url, wait_until="load")
    page.evaluate(_PREPARE)
    page.add_style_tag(content=_NO_PAGE_NUMBERS)
    return page.pdf(format="A4", print_background=True, margin=MARGINS, outline=False)


def number_pages(page: Page, writer: PdfWriter) -> None:
    """Stamp 1, 2, 3 ... at the foot of the merged book's pages, in print.css's style: a
    transparent Chromium print of as many empty pages, each laid over its page."""
    count = len(writer.pages)
    page.set_content(_PAGE_NUMBERS.replace("{pages}", "<div></div>" * count))
    numbers = PdfReader(io.BytesIO(page.pdf(format="A4", margin=MARGINS)))
    if len(numbers.pages) != count:
        raise RuntimeError(f"numbered {len(numbers.pages)} pages for a book of {count}")
    for target, number in zip(writer.pages, numbers.pages, strict=True):
        target.merge_page(number)


def make_pdf(base: str, chromium: str, target: Path) -> None:
    """Print every chapter from ``base`` and merge them with one bookmark per chapter."""
    writer = PdfWriter()
    sections: dict[str, IndirectObject] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context(color_scheme="light").new_page()
        for chapter in chapters():
            first = len(writer.pages)
            writer.append(PdfReader(io.BytesIO(print_chapter(page, base + chapter.path))))
            parent = None
            if chapter.section is not None:
                if chapter.section not in sections:
                    sections[chapter.section] = writer.add_outline_item(
                        title=chapter.section, page_number=first
                    )
                parent = sections[chapter.section]
            writer.add_outline_item(title=chapter.title, page_number=first, parent=parent)
        number_pages(page, writer)
        browser.close()
    config = load_config(str(ROOT / "mkdocs.yml"))
    writer.add_metadata({"/Title": config["site_name"]})
    writer.page_mode = "/UseOutlines"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        writer.write(out)


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """No log."""

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    """Parse arguments, build (unless given a built site), serve and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "dist/genai-notes.pdf")
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    args = parser.parse_args()
    # CHROMIUM names another Chromium-based browser (the release workflow's Google Chrome).
    chromium = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if chromium is None:
        sys.exit("scripts/pdf needs Chromium: apt-get install -y chromium (or set CHROMIUM=path)")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            code, output = strict_build(site)
            sys.stdout.write(output)
            if code != 0:
                sys.exit(f"scripts/pdf: the strict build failed (mkdocs exited with {code}).")
        server, base = _serve(site)
        try:
            make_pdf(base, chromium, args.out)
        finally:
            server.shutdown()
            server.server_close()
    print(args.out)


if __name__ == "__main__":
    main()
