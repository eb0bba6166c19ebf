"""A crawl of the built site: every internal link, anchor, image, script, style sheet and data
download resolves, and every image says in words what it shows."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from mkdocs.config import load_config

from tests.site.helpers import ROOT, html_files

_CSS_URL = re.compile(r"url\(\s*['\"]?(?P<url>[^)'\"]+)")
_BASE = "http://site.invalid/"  # a stand-in host, to resolve relative links like a browser
_FILE_NAME = re.compile(r"^[\w./-]+\.(svg|png|jpe?g|gif|webp|csv)$", re.IGNORECASE)


@dataclass
class Reference:
    """One URL a page points at, and the tag and attribute that hold it."""

    tag: str
    attr: str
    url: str
    rel: str = ""


class _Page(HTMLParser):
    """The references, ids and images of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[Reference] = []
        self.ids: set[str] = set()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(str(values[key]))
        if tag == "img":
            self.images.append(values)
        rel = values.get("rel") or ""
        for attr in ("href", "src"):
            url = values.get(attr)
            if url is not None:
                self.refs.append(Reference(tag, attr, url, rel))
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.refs.append(Reference(tag, "srcset", candidate.split()[0]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _site_prefix() -> str:
    """The path of site_url (/genai-notes/): 404.html links from there, not relatively."""
    return urlparse(load_config(str(ROOT / "mkdocs.yml"))["site_url"] or "/").path


def _target(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file an internal URL names, and its fragment; None for other hosts and schemes."""
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc:
        return None  # another host, mailto:, javascript: and data: are not files of the site
    if parsed.path.startswith("/"):
        prefix = _site_prefix()
        assert parsed.path.startswith(prefix), f"absolute link outside the site: {url}"
        path = site / unquote(parsed.path[len(prefix) :])
    elif parsed.path:
        joined = urlparse(urljoin(_BASE + page.relative_to(site).as_posix(), parsed.path))
        assert joined.netloc == urlparse(_BASE).netloc, f"link above the site root: {url}"
        path = site / unquote(joined.path.lstrip("/"))
    else:
        path = page
    if path.is_dir() or url.endswith("/"):
        path = path / "index.html"
    return path, unquote(parsed.fragment)


def _problems(site: Path) -> tuple[list[str], dict[str, int]]:
    parsed = {path: _parse(path) for path in html_files(site)}
    problems: list[str] = []
    counts = {"link": 0, "anchor": 0, "img": 0, "script": 0, "stylesheet": 0, "csv": 0}
    for page, content in parsed.items():
        where = page.relative_to(site).as_posix()
        for ref in content.refs:
            if "canonical" in ref.rel or ref.url.startswith(("http://", "https://", "//")):
                continue
            found = _target(site, page, ref.url)
            if found is None:
                continue
            path, fragment = found
            kind = {"img": "img", "script": "script"}.get(ref.tag, "link")
            kind = "stylesheet" if "stylesheet" in ref.rel else kind
            kind = "csv" if path.suffix == ".csv" else kind
            counts[kind] += 1
            if not path.is_file():
                problems.append(f"{where}: <{ref.tag} {ref.attr}={ref.url!r}>: no such file")
                continue
            # An image's fragment (#only-light) picks a palette; it is not an anchor.
            if fragment and ref.tag == "a" and path.suffix == ".html":
                counts["anchor"] += 1
                target = parsed.get(path) or _parse(path)
                # A calculator link, "#<id>?<state>", names the calculator's id; the state
                # after "?" is for calculators.js (its shareable-state convention).
                anchor = fragment.split("?", 1)[0]
                if anchor not in target.ids:
                    problems.append(f"{where}: {ref.url!r}: no id {fragment!r} in the target")
    return problems, counts


def test_every_internal_link_anchor_image_script_and_style_sheet_resolves(
    site_dir: Path,
) -> None:
    problems, counts = _problems(site_dir)
    assert problems == []
    # The crawl really saw each kind (a parser that found nothing would pass vacuously).
    for kind in ("link", "anchor", "img", "script", "stylesheet", "csv"):
        assert counts[kind] > 0, (kind, counts)


def test_every_url_in_the_sites_own_style_sheets_resolves(site_dir: Path) -> None:
    missing = []
    for css in site_dir.rglob("*.css"):
        for match in _CSS_URL.finditer(css.read_text(encoding="utf-8")):
            url = urlparse(match.group("url"))
            if url.scheme or url.netloc or not url.path:
                continue
            if not (css.parent / unquote(url.path)).resolve().is_file():
                missing.append(f"{css.relative_to(site_dir)}: {match.group('url')}")
    assert missing == []


def test_every_figure_data_download_is_a_csv_with_a_header_and_rows(site_dir: Path) -> None:
    downloads = sorted((site_dir / "assets/figures").glob("*.csv"))
    assert downloads
    for path in downloads:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert len(rows) >= 2, path.name
        assert all(len(row) == len(rows[0]) for row in rows), path.name


def test_every_image_has_alt_text_that_says_what_it_shows(site_dir: Path) -> None:
    bad = []
    for page in html_files(site_dir):
        for image in _parse(page).images:
            alt = (image.get("alt") or "").strip()
            src = image.get("src") or ""
            stem = Path(urlparse(src).path).stem
            if len(alt.split()) < 3 or _FILE_NAME.match(alt) or (stem and stem in alt):
                bad.append(f"{page.relative_to(site_dir)}: <img src={src!r} alt={alt!r}>")
    assert bad == []
