"""Figures: process diagrams (the project lifecycle, the RLHF loop, the RAG pipeline).

Their registered names keep the ``diagrams.`` prefix the pages use. The boxes, arrows and text
come from :mod:`genai_notes.figures._drawing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Any, Literal

from genai_notes.figures._drawing import (
    FONT,
    TIMES,
    FlowStep,
    Point,
    _arrow,
    _box,
    _canvas,
    _draw_node,
    _edge,
    _Node,
    _readable_on,
    _wrap,
    draw_flow,
    flow_height,
)
from genai_notes.figures.base import FigureResult, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone
from genai_notes.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


# --- lifecycle -------------------------------------------------------------------------------

Stage = Literal["none", "scope", "select", "adapt and align", "application integration"]


@dataclass(frozen=True)
class _Step:
    label: str
    centre: Point
    size: Point
    wrap: int


@dataclass(frozen=True)
class _Stage:
    key: str
    title: str
    section: str
    centre: Point
    size: Point
    steps: tuple[_Step, ...]


def _stage_centres(widths: Sequence[float], total: float, margin: float) -> list[float]:
    """x centres of boxes of ``widths`` spread over ``total`` inches with equal gaps."""
    gap = (total - 2 * margin - sum(widths)) / (len(widths) - 1)
    centres, x = [], margin
    for w in widths:
        centres.append(x + w / 2)
        x += w + gap
    return centres


def _lifecycle_stages() -> tuple[_Stage, ...]:
    top, bottom = 3.0, 0.62  # stage boxes span these heights (inches)
    mid, height = (top + bottom) / 2, top - bottom
    body = mid - 0.17  # centre of the area under a stage's title
    widths = (1.2, 1.2, 2.3, 1.36)  # room for 10.5 pt text (14 px at 1280)
    sx, px, ax_, ix = _stage_centres(widths, 7.0, 0.04)

    dx, dy, cell = 0.6, 0.45, (0.98, 0.64)
    cycle = (
        _Step("Prompt engineering", (ax_ - dx, body + dy), cell, 12),
        _Step("Fine-tuning", (ax_ + dx, body + dy), cell, 12),
        _Step("Align with human feedback", (ax_ + dx, body - dy), cell, 12),
        _Step("Evaluate", (ax_ - dx, body - dy), cell, 12),
    )
    part = (1.26, 0.58)  # three lines of 10.5 pt with room above and below
    integration = (
        _Step("Optimise and deploy for inference", (ix, body + 0.55), part, 15),
        _Step("Augment the model", (ix, body - 0.07), part, 12),
        _Step("Build the LLM-powered application", (ix, body - 0.69), part, 15),
    )
    return (
        _Stage(
            "scope",
            "Scope",
            "Stage 1: define the scope",
            (sx, mid),
            (widths[0], height),
            (_Step("Define the use case", (sx, body), (1.04, 0.9), 11),),
        ),
        _Stage(
            "select",
            "Select",
            "Stage 2: select a model",
            (px, mid),
            (widths[1], height),
            (_Step("Choose an existing model or pre-train your own", (px, body), (1.04, 1.0), 13),),
        ),
        _Stage(
            "adapt and align",
            "Adapt and align",
            "Stage 3: adapt and align",
            (ax_, mid),
            (widths[2], height),
            cycle,
        ),
        _Stage(
            "application integration",
            "Application integration",
            "Stage 4: application integration",
            (ix, mid),
            (widths[3], height),
            integration,
        ),
    )


# Loops back, as "How the stages loop back" lists them: (from, to, label).
_LOOPS = (
    ("Evaluate", "Prompt engineering", "evaluate, then adapt again (inner loop)"),
    ("Evaluate", "Fine-tuning", "evaluate, then adapt again (inner loop)"),
    ("adapt and align", "select", "model too weak: choose another"),
    ("adapt and align", "scope", "task too broad: narrow it"),
    ("application integration", "adapt and align", "production failures become new data"),
)
_LOOP_SECTION = "How the stages loop back"


def _lifecycle_table(stages: tuple[_Stage, ...]) -> Table:
    rows: list[tuple[str, str, str]] = [
        (s.title, step.label, s.section) for s in stages for step in s.steps
    ]
    titles = {s.key: s.title for s in stages}
    for source, target, label in _LOOPS:
        rows.append(
            (
                "loop back",
                f"{titles.get(source, source)} → {titles.get(target, target)}: {label}",
                _LOOP_SECTION,
            )
        )
    columns = list(zip(*rows, strict=True))
    return Table.from_columns({"stage": columns[0], "step": columns[1], "page section": columns[2]})


def _draw_stage(ax: Axes, stage: _Stage, theme: Theme, highlighted: bool) -> None:
    edge = theme.highlight if highlighted else theme.muted
    _box(
        ax,
        stage.centre,
        stage.size,
        theme,
        edge=edge,
        fill=theme.surface,
        linewidth=2.4 if highlighted else 1.0,
    )
    x, y = stage.centre
    ax.text(
        x,
        y + stage.size[1] / 2 - 0.08,
        _wrap(stage.title, 15),
        ha="center",
        va="top",
        fontsize=9.5,
        fontweight="bold",
        linespacing=1.1,
        color=theme.highlight if highlighted else theme.text,
    )
    for step in stage.steps:
        _box(ax, step.centre, step.size, theme, edge=theme.text, linewidth=0.8)
        ax.text(
            *step.centre,
            _wrap(step.label, step.wrap),
            ha="center",
            va="center",
            fontsize=FONT,
            color=theme.text,
            linespacing=1.15,
        )


def _draw_cycle(ax: Axes, stage: _Stage, theme: Theme) -> None:
    """Solid arrows round the adapt-and-align cycle, dashed ones back from Evaluate."""
    pe, ft, al, ev = (s for s in stage.steps)
    hw, hh = pe.size[0] / 2, pe.size[1] / 2
    _arrow(ax, [(pe.centre[0] + hw, pe.centre[1]), (ft.centre[0] - hw, ft.centre[1])], theme.text)
    _arrow(ax, [(ft.centre[0], ft.centre[1] - hh), (al.centre[0], al.centre[1] + hh)], theme.text)
    _arrow(ax, [(al.centre[0] - hw, al.centre[1]), (ev.centre[0] + hw, ev.centre[1])], theme.text)
    loop = theme.series[0]
    _arrow(
        ax,
        [(ev.centre[0], ev.centre[1] + hh), (pe.centre[0], pe.centre[1] - hh)],
        loop,
        dashed=True,
    )
    _arrow(
        ax,
        [
            (ev.centre[0] + hw, ev.centre[1] + hh - 0.08),
            (ft.centre[0] - hw, ft.centre[1] - hh + 0.08),
        ],
        loop,
        dashed=True,
    )


def _draw_lifecycle_loops(ax: Axes, stages: tuple[_Stage, ...], theme: Theme) -> None:
    scope, select, adapt, integrate = stages
    top = adapt.centre[1] + adapt.size[1] / 2
    bottom = adapt.centre[1] - adapt.size[1] / 2
    loop = theme.series[0]
    label: dict[str, Any] = {"ha": "center", "va": "bottom", "fontsize": FONT, "color": theme.text}
    # Adapt -> select: a low bracket; adapt -> scope: a higher one over it.
    adapt_left = adapt.centre[0] - adapt.size[0] / 2
    near, far = adapt_left + 0.3, adapt.centre[0] + 0.7
    _arrow(
        ax,
        [(near, top), (near, top + 0.3), (select.centre[0], top + 0.3), (select.centre[0], top)],
        loop,
        dashed=True,
    )
    ax.text((near + select.centre[0]) / 2 + 0.15, top + 0.34, _LOOPS[2][2], **label)
    _arrow(
        ax,
        [(far, top), (far, top + 0.68), (scope.centre[0], top + 0.68), (scope.centre[0], top)],
        loop,
        dashed=True,
    )
    ax.text((far + scope.centre[0]) / 2, top + 0.72, _LOOPS[3][2], **label)
    # Integration -> adapt, underneath.
    x0, x1 = integrate.centre[0], adapt.centre[0]
    _arrow(
        ax,
        [(x0, bottom), (x0, bottom - 0.32), (x1, bottom - 0.32), (x1, bottom)],
        loop,
        dashed=True,
    )
    ax.text(
        (x0 + x1) / 2,
        bottom - 0.38,
        _LOOPS[4][2],
        ha="center",
        va="top",
        fontsize=FONT,
        color=theme.text,
    )
    # Forward arrows between stages.
    for left, right in pairwise(stages):
        y = left.centre[1] - 0.17
        _arrow(
            ax,
            [(left.centre[0] + left.size[0] / 2, y), (right.centre[0] - right.size[0] / 2, y)],
            theme.text,
            linewidth=1.6,
        )


@figure("diagrams.lifecycle")
def lifecycle(highlight: Stage = "none") -> FigureResult:
    """The generative AI project lifecycle: four stages and the loops back between them.

    Args:
        highlight: The stage to emphasise ("scope", "select", "adapt and align",
            "application integration"), or "none".
    """
    stages = _lifecycle_stages()
    width, height = 7.0, 4.0
    titles = {s.key: s.title for s in stages}
    steps = [
        FlowStep(
            f"{number}. {stage.title}",
            "; ".join(step.label for step in stage.steps)
            + (", then round again" if stage.key == "adapt and align" else ""),
            emphasis=stage.key == highlight,
        )
        for number, stage in enumerate(stages, start=1)
    ]
    notes = [
        f"Dashed back: {titles[source]} \u2192 {titles[target]}: {label}."
        for source, target, label in _LOOPS[2:]
    ]

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            draw_flow(fig, theme, steps, notes)
            return
        ax = _canvas(fig, width, height)
        for stage in stages:
            _draw_stage(ax, stage, theme, stage.key == highlight)
        _draw_cycle(ax, stages[2], theme)
        _draw_lifecycle_loops(ax, stages, theme)

    return FigureResult(
        _lifecycle_table(stages),
        finished(draw),
        width=width,
        height=height,
        phone_height=flow_height(steps, notes),
    )


# --- RLHF ------------------------------------------------------------------------------------

_RANKED = "ABCDEFGHI"  # completions, labelled in the labeler's order: best first


_RLHF_SHIFT = 2.25  # the loop sits right of the step-2 panel, so the steps read 2 then 3


def _rlhf_nodes(beta: float) -> tuple[_Node, ...]:
    top, middle, bottom = 3.45, 2.12, 0.78
    nodes = (
        _Node(
            "Prompt dataset",
            "supplies a prompt x",
            "Prompt\ndataset",
            (0.72, top),
            (1.08, 0.62),
        ),
        _Node(
            "Policy LLM",
            "the model being tuned, initialised from the SFT model; generates a completion y",
            "Policy LLM\n(being tuned;\nstarts as SFT)",
            (2.3, top),
            (1.42, 0.74),
        ),
        _Node(
            "Reward model",
            "scores the prompt and completion with one number, the reward r",
            "Reward model\nscores ($x$, $y$)",
            (3.98, top),
            (1.22, 0.62),
        ),
        _Node(
            "Reference model",
            "a frozen copy of the SFT model; KL = log π_RL(y|x) \u2212 log π_SFT(y|x)",
            "Reference:\nfrozen SFT copy",
            (2.37, middle),
            (1.34, 0.6),
        ),
        _Node(
            "Penalised reward",
            f"R = r \u2212 β·KL with β = {beta:g}",
            "Penalised reward\n$R = r - \\beta \\cdot \\mathrm{KL}$\n"
            f"$\\beta$ = {format_number(beta, 'g')}",
            (3.98, middle),
            (1.36, 0.74),
        ),
        _Node(
            "PPO update",
            "changes the policy's weights to raise R, then the loop starts again",
            "PPO update\nof the policy",
            (2.3, bottom),
            (1.42, 0.6),
        ),
    )
    return tuple(
        _Node(n.name, n.does, n.shown, (n.centre[0] + _RLHF_SHIFT, n.centre[1]), n.size)
        for n in nodes
    )


def _rlhf_table(nodes: tuple[_Node, ...], pairs: list[tuple[str, str]]) -> Table:
    part = ["RL loop (step 3)"] * len(nodes) + ["reward-model pairs (step 2)"] * len(pairs)
    return Table.from_columns(
        {
            "part": part,
            "order": list(range(1, len(nodes) + 1)) + list(range(1, len(pairs) + 1)),
            "item": [n.name for n in nodes] + [f"{w} > {loser}" for w, loser in pairs],
            "what it does": [n.does for n in nodes]
            + [
                f"{w} preferred to {loser}: loss \u2212log \u03c3(r_{w} \u2212 r_{loser})"
                for w, loser in pairs
            ],
        }
    )


def _draw_rlhf_loop(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    policy = nodes[1]
    for node in nodes:
        _draw_node(ax, node, theme, edge=theme.highlight if node is policy else theme.text)
    _draw_rlhf_flow(ax, nodes, theme)
    _draw_new_weights(ax, nodes, theme)
    ax.text(
        0.12 + _RLHF_SHIFT,
        4.24,
        "Step 3: one iteration of RL with PPO",
        ha="left",
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.text,
    )


def _draw_rlhf_flow(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    """The labelled arrows from the prompt to the PPO update: x, y, log π_RL, r, KL, R."""
    prompt, policy, reward, reference, penalised, ppo = nodes
    label: dict[str, Any] = {"fontsize": FONT, "color": theme.text}
    x_mid = (_edge(prompt, "right")[0] + _edge(policy, "left")[0]) / 2
    _arrow(ax, [_edge(prompt, "right"), _edge(policy, "left")], theme.text)
    ax.text(x_mid, prompt.centre[1] + 0.05, "$x$", ha="center", va="bottom", **label)
    x_mid = (_edge(policy, "right")[0] + _edge(reward, "left")[0]) / 2
    _arrow(ax, [_edge(policy, "right"), _edge(reward, "left")], theme.text)
    ax.text(x_mid, policy.centre[1] + 0.05, "$y$", ha="center", va="bottom", **label)
    shift = reference.centre[0] - policy.centre[0]
    start, end = _edge(policy, "bottom", shift), _edge(reference, "top")
    _arrow(ax, [start, end], theme.text)
    ax.text(
        start[0] + 0.07,
        (start[1] + end[1]) / 2,
        r"$y$, $\log \pi_{\mathrm{RL}}$",
        ha="left",
        va="center",
        **label,
    )
    start, end = _edge(reward, "bottom"), _edge(penalised, "top")
    _arrow(ax, [start, end], theme.text)
    ax.text(start[0] + 0.07, (start[1] + end[1]) / 2, "$r$", ha="left", va="center", **label)
    start, end = _edge(reference, "right"), _edge(penalised, "left")
    _arrow(ax, [start, end], theme.text)
    ax.text((start[0] + end[0]) / 2, start[1] + 0.05, "KL", ha="center", va="bottom", **label)
    start = _edge(penalised, "bottom")
    _arrow(ax, [start, (start[0], ppo.centre[1]), _edge(ppo, "right")], theme.text)
    ax.text(start[0] + 0.07, (start[1] + ppo.centre[1]) / 2, "$R$", ha="left", va="center", **label)


def _draw_new_weights(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    """The loop back: new weights for the policy, left of the reference model."""
    policy, ppo = nodes[1], nodes[5]
    x = policy.centre[0] - 0.56
    start, end = _edge(ppo, "top", x - ppo.centre[0]), _edge(policy, "bottom", x - policy.centre[0])
    _arrow(ax, [start, end], theme.highlight, linewidth=1.6)
    ax.text(
        x - 0.08,
        (start[1] + end[1]) / 2,
        "new\nweights",
        ha="right",
        va="center",
        fontsize=FONT,
        color=theme.highlight,
        linespacing=1.1,
    )


def _draw_pair_panel(ax: Axes, k: int, pairs: list[tuple[str, str]], theme: Theme) -> Point:
    """The side panel: a ranking of K completions and the grid of the pairs it implies.

    Returns the point on the panel's left edge where the arrow to the reward model starts.
    """
    left, right, top = 0.03, 2.2, 4.2
    cx = (left + right) / 2
    text: dict[str, Any] = {"ha": "center", "fontsize": FONT, "color": theme.text}
    _draw_ranking(ax, cx, k, theme)
    y = _draw_pair_grid(ax, cx, k, pairs, theme) - 0.3
    ax.text(
        cx,
        y,
        f"$K(K-1)/2$ = {k}\u00b7{k - 1}/2 = {len(pairs)} pairs",
        va="center",  # regular weight: in bold it touched the panel's frame
        **{**text, "color": theme.series[0]},
    )
    ax.text(
        cx,
        y - 0.42,
        "loss of each pair:\n" + r"$-\log \sigma(r_w - r_l)$",
        va="center",
        linespacing=1.15,
        **text,
    )
    bottom = y - 0.75
    _box(
        ax,
        (cx, (bottom + top) / 2),
        (right - left, top - bottom),
        theme,
        edge=theme.muted,
        dashed=True,
    )
    return (right, 3.95)


def _draw_ranking(ax: Axes, cx: float, k: int, theme: Theme) -> None:
    """The panel's title and a labeler's ranking of K completions, best first."""
    ax.text(
        cx,
        4.02,
        "Step 2: reward model",  # "reward-model data" ran past the panel's frame
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.text,
        ha="center",
    )
    text: dict[str, Any] = {"ha": "center", "fontsize": FONT, "color": theme.text}
    ax.text(cx, 3.72, f"Rank $K$ = {k} completions", va="center", **text)
    ax.text(
        cx,
        3.47,
        " > ".join(_RANKED[:k]) if k <= 6 else ">".join(_RANKED[:k]),
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.series[0],
        ha="center",
    )


def _draw_pair_grid(
    ax: Axes, cx: float, k: int, pairs: list[tuple[str, str]], theme: Theme
) -> float:
    """Triangular grid: row = preferred completion, column = the one it beats.

    Returns the height of the grid's bottom edge.
    """
    from matplotlib.patches import Rectangle

    n = k - 1
    cell = min(0.4, 1.58 / n)
    grid_top, grid_left = 3.0, cx - n * cell / 2 + 0.18
    _draw_grid_labels(ax, (grid_left, grid_top), n, cell, theme)
    for number, (winner, loser) in enumerate(pairs, start=1):
        r, c = _RANKED.index(winner), _RANKED.index(loser) - 1
        x, y = grid_left + (c + 0.5) * cell, grid_top - (r + 0.5) * cell
        side = cell * 0.92
        ax.add_patch(
            Rectangle(
                (x - side / 2, y - side / 2),
                side,
                side,
                facecolor=theme.surface,
                edgecolor=theme.series[0],
                linewidth=0.8,
            )
        )
        ax.text(x, y, str(number), ha="center", va="center", fontsize=FONT, color=theme.text)
    return grid_top - n * cell


def _draw_grid_labels(ax: Axes, corner: Point, n: int, cell: float, theme: Theme) -> None:
    """Letters along the grid's rows and columns, and the words "beats" and "preferred"."""
    grid_left, grid_top = corner
    for r in range(n):
        ax.text(
            grid_left - 0.06,
            grid_top - (r + 0.5) * cell,
            _RANKED[r],
            ha="right",
            va="center",
            fontsize=FONT,
            color=theme.text,
        )
        ax.text(
            grid_left + (r + 0.5) * cell,
            grid_top + 0.04,
            _RANKED[r + 1],
            ha="center",
            va="bottom",
            fontsize=FONT,
            color=theme.text,
        )
    text: dict[str, Any] = {"ha": "center", "fontsize": FONT, "color": theme.text}
    ax.text(grid_left + n * cell / 2, grid_top + 0.22, "beats", va="bottom", **text)
    ax.text(
        grid_left - 0.2,
        grid_top - n * cell / 2,
        "preferred",
        ha="right",
        va="center",
        rotation=90,
        fontsize=FONT,
        color=theme.text,
    )


