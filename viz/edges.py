"""Pictures and filter responses as figures that stay readable and small at any size.

Up to 16 cells a side: numbers in the cells (viz.grid.heatmap). Up to HOVER_MAX: a heatmap
whose hover gives each value. Larger: one PNG (a pixel per value) with a transparent
layer of block means on top, so hover still says roughly what is there while the JSON
stays far below a cell per pixel. Signed values always use the diverging scale centred
at 0 (red > 0, white = 0, blue < 0); unsigned pictures are gray (0 = black).
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
from PIL import Image

from viz.grid import DIVERGING, MAX_NUMBERED, heatmap

#: Largest side drawn as a heatmap with exact hover (128² float64 ≈ 175 kB of JSON).
HOVER_MAX = 128
GRAY = [[0.0, "rgb(0, 0, 0)"], [1.0, "rgb(255, 255, 255)"]]
#: The diverging scale as a 256-colour PNG palette, so PNG and heatmap colours agree.
_PALETTE = bytes(
    int(c) for rgb in pc.sample_colorscale(DIVERGING, [i / 255 for i in range(256)])
    for c in rgb[4:-1].split(",")
)


#: A thin horizontal colour bar under the grid: it keeps the grid as wide as its column.
COLORBAR = {"orientation": "h", "thickness": 10, "len": 0.9, "x": 0.5, "xanchor": "center",
            "y": 0, "yanchor": "top", "ypad": 8, "outlinewidth": 1, "outlinecolor": "#ccc",
            "tickfont": {"size": 11}}


def _colorbar_below(fig: go.Figure) -> go.Figure:
    """Move every colour bar of ``fig`` under the plot and make room for it."""
    fig.update_traces(colorbar=COLORBAR, selector={"showscale": True})
    fig.update_layout(height=(fig.layout.height or 420) + 45,
                      margin={"b": (fig.layout.margin.b or 10) + 45})
    return fig


def _array(Z: Any) -> np.ndarray:
    return np.asarray(Z.detach().cpu() if hasattr(Z, "detach") else Z, dtype=np.float64)


def _limits(A: np.ndarray, signed: bool) -> tuple[float, float]:
    """Colour-scale ends: ±max|A| when signed (0 in the middle), else [min(0, lo), hi]."""
    finite = A[np.isfinite(A)]
    if not finite.size:
        return (-1.0, 1.0) if signed else (0.0, 1.0)
    if signed:
        top = float(np.abs(finite).max()) or 1.0
        return -top, top
    lo, hi = min(0.0, float(finite.min())), float(finite.max())
    return lo, hi if hi > lo else lo + 1.0


def grid(Z: Any, *, title: str = "", signed: bool | None = None,
         colorbar: bool = False) -> go.Figure:
    """A (rows, cols) grid drawn the readable way for its size (see the module docstring)."""
    A = _array(Z)
    if signed is None:
        signed = bool((A[np.isfinite(A)] < 0).any())
    side = max(A.shape)
    if side <= MAX_NUMBERED:
        fig = heatmap(A, title=title, signed=signed, colorbar=colorbar)
    elif side <= HOVER_MAX:
        fig = heatmap(A, title=title, signed=signed, numbers=False, colorbar=colorbar)
        if not signed:
            zmin, zmax = _limits(A, signed)
            fig.update_traces(colorscale=GRAY, zmin=zmin, zmax=zmax)
    else:
        fig = picture(A, title=title, signed=signed, colorbar=colorbar)
    return _colorbar_below(fig) if colorbar else fig


def png_uri(A: np.ndarray, *, signed: bool) -> str:
    """(rows, cols) → PNG data URI, one pixel per value, coloured as ``grid`` colours them.

    Signed: 8-bit palette of the diverging scale, index 127.5 · (1 + A/max|A|).
    Unsigned: 8-bit gray, 255 · (A − lo)/(hi − lo) with lo = min(0, min A).
    """
    lo, hi = _limits(A, signed)
    t = (np.nan_to_num(A, nan=0.0, posinf=hi, neginf=lo) - lo) / (hi - lo)  # in [0, 1]
    img = Image.fromarray(np.rint(t.clip(0, 1) * 255).astype(np.uint8), "L")
    if signed:
        img = img.convert("P")  # the same bytes, read as indices into the palette
        img.putpalette(_PALETTE)
    buf = io.BytesIO()
    # zlib level 1: ~8× faster than the default 6 for ~5 % more bytes on a 512² picture.
    img.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def block_means(A: np.ndarray, block: int) -> np.ndarray:
    """Means of block×block tiles: (rows, cols) → (⌈rows/block⌉, ⌈cols/block⌉), NaN-aware."""
    rows, cols = A.shape
    hb, wb = math.ceil(rows / block), math.ceil(cols / block)
    P = np.full((hb * block, wb * block), np.nan)
    P[:rows, :cols] = np.where(np.isfinite(A), A, np.nan)
    # (hb, block, wb, block): average over each tile's two block axes
    tiles = P.reshape(hb, block, wb, block)
    count = np.isfinite(tiles).sum(axis=(1, 3))
    total = np.nansum(tiles, axis=(1, 3))
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def picture(A: Any, *, title: str = "", signed: bool | None = None,
            colorbar: bool = False) -> go.Figure:
    """A large grid as one PNG plus a transparent hover layer of block means."""
    A = _array(A)
    if signed is None:
        signed = bool((A[np.isfinite(A)] < 0).any())
    rows, cols = A.shape
    zmin, zmax = _limits(A, signed)
    block = max(1, math.ceil(max(rows, cols) / HOVER_MAX))
    M = block_means(A, block).astype(np.float32)
    fig = go.Figure(go.Image(source=png_uri(A, signed=signed), x0=0, y0=0, dx=1, dy=1,
                             hoverinfo="skip"))
    fig.add_trace(go.Heatmap(
        z=M, x0=(block - 1) / 2, dx=block, y0=(block - 1) / 2, dy=block,
        colorscale=DIVERGING if signed else GRAY, zmin=zmin, zmax=zmax, opacity=0,
        showscale=colorbar, hoverongaps=False,
        hovertemplate=(f"row ≈ %{{y:.0f}}, col ≈ %{{x:.0f}}: %{{z:.3g}}"
                       f"{f' (mean of {block}×{block})' if block > 1 else ''}<extra></extra>"),
    ))
    fig.update_layout(
        title={"text": title, "x": 0.5, "xanchor": "center", "y": 1, "yanchor": "top",
               "yref": "container", "pad": {"t": 6}} if title else None,
        # Sized for a third of a wide page (≈ 400 px): the picture fills its column.
        height=int(min(520, max(200, 400 * rows / cols + 60))),
        margin={"l": 30, "r": 10, "t": 50 if title else 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    fig.update_xaxes(showgrid=False, zeroline=False, side="top", range=[-0.5, cols - 0.5],
                     constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, range=[rows - 0.5, -0.5],
                     scaleanchor="x", constrain="domain")
    return fig
