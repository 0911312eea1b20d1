"""Pictures and filter responses as figures that stay readable and small at any size.

Up to 16 cells a side: numbers in the cells (viz.grid.heatmap). Up to HOVER_MAX: a heatmap
whose hover gives each value. Larger: one PNG (a pixel per value) with a transparent
layer of block means on top (viz.grid.picture), so hover still says roughly what is there
while the JSON stays far below a cell per pixel. Every size uses the one colour scale of
viz.colours (white 0, red +, blue −), so X, K and Y read alike.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

import i18n
from viz.grid import HOVER_MAX, MAX_NUMBERED, _array, block_means, heatmap, picture

__all__ = ["HOVER_MAX", "adaptive_grid", "block_means", "picture"]


def adaptive_grid(Z: Any, *, title: str = "", colorbar: bool = False, zmax: float | None = None,
                  width: int | None = None, lang: str = i18n.DEFAULT,
                  projector: bool = False, modebar: bool = False) -> go.Figure:
    """A (rows, cols) grid drawn the readable way for its size (see the module docstring).

    zmax: the scale's end, shared by panels that are compared (default max |Z|);
    width: pixels of the column it is drawn in (viz.grid.column_widths); lang: the language
    of its hover text (the title comes translated); projector: the projector view's sizes;
    modebar: the chart keeps Plotly's mode bar (room for it above the title).
    """
    A = _array(Z)
    side = max(A.shape)
    if side <= HOVER_MAX:
        return heatmap(A, title=title, zmax=zmax, width=width, colorbar=colorbar,
                       numbers=None if side <= MAX_NUMBERED else False, lang=lang,
                       projector=projector, modebar=modebar)
    return picture(A, title=title, zmax=zmax, width=width, colorbar=colorbar, lang=lang,
                   modebar=modebar)