# The nodes' descriptions with their symbols in mathtext, for the phone reflow.
_RLHF_PHONE_TEXT = {
    "Prompt dataset": "supplies a prompt $x$",
    "Policy LLM": "the model being tuned, initialised from the SFT model; generates a "
    "completion $y$",
    "Reward model": "scores the prompt and completion with one number, the reward $r$",
    "Reference model": "a frozen copy of the SFT model; "
    r"$\mathrm{KL}=\log\pi_{\mathrm{RL}}(y|x)-\log\pi_{\mathrm{SFT}}(y|x)$",
    "PPO update": "changes the policy's weights to raise $R$, then the loop starts again",
}


@figure("diagrams.rlhf_loop")
def rlhf_loop(
    beta: Annotated[float, Range(0.0, 10.0)] = 0.02,
    k: Annotated[int, Range(2, 9)] = 4,
) -> FigureResult:
    """The RLHF loop (generate, score, KL-penalise, PPO update) and the reward model's pairs.

    Args:
        beta: Weight β of the KL penalty in R = r - β·KL (0.02 in InstructGPT).
        k: Completions a labeler ranks for one prompt (K; InstructGPT used 4 to 9).
    """
    nodes = _rlhf_nodes(beta)
    pairs = [(_RANKED[i], _RANKED[j]) for i in range(k) for j in range(i + 1, k)]
    floor = 0.22  # the drawing's lowest point (inches); the canvas starts there
    width, height = 7.0, 4.35 - floor

    flow = [
        FlowStep(
            "Step 2: reward model",
            f"labelers rank $K$ = {k} completions of a prompt: {len(pairs)} pairs, each "
            r"trains the reward model with loss $-\log\sigma(r_w-r_l)$",
        ),
        *(
            FlowStep(
                f"Step 3: {n.name}" if i == 0 else n.name,
                _RLHF_PHONE_TEXT.get(n.name, n.does),
                emphasis=i == 1,
            )
            for i, n in enumerate(nodes)
        ),
    ]
    notes = ["The PPO update gives the policy new weights, and the loop starts again."]

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            draw_flow(fig, theme, flow, notes)
            return
        ax = _canvas(fig, width, height)
        ax.set_ylim(floor, floor + height)
        _draw_rlhf_loop(ax, nodes, theme)
        start = _draw_pair_panel(ax, k, pairs, theme)
        reward = _edge(nodes[2], "top")
        # over the loop's top row, into the reward model the pairs train
        path = [start, (reward[0], start[1]), reward]
        _arrow(ax, path, theme.colour("reward"), dashed=True)

    return FigureResult(
        _rlhf_table(nodes, pairs),
        finished(draw),
        width=width,
        height=height,
        phone_height=flow_height(flow, notes),
    )


