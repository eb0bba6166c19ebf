"""The SVG a figure becomes: compacted geometry, untouched text."""

from __future__ import annotations

from genai_notes.figures.render import compact_svg


def test_compact_svg_rounds_geometry_to_a_tenth_of_a_point_and_drops_the_metadata() -> None:
    svg = (
        b"<svg>\n <metadata>\n  <rdf:RDF/>\n </metadata>\n"
        b' <path d="M 73.832813 268.56 \nL 504 0.004 \nz\n" transform="translate(10.126 -3.5)"/>'
        b"</svg>"
    )
    assert compact_svg(svg) == (
        b'<svg>\n <path d="M 73.8 268.6 L 504 0 z" transform="translate(10.1 -3.5)"/></svg>'
    )


def test_compact_svg_keeps_every_digit_of_text_and_styles() -> None:
    svg = (
        b'<svg><text x="1.234567" style="font: 10.5px sans">3.14159274</text>'
        b'<g style="stroke-width: 0.123456"/></svg>'
    )
    assert compact_svg(svg) == (
        b'<svg><text x="1.2" style="font: 10.5px sans">3.14159274</text>'
        b'<g style="stroke-width: 0.123456"/></svg>'
    )
