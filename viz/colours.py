"""One colour meaning for every grid in the app: white is 0, red is positive, blue is negative,
and the deeper the colour the larger |value|, up to a scale end ``top`` that each figure
states (a colour bar, or a caption from ``legend``). Panels that are compared share ``top``.

Every figure builder in viz takes its colours from here: heatmaps (``scale``), the PNG of a
large picture (``png_uri``, the same colours pixel for pixel), and the colour of the number
written in a cell (``text_colours``: black on light cells, white on dark ones).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from typing import Any

import numpy as np
from PIL import Image

import i18n

#: ColorBrewer's RdBu (blue → white → red) with pure white in the middle. Its two darkest
#: classes are left out: on a dark page they would be hard to tell from the background.
STOPS = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#ffffff",
         "#fddbc7", "#f4a582", "#d6604d", "#b2182b")
#: The whole scale, −top … 0 … +top, as a Plotly colorscale.
COLORSCALE = [[i / (len(STOPS) - 1), c] for i, c in enumerate(STOPS)]
BLACK, WHITE = "#000000", "#ffffff"
_RGB = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in STOPS], dtype=np.float64)


def _finite(values: Any) -> np.ndarray:
    A = np.asarray(values.detach().cpu() if hasattr(values, "detach") else values,
                   dtype=np.float64)
    return A[np.isfinite(A)]


def top(*grids: Any, zmax: float | None = None) -> float:
    """The scale's end: ``zmax`` if given, else max |value| over all ``grids`` (1 if all 0).

    One ``top`` for several grids puts them on one scale: the same value, the same colour.
    """
    if zmax is not None and np.isfinite(zmax) and zmax > 0:
        return float(zmax)
    finite = np.concatenate([_finite(g).ravel() for g in grids]) if grids else np.zeros(0)
    return float(np.abs(finite).max()) if finite.size and np.abs(finite).max() > 0 else 1.0


def tops(stack: Any, *, zmax: float | None = None) -> np.ndarray:
    """``top`` of each grid of a stack (frames, rows, cols), at once: (frames,)."""
    A = np.asarray(stack, dtype=np.float64)
    if zmax is not None and np.isfinite(zmax) and zmax > 0:
        return np.full(len(A), float(zmax))
    largest = np.where(np.isfinite(A), np.abs(A), 0.0).max(axis=(-2, -1), initial=0.0)
    return np.where(largest > 0, largest, 1.0)


def scale(top: float) -> dict:
    """Heatmap colour settings for the scale ±``top``: colorscale, zmin, zmax.

    Always the whole, symmetric scale, also for a grid with one sign only: white stays at
    0, and two panels with the same ``top`` colour every value alike.
    """
    return {"colorscale": COLORSCALE, "zmin": -top, "zmax": top}


def rgb(values: Any, top: float) -> np.ndarray:
    """The colour of each value on the scale ±top: shape (..., 3), 0–255 floats.

    t = (1 + v/top)/2 in [0, 1], linear in RGB between the stops, as Plotly draws a
    colorscale; values beyond ±top take the end colours, non-finite ones white.
    """
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((1 + np.nan_to_num(v / top, nan=0.0, posinf=1.0, neginf=-1.0)) / 2, 0, 1)
    pos = t * (len(STOPS) - 1)
    i = np.minimum(pos.astype(int), len(STOPS) - 2)
    f = (pos - i)[..., None]
    return _RGB[i] * (1 - f) + _RGB[i + 1] * f


def luminance(rgb: Any) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) in 0–255: 0 black … 1 white."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(l1: Any, l2: Any) -> np.ndarray:
    """WCAG contrast ratio of two luminances: 1 (same) … 21 (black on white)."""
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def ink(background: Any) -> np.ndarray:
    """Black or white, whichever contrasts more with each background colour (..., 3).

    The two tie at luminance ≈ 0.18, where either has contrast 4.58: every cell colour
    gets at least that (WCAG AA asks 4.5 for normal text).
    """
    L = luminance(background)
    return np.where(contrast(L, 1.0) > contrast(L, 0.0), WHITE, BLACK)


def text_colours(values: Any, top: Any) -> np.ndarray:
    """The colour to write each value in, on its own cell: black on light, white on dark.
    ``top``: the scale's end, or one per grid of a stack (frames, rows, cols): (frames,)."""
    v = np.asarray(values, dtype=np.float64)
    top = np.asarray(top, dtype=np.float64)
    return ink(rgb(v, top if top.ndim == 0 else top.reshape(-1, *([1] * (v.ndim - 1)))))


def png_uri(A: Any, top: float) -> str:
    """(rows, cols) → PNG data URI, a pixel per value, coloured exactly as ``rgb`` colours it.

    8-bit palette of the scale: index round(127 · (1 + v/top)) in 0‥254, so that 0 is
    index 127, exactly white; NaN is drawn as 0.
    """
    A = np.asarray(A, dtype=np.float64)
    index = np.rint((1 + np.nan_to_num(A / top, nan=0.0, posinf=1.0, neginf=-1.0)) * 127)
    rows, cols = A.shape
    img = Image.frombytes("P", (cols, rows), index.clip(0, 254).astype(np.uint8).tobytes())
    palette = rgb((np.arange(256) / 127 - 1) * top, top)  # entry 255 is never used
    img.putpalette(np.rint(palette).astype(np.uint8).ravel().tolist())
    buf = io.BytesIO()
    # zlib level 1: ~8× faster than the default 6 for ~5 % more bytes on a 512² picture.
    img.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


#: A thin horizontal colour bar under the grid: it keeps the grid as wide as its column.
COLORBAR = {"orientation": "h", "thickness": 10, "len": 0.9, "x": 0.5, "xanchor": "center",
            "y": 0, "yanchor": "top", "ypad": 8, "outlinewidth": 1, "outlinecolor": "#ccc",
            "tickfont": {"size": 11}}
#: Height in pixels the colour bar and its tick labels take under the grid.
COLORBAR_PX = 45


def _short(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


def legend(top: float, grids: Iterable[Any] = (), *, lang: str = i18n.DEFAULT) -> str:
    """The scale in words, for a caption: which colour means which value, in ``lang``.

    With ``grids``, only the signs they hold are named (a non-negative row has no blue).

    >>> legend(3)
    'Colours: white = 0, deepest red = +3, deepest blue = −3.'
    >>> legend(3, [[0, 1]], lang="zh")
    '颜色：白色为 0，最深的红色为 +3。'
    """
    _ = i18n.texts(lang).gettext
    values = [_finite(g) for g in grids]
    neg = any((v < 0).any() for v in values) if values else True
    pos = any((v > 0).any() for v in values) if values else True
    if pos and neg:
        text = _("Colours: white = 0, deepest red = +{top}, deepest blue = −{top}.")
    elif pos:
        text = _("Colours: white = 0, deepest red = +{top}.")
    elif neg:
        text = _("Colours: white = 0, deepest blue = −{top}.")
    else:
        text = _("Colours: white = 0.")
    return text.format(top=_short(top))