# --- retrieval-augmented generation ----------------------------------------------------------

_RAG_PITCH, _RAG_BOX = 1.14, (0.98, 0.74)  # column spacing and box size (inches)
_RAG_ROWS = {"offline": 3.5, "online": 2.2}


@dataclass(frozen=True)
class _Budget:
    """How one context window is shared (tokens)."""

    instructions: int
    chunks: int
    top_k: int
    question: int
    answer: int
    window: int

    @property
    def prompt(self) -> int:
        return self.instructions + self.top_k * self.chunks + self.question

    @property
    def unused(self) -> int:
        return self.window - self.prompt - self.answer

    def parts(self) -> list[tuple[str, int]]:
        """(label, tokens) of each part of the window, in order."""
        return [
            ("instructions", self.instructions),
            (f"retrieved chunks ({self.top_k} {TIMES} {self.chunks:,})", self.top_k * self.chunks),
            ("question", self.question),
            ("answer (reserved)", self.answer),
            ("unused", self.unused),
        ]


def _rag_at(column: int, lane: str) -> Point:
    """The centre of a box of the diagram: its column and its lane."""
    return (0.57 + column * _RAG_PITCH, _RAG_ROWS[lane])


def _rag_nodes(chunk: int, overlap: int, budget: _Budget) -> tuple[_Node, ...]:
    return _rag_offline_nodes(chunk, overlap) + _rag_online_nodes(budget)


