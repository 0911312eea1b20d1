"""Read colours and cell text out of figure JSON the way Plotly draws them, independently of
viz.colours: a colorscale (a name or a list of stops) is evaluated linearly in RGB between
its stops at t = (z − zmin)/(zmax − zmin), as plotly.js does."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import plotly.colors as pc

from tests.apptest import decode

TAG = re.compile(r"<[^>]+>")
SPAN_COLOUR = re.compile(r'<span style="color:\s*([^;"]+)')


def rgb_of(colour: str) -> np.ndarray:
    """'#rrggbb', 'rgb(r, g, b)' or 'rgba(…)' → array of 3 floats 0–255."""
    colour = colour.strip()
    if colour.startswith("#"):
        return np.array(pc.hex_to_rgb(colour), dtype=float)
    return np.array([float(v) for v in colour[colour.index("(") + 1:-1].split(",")[:3]])


def stops(trace: dict) -> tuple[np.ndarray, np.ndarray]:
    """A heatmap's colorscale as (positions, colours (n, 3))."""
    scale = trace.get("colorscale")
    if isinstance(scale, str):
        reverse = scale.endswith("_r")
        scale = pc.get_colorscale(scale[:-2] if reverse else scale)
        if reverse:
            scale = [[1 - t, c] for t, c in reversed(scale)]
    if scale is None:  # Plotly's default for heatmaps
        scale = pc.get_colorscale("Plasma")
    pos = np.array([float(t) for t, _ in scale])
    cols = np.array([rgb_of(c) for _, c in scale])
    return pos, cols


def colours_of(trace: dict, z: np.ndarray) -> np.ndarray:
    """The colour Plotly paints each value z in: shape z.shape + (3,)."""
    pos, cols = stops(trace)
    z = np.asarray(z, dtype=float)
    finite = z[np.isfinite(z)]
    zmin = trace.get("zmin", finite.min() if finite.size else 0.0)
    zmax = trace.get("zmax", finite.max() if finite.size else 1.0)
    t = np.clip((np.nan_to_num(z) - zmin) / ((zmax - zmin) or 1.0), 0, 1)
    return np.stack([np.interp(t, pos, cols[:, k]) for k in range(3)], axis=-1)


def value_heatmaps(fig: dict) -> Iterator[tuple[dict, np.ndarray]]:
    """(trace, z) for every heatmap that draws values: visible, not a single-colour overlay
    (a window tint, the padding) and not a transparent hover layer."""
    for trace in fig["data"]:
        if trace.get("type") != "heatmap" or trace.get("opacity", 1) < 1:
            continue
        if len({tuple(c) for c in stops(trace)[1]}) < 2:
            continue
        z = np.asarray(decode(trace["z"]), dtype=float)
        if z.ndim == 2:
            yield trace, z


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def plotly_auto_ink(cell: np.ndarray) -> np.ndarray:
    """What plotly.js writes with when a heatmap's textfont.color is unset: white or #444,
    whichever contrasts more (Color.contrast)."""
    white, grey = np.array([255.0] * 3), np.array([68.0] * 3)
    return white if contrast(cell, white) > contrast(cell, grey) else grey


def cell_labels(trace: dict) -> Iterator[tuple[int, int, str, np.ndarray]]:
    """(row, col, plain label, text colour) of every written cell of a heatmap."""
    text = trace.get("text")
    if not text or not trace.get("texttemplate"):
        return
    z = np.asarray(decode(trace["z"]), dtype=float)
    cells = colours_of(trace, z)
    base = (trace.get("textfont") or {}).get("color")
    for r, row in enumerate(text):
        for c, raw in enumerate(row):
            label = TAG.sub("", str(raw))
            if not label:
                continue
            span = SPAN_COLOUR.search(str(raw))
            colour = span.group(1) if span else base
            ink = rgb_of(colour) if colour and colour != "auto" else plotly_auto_ink(cells[r, c])
            yield r, c, label, ink
