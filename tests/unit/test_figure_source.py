"""What a figure's cache key covers: its own code and the figure helpers it reaches."""

from __future__ import annotations

import inspect

from genai_notes.figures import _drawing, registry, workflows


def _source(name: str) -> str:
    return registry.collect(registry.BUILTIN_MODULES)[name].source()


def test_key_source_follows_shared_drawing_helpers_in_another_module() -> None:
    source = _source("diagrams.lifecycle")
    assert inspect.getsource(_drawing._box) in source


def test_key_source_leaves_out_figures_it_does_not_call() -> None:
    source = _source("diagrams.lifecycle")
    assert inspect.getsource(workflows.rlhf_loop) not in source
    assert "def transformer(" not in source