def _rag_offline_nodes(chunk: int, overlap: int) -> tuple[_Node, ...]:
    """The indexing lane: documents, chunker, embedding model, vector store."""
    return (
        _Node("Documents", "the texts to index", "Documents", _rag_at(0, "offline"), _RAG_BOX),
        _Node(
            "Chunker",
            f"splits them into {chunk:,}-token chunks; neighbours share {overlap:,} tokens, "
            f"so a chunk starts every {chunk - overlap:,} tokens",
            f"Split into\n{chunk:,}-token\nchunks,\n{overlap:,} overlap",
            _rag_at(1, "offline"),
            _RAG_BOX,
        ),
        _Node(
            "Embedding model",
            "turns each chunk into a vector",
            "Embedding\nmodel",
            _rag_at(2, "offline"),
            _RAG_BOX,
        ),
        _Node(
            "Vector store",
            "keeps each vector with its chunk's text and source",
            "Vector store\n(vectors +\ntext)",
            _rag_at(3, "offline"),
            _RAG_BOX,
        ),
    )


def _rag_online_nodes(budget: _Budget) -> tuple[_Node, ...]:
    """The question lane: from the user's question to the answer with its sources."""
    k = budget.top_k
    return (
        _Node("User question", "the question", "User\nquestion", _rag_at(0, "online"), _RAG_BOX),
        _Node(
            "Embed the question",
            "the same embedding model turns the question into a vector",
            "Embed with\nthe same\nmodel",
            _rag_at(1, "online"),
            _RAG_BOX,
        ),
        _Node(
            f"Retrieve top-{k}",
            f"finds the {k} chunks whose vectors are nearest the question's",
            f"Retrieve\ntop-{k}\nchunks",
            _rag_at(2, "online"),
            _RAG_BOX,
        ),
        _Node(
            "Augmented prompt",
            f"instructions + {k} retrieved chunks + the question",
            f"Prompt:\ninstructions\n+ {k} chunks\n+ question",
            _rag_at(3, "online"),
            _RAG_BOX,
        ),
        _Node(
            "LLM",
            f"reads the prompt and writes the answer (up to {budget.answer:,} tokens)",
            "LLM",
            _rag_at(4, "online"),
            _RAG_BOX,
        ),
        _Node(
            "Answer with sources",
            "the answer, citing the chunks it used",
            "Answer\nwith\nsources",
            _rag_at(5, "online"),
            _RAG_BOX,
        ),
    )


