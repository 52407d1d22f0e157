"""Charts with a text alternative, for the views of lessons 4 to 6.

A view that draws a chart returns one HTML string: a sentence (or a small table) that says
what the chart shows, then the chart itself as an image whose ``alt`` text says it again.
A reader who cannot see the picture, or the colours in it, loses nothing.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt


def figure_html(fig: plt.Figure, alt: str, text: str = "") -> str:
    """``text`` (HTML, already escaped by the caller) above the figure, drawn as a PNG with ``alt``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    image = (
        f"<img src='data:image/png;base64,{data}' alt='{html.escape(alt, quote=True)}' "
        "style='max-width:100%'>"
    )
    return f"{text}<figure style='margin:0'>{image}</figure>"
