"""Build the site, serve it on 127.0.0.1 and take full-page screenshots in Chromium."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"desktop": 1280, "phone": 390}
SCHEMES = {"light": "light", "dark": "dark"}


def main() -> None:
    """Parse arguments, build, serve and shoot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="*", default=["", "week1/transformers/"])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="whole page, not the viewport")
    parser.add_argument("--figures", action="store_true", help="one PNG per figure, not pages")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("screenshots need Chromium: apt-get install -y chromium")
    args.out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", tmp],
            cwd=ROOT,
            check=True,
        )
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=tmp)
        handler.log_message = lambda *a: None  # type: ignore[method-assign]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            shoot(chromium, base, args.pages, args.out, args.full_page, args.figures)
        finally:
            server.shutdown()


def shoot(
    chromium: str, base: str, pages: list[str], out: Path, full_page: bool, figures: bool
) -> None:
    """One PNG per page, palette and width."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for page_path in pages:
            name = page_path.strip("/").replace("/", "-") or "home"
            for scheme in SCHEMES.values():
                for label, width in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": 900},
                        color_scheme=scheme,  # type: ignore[arg-type]
                    )
                    page = context.new_page()
                    page.goto(base + page_path, wait_until="networkidle")
                    if figures:
                        page.add_style_tag(content=".md-header, .md-tabs { display: none; }")
                        for index, element in enumerate(page.locator(".genai-figure").all()):
                            element.scroll_into_view_if_needed()
                            page.wait_for_timeout(150)  # lazy images
                            target = out / f"{name}-fig{index + 1}-{scheme}-{label}.png"
                            element.screenshot(path=str(target))
                            print(target)
                    else:
                        target = out / f"{name}-{scheme}-{label}.png"
                        page.screenshot(path=str(target), full_page=full_page)
                        print(target)
                    context.close()
        browser.close()


if __name__ == "__main__":
    main()