def _rag_table(nodes: tuple[_Node, ...], budget: _Budget) -> Table:
    step_tokens: dict[str, int] = {
        "Chunker": budget.chunks,
        "User question": budget.question,
        nodes[6].name: budget.top_k * budget.chunks,
        "Augmented prompt": budget.prompt,
        "LLM": budget.answer,
    }
    rows: list[tuple[str, str, str, int | None]] = [
        (
            "offline" if n.centre[1] == _RAG_ROWS["offline"] else "online",
            n.name,
            n.does,
            step_tokens.get(n.name),
        )
        for n in nodes
    ]
    rows += [("context window", label, "", tokens) for label, tokens in budget.parts()]
    rows.append(("context window", "whole window", "", budget.window))
    columns = list(zip(*rows, strict=True))
    return Table.from_columns(
        {"lane": columns[0], "step": columns[1], "what happens": columns[2], "tokens": columns[3]},
        formats={"tokens": ",d"},
    )


def _draw_rag_lanes(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    offline, online = nodes[:4], nodes[4:]
    for node in nodes:
        _draw_node(ax, node, theme, edge=theme.series[0] if node in offline else theme.text)
    for lane in (offline, online):
        for a, b in pairwise(lane):
            _arrow(ax, [_edge(a, "right"), _edge(b, "left")], theme.text)
    store, search = offline[-1], online[2]
    start, end = _edge(store, "bottom"), _edge(search, "top")
    y = (start[1] + end[1]) / 2
    _arrow(ax, [start, (start[0], y), (end[0], y), end], theme.series[0])
    ax.text(
        start[0] + 0.06,
        y + 0.02,
        "nearest vectors",
        ha="left",
        va="bottom",
        fontsize=FONT,
        color=theme.text,
        fontstyle="italic",
    )
    title: dict[str, Any] = {"ha": "left", "va": "bottom", "fontsize": 9.5, "fontweight": "bold"}
    top = _RAG_ROWS["offline"] + _RAG_BOX[1] / 2 + 0.08
    ax.text(0.08, top, "Offline: index the documents once", color=theme.series[0], **title)
    top = _RAG_ROWS["online"] + _RAG_BOX[1] / 2 + 0.08
    ax.text(0.08, top, "Online: for every question", color=theme.text, **title)


_BAR = (0.35, 6.65, 0.78, 0.3)  # the context-window bar: left, right, bottom, height (inches)


def _draw_window(ax: Axes, prompt_node: _Node, budget: _Budget, theme: Theme) -> None:
    """The context window as a bar: the prompt's parts, the answer's reserve, what is left."""
    from matplotlib.colors import to_hex

    left, right, y0, h = _BAR
    scale = (right - left) / budget.window
    fills = [theme.series[1], theme.series[0], theme.series[2], theme.series[4], "none"]
    handles = _draw_window_parts(ax, budget, fills, theme)
    # Thin gaps between the retrieved chunks, so the bar shows k separate pieces.
    chunk_start, chunk_w = left + budget.instructions * scale, budget.chunks * scale
    colour = _readable_on(to_hex(fills[1]), theme)
    for i in range(budget.top_k):
        cx = chunk_start + i * chunk_w
        if i:
            ax.plot([cx, cx], [y0, y0 + h], color=theme.surface, linewidth=0.8)
        if chunk_w > 0.4:
            ax.text(
                cx + chunk_w / 2,
                y0 + h / 2,
                f"{budget.chunks:,}",
                ha="center",
                va="center",
                fontsize=FONT,
                color=colour,
            )
    _draw_prompt_bracket(ax, prompt_node, budget, theme)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, (y0 - 0.05) / 4.2),
        ncol=3,
        fontsize=FONT,
        labelcolor=theme.text,
        handlelength=1.4,
        columnspacing=1.2,
        frameon=False,
    )


