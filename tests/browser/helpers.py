"""Shared browser-test plumbing: keep a page to its own files and record what goes wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse


def local_only(url: str) -> bool:
    """Requests a page served on 127.0.0.1 may make: its own host, data and blob URLs."""
    return url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1"


def guard(page: Any, allowed: Callable[[str], bool] = local_only) -> tuple[list[str], list[str]]:
    """Abort every request ``allowed`` refuses; return the lists of those URLs and of errors.

    The second list collects console errors and uncaught page errors as they happen.
    """
    blocked: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if allowed(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return blocked, errors


SETTLE_SCRIPT = """async () => {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ending = document.getAnimations().filter(
    (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(ending.map((a) => a.finished.catch(() => null)));
}"""


def settled(page: Any) -> None:
    """Wait until the page's scripts ran (two animation frames) and its CSS animations ended.

    A walkthrough step fades in over 0.2 s; a contrast check made during the fade measures
    a colour the reader never rests on. Endless animations (a spinner) are not awaited.
    """
    page.evaluate(SETTLE_SCRIPT)
