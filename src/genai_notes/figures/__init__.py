"""What the site shows: figure functions (one module per family) and their rendering.

Figure modules: :mod:`~genai_notes.figures.sampling`, :mod:`~genai_notes.figures.memory`,
:mod:`~genai_notes.figures.scaling`, :mod:`~genai_notes.figures.diagrams`. Each figure is a pure
function of typed parameters returning a :class:`~genai_notes.figures.base.FigureResult`.
"""
