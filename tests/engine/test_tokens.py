"""Tokens after Markdown: a token alone in its paragraph replaces the paragraph, a token inside
one replaces only itself, as the two-branch pattern the engine used before did."""

from __future__ import annotations

import random
import re

from genai_notes.engine.tokens import swap_tokens

TOKEN = re.compile(r"GNXF\d{4}N\d{5}Z")
BEFORE = re.compile(r"<p>(?P<alone>GNXF\d{4}N\d{5}Z)</p>|(?P<inline>GNXF\d{4}N\d{5}Z)")


def _old(text: str) -> str:
    return BEFORE.sub(lambda m: f"[{m.group('alone') or m.group('inline')}|{m.group(0)}]", text)


def _new(text: str) -> str:
    return swap_tokens(text, TOKEN, lambda token, matched: f"[{token}|{matched}]")


def test_a_token_alone_replaces_its_paragraph_and_one_inside_only_itself() -> None:
    alone, inline = "GNXF0001N00000Z", "GNXF0001N00001Z"
    text = f"<p>{alone}</p>\n<p>See {inline} here.</p>"
    assert _new(text) == f"[{alone}|<p>{alone}</p>]\n<p>See [{inline}|{inline}] here.</p>"


def test_a_token_left_as_it_was_when_replace_returns_its_text() -> None:
    text = "<p>GNXF0001N00000Z</p> and GNXF0002N00003Z"
    assert swap_tokens(text, TOKEN, lambda token, matched: matched) == text


def test_random_pages_come_out_as_with_the_two_branch_pattern() -> None:
    pieces = ["<p>", "</p>", "GNXF0001N00000Z", "GNXF0012N00345Z", "GNXF12N3Z", "x", "\n", "<"]
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        assert _new(text) == _old(text), text