def _draw_window_parts(ax: Axes, budget: _Budget, fills: list[str], theme: Theme) -> list[Any]:
    """One rectangle per part of the window, labelled with its tokens; their legend handles."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch, Rectangle

    left, right, y0, h = _BAR
    scale = (right - left) / budget.window
    handles, x = [], left
    for i, ((label, tokens), fill) in enumerate(zip(budget.parts(), fills, strict=True)):
        w = tokens * scale
        edge = theme.muted if fill == "none" else theme.surface
        ax.add_patch(Rectangle((x, y0), w, h, facecolor=fill, edgecolor=edge, linewidth=0.6))
        if i != 1 and w > 0.5:  # the chunks are labelled one by one below
            colour = theme.text if fill == "none" else _readable_on(to_hex(fill), theme)
            ax.text(
                x + w / 2,
                y0 + h / 2,
                f"{tokens:,}",
                ha="center",
                va="center",
                fontsize=FONT,
                color=colour,
            )
        handles.append(
            Patch(
                facecolor=fill, edgecolor=theme.muted, linewidth=0.6, label=f"{label}: {tokens:,}"
            )
        )
        x += w
    return handles


def _draw_prompt_bracket(ax: Axes, prompt_node: _Node, budget: _Budget, theme: Theme) -> None:
    """A bracket over the prompt's parts, joined to the prompt box above, and the bar's titles."""
    left, right, y0, h = _BAR
    scale = (right - left) / budget.window
    end = left + budget.prompt * scale
    yb = y0 + h + 0.1
    px, top = _edge(prompt_node, "bottom")
    _arrow(ax, [(px, top), (px, yb), (left, yb)], theme.muted, dashed=True, head=False)
    for xe in (left, end):
        ax.plot([xe, xe], [yb, y0 + h], color=theme.muted, linewidth=1.0)
    ax.text(
        left + 0.05,
        yb + 0.03,
        f"augmented prompt: {budget.prompt:,} tokens",
        ha="left",
        va="bottom",
        fontsize=FONT,
        color=theme.text,
    )
    ax.text(
        right,
        yb + 0.03,
        f"context window: {budget.window:,} tokens",
        ha="right",
        va="bottom",
        fontsize=FONT,
        fontweight="bold",
        color=theme.text,
    )


@figure("diagrams.rag_pipeline")
def rag_pipeline(
    chunk_tokens: Annotated[int, Range(16, 8192)] = 300,
    overlap_tokens: Annotated[int, Range(0, 4096)] = 50,
    top_k: Annotated[int, Range(1, 50)] = 5,
    context_tokens: Annotated[int, Range(256, 2_000_000)] = 4096,
    instruction_tokens: Annotated[int, Range(0, 100_000)] = 150,
    question_tokens: Annotated[int, Range(1, 100_000)] = 50,
    answer_tokens: Annotated[int, Range(0, 100_000)] = 500,
) -> FigureResult:
    """Retrieval-augmented generation: index chunks offline, retrieve them into the prompt online.

    Args:
        chunk_tokens: Length of each chunk, in tokens.
        overlap_tokens: Tokens that neighbouring chunks share; less than chunk_tokens.
        top_k: Chunks retrieved for each question.
        context_tokens: The LLM's context window, in tokens (4,096 for Llama 2).
        instruction_tokens: Length of the prompt's instructions, in tokens.
        question_tokens: Length of the user's question, in tokens.
        answer_tokens: Tokens kept free in the window for the answer.
    """
    if overlap_tokens >= chunk_tokens:
        raise ParameterError(
            f"overlap_tokens ({overlap_tokens}) must be less than chunk_tokens "
            f"({chunk_tokens}), or the chunker never moves forward"
        )
    budget = _Budget(
        instruction_tokens, chunk_tokens, top_k, question_tokens, answer_tokens, context_tokens
    )
    if budget.unused < 0:
        raise ParameterError(
            f"instructions, {top_k} {TIMES} {chunk_tokens}-token chunks, the question and the "
            f"answer need {budget.prompt + answer_tokens:,} tokens, more than the "
            f"{context_tokens:,}-token context window"
        )
    nodes = _rag_nodes(chunk_tokens, overlap_tokens, budget)
    width, height = 7.0, 4.2
    flow = [
        FlowStep(("Offline: " if i == 0 else "Online: " if i == 4 else "") + n.name, n.does)
        for i, n in enumerate(nodes)
    ]
    window = ", ".join(f"{label} {tokens:,}" for label, tokens in budget.parts())
    notes = [
        "The vector store is built once, offline; the retrieval searches it for every question.",
        f"Context window, {budget.window:,} tokens: {window}.",
    ]

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            draw_flow(fig, theme, flow, notes)
            return
        ax = _canvas(fig, width, height)
        _draw_rag_lanes(ax, nodes, theme)
        _draw_window(ax, nodes[7], budget, theme)

    return FigureResult(
        _rag_table(nodes, budget),
        finished(draw),
        width=width,
        height=height,
        phone_height=flow_height(flow, notes),
    )
