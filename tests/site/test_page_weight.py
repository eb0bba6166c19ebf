"""Every page's compressed weight within a 500 kB budget, for the reader who downloads most.

A page's weight is its HTML plus every file of the site its HTML names and a browser loads
(``src``, ``srcset``, ``href``: images, stylesheets, scripts; not the CSV downloads or other
pages), each compressed as a server would send it (gzip level 6; fonts and PNGs are already
compressed and count as stored). A reader sees one palette at one width, so of the drawings
only one variant per figure is loaded (light, dark, phone-light or phone-dark); the weight
takes the heaviest of the four, so the budget holds however the page is read. The search
index and the math font, which the page's scripts and styles fetch, are shared by every page
and not counted here.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from tests.site.helpers import nav_sources, page_path

BUDGET_BYTES = 500_000
_REFERENCE = re.compile(r'\s(?:src|srcset|href)="([^"]+)"')
_STORED = {".woff2", ".woff", ".png", ".jpg", ".jpeg", ".webp"}
_LOADED = {".svg", ".css", ".js", ".ico", *_STORED}


def page_weight(site: Path, page: Path) -> tuple[int, dict[str, int]]:
    """The compressed bytes of ``page`` and of the site files it names (each counted once)."""
    html = page.read_bytes()
    parts = {page.name: len(gzip.compress(html, 6))}
    for reference in _REFERENCE.findall(html.decode("utf-8")):
        for candidate in reference.split(","):
            url = candidate.strip().split(" ")[0].split("#")[0].split("?")[0]
            if not url or "://" in url or url.startswith(("data:", "mailto:", "/")):
                continue
            target = (page.parent / url).resolve()
            if not target.is_file() or target.suffix not in _LOADED:
                continue
            key = str(target.relative_to(site.resolve()))
            data = target.read_bytes()
            parts[key] = len(data) if target.suffix in _STORED else len(gzip.compress(data, 6))
    return reader_weight(parts), parts


VARIANTS = ("phone-light", "phone-dark", "light", "dark")


def _variant(name: str) -> str | None:
    """Which drawing variant a file is (None: not a figure drawing)."""
    if not name.endswith(".svg"):
        return None
    return next((v for v in VARIANTS if name.endswith(f"-{v}.svg")), None)


def reader_weight(parts: dict[str, int]) -> int:
    """The bytes of the reader who loads most: every file that is not a drawing variant, and
    the drawings of the heaviest variant."""
    shared = sum(size for name, size in parts.items() if _variant(name) is None)
    by_variant = {v: 0 for v in VARIANTS}
    for name, size in parts.items():
        found = _variant(name)
        if found is not None:
            by_variant[found] += size
    return shared + max(by_variant.values())


def test_every_page_weighs_under_500_kb_compressed(site_dir: Path) -> None:
    heavy = []
    for source in nav_sources():
        page = site_dir / page_path(source) / "index.html"
        weight, parts = page_weight(site_dir, page)
        if weight > BUDGET_BYTES:
            largest = sorted(parts.items(), key=lambda item: -item[1])[:3]
            heavy.append(f"{source}: {weight / 1000:.0f} kB (largest: {largest})")
    assert heavy == []


def test_the_weight_counts_every_image_variant_a_page_names(site_dir: Path) -> None:
    page = site_dir / page_path("week1/scaling-laws.md") / "index.html"
    _, parts = page_weight(site_dir, page)
    variants = {name.rsplit("-", 1)[-1] for name in parts if name.endswith(".svg")}
    assert {"light.svg", "dark.svg"} <= variants
    assert any(name.endswith("-phone-dark.svg") for name in parts)


def test_a_reader_is_counted_with_the_heaviest_variant_of_the_drawings() -> None:
    parts = {
        "index.html": 100,
        "a-light.svg": 10,
        "a-dark.svg": 12,
        "a-phone-light.svg": 7,
        "a-phone-dark.svg": 8,
        "b-light.svg": 20,
        "b-dark.svg": 15,
        "b-phone-light.svg": 9,
        "b-phone-dark.svg": 9,
    }
    # light: 10 + 20 = 30, dark: 12 + 15 = 27, phone-light 16, phone-dark 17
    assert reader_weight(parts) == 130
