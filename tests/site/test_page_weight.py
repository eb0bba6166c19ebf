"""Every page's compressed weight within a 500 kB budget.

A page's weight is its HTML plus every file of the site its HTML names and a browser loads
(``src``, ``srcset``, ``href``: images of every variant, light and dark, wide and phone;
stylesheets; scripts; not the CSV downloads or other pages), each
compressed as a server would send it (gzip level 6; fonts and PNGs are already compressed and
count as stored). This is more than any one reader downloads (lazy images, one palette, one
width), so the budget holds however the page is read. The search index and the math font,
which the page's scripts and styles fetch, are shared by every page and not counted here.
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
    return sum(parts.values()), parts


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
