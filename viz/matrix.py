"""A convolution as a matrix product, drawn: the matrix, the vector it multiplies and the
vector that comes out, side by side (M · v = out), every row and column named after the
grid cell it stands for ("Y[1, 0]", "X[0, 1]"), in its tick labels and its hover text.

The sliding-window page draws W·vec(X) = vec(Y) (``core.matrix.conv_matrix``); the
transposed-convolution page draws W and Wᵀ·vec(X) = vec(Y)
(``core.transposed.trans_conv_matrix``). Cells are square; zero entries are left blank, so
the sparse pattern (K's weights on shifted diagonals) shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import i18n
from core.errors import TooManyElements
from viz import colours
from viz.figure import PlainFigure
from viz.grid import fit_labels

#: Most matrix entries drawn (512 kB of float32 sent): a 16×16 input with a 3×3 kernel and
#: padding 1 (256×256) fits, and so does the largest transposed convolution the page allows.
MAX_DRAWN = 2**17
#: Width the figure assumes when the page's is not known (the wide layout's main column).
WIDTH = 880
#: Largest side of a matrix cell, and the tallest grid, in pixels.
CELL_PX, MAX_GRID_PX = 34, 760
#: Pixels kept free beside a vector panel for its row names, and its smallest width; the
#: gaps that hold the "·" and the "=".
NAMES_PX, VECTOR_MIN_PX, DOT_PX, EQ_PX = 64, 16, 40, 30
#: Cells as the app colours them, kept light so the dark numbers stay readable.
LIGHT = 0.5
#: A heatmap cell narrower than this many pixels can vanish (the browser draws at most one
#: cell per pixel, so entries fall between pixels and a band shows as dashes): the matrix is
#: then drawn as a spy plot, a SPY_PX square marker for each nonzero entry, in full colour.
SPY_BELOW_PX, SPY_PX = 1.5, 3
AXIS = {"showgrid": False, "zeroline": False, "fixedrange": True, "ticklabeloverflow": "allow"}


def cell_names(name: str, shape: tuple[int, int]) -> list[str]:
    """The cells of an (H, W) grid in vec order (row-major): "X[0, 0]", "X[0, 1]", ….

    >>> cell_names("Y", (2, 2))
    ['Y[0, 0]', 'Y[0, 1]', 'Y[1, 0]', 'Y[1, 1]']
    """
    return [f"{name}[{r}, {c}]" for r in range(shape[0]) for c in range(shape[1])]


def _array(A: Any) -> np.ndarray:
    return np.asarray(A.detach() if hasattr(A, "detach") else A, dtype=np.float64)


def _ticks(names: Sequence[str], px: float, *, per_label: float = 14) -> dict:
    """Tick values and texts for a category axis ``px`` pixels long: every name while they
    fit a label each ``per_label`` px, else every n-th."""
    step = max(1, math.ceil(len(names) * per_label / max(px, 1)))
    shown = list(names[::step])
    return {"tickmode": "array", "tickvals": shown, "ticktext": shown}


def _numbers(A: np.ndarray, width: float, height: float, *, blank_zeros: bool) -> dict:
    """The numbers written in cells ``width`` × ``height`` px while they fit, as trace keys;
    a matrix leaves its zeros blank (its sparse pattern shows), a vector writes them (X's 0
    is a value)."""
    fitted = fit_labels(A, width, font_px=14) if min(width, height) >= 14 else None
    if not fitted:
        return {}
    labels, size = fitted
    if blank_zeros:
        labels = [["" if v == 0 else t for v, t in zip(row, trow)]
                  for row, trow in zip(A, labels)]
    return {"text": labels, "texttemplate": "%{text}", "textfont": {"size": size,
                                                                    "color": "#111111"}}


def _entry_hover(value: str, title: str) -> str:
    """The matrix's hover: an entry's row ← column and its ``value`` (Plotly's field: ``z``
    for a heatmap cell, ``marker.color`` for a spy plot's marker)."""
    return f"%{{y}} ← %{{x}}: %{{{value}:.4g}}<extra>{title}</extra>"


def _spy(Z: np.ndarray, xnames: Sequence[str], ynames: Sequence[str], *, top: float,
         title: str) -> dict:
    """Z's nonzero entries as square markers at their row and column names, coloured on the
    full scale ±top (a pale marker of a few pixels would not show); hover as the heatmap's
    (a marker's value is its colour)."""
    rr, cc = np.nonzero(Z)
    scale = colours.scale(top)
    return {"type": "scatter", "mode": "markers", "x": [xnames[j] for j in cc],
            "y": [ynames[i] for i in rr],
            "hovertemplate": _entry_hover("marker.color", title),
            "marker": {"symbol": "square", "size": SPY_PX, "color": Z[rr, cc].astype(np.float32),
                       "colorscale": scale["colorscale"], "cmin": scale["zmin"],
                       "cmax": scale["zmax"], "line": {"width": 0}}}


def _category_range(names: Sequence[str], *, reversed_: bool = False) -> dict:
    """A category axis holding every name in order, each at its place, also the names no
    marker stands on (a spy plot's empty rows and columns)."""
    end = len(names) - 0.5
    return {"categoryorder": "array", "categoryarray": list(names),
            "range": [end, -0.5] if reversed_ else [-0.5, end], "autorange": False}


def product(
    M: Any, v: Any | None = None, out: Any | None = None, *, names: tuple[str, str, str],
    rows: Sequence[str], cols: Sequence[str], row_title: str, col_title: str,
    sparse: bool = True, width: int | None = None, lang: str = i18n.DEFAULT,
) -> PlainFigure:
    """M (r, c) · v (c,) = out (r,) as three panels; without ``v`` and ``out``, M alone.

    ``names``: the three panels' titles ("W", "vec(X)", "vec(Y)"); ``rows`` / ``cols``: the
    name of the cell each row / column of M stands for (``cell_names``), also the names of
    ``out``'s and ``v``'s entries; ``row_title`` / ``col_title``: what the rows and columns
    are ("output Y", "input X"), written above M. ``sparse``: M's zeros are structure, left
    blank (W); otherwise they are values and written (im2col(X)). TooManyElements above
    MAX_DRAWN. A matrix whose cells would be under SPY_BELOW_PX wide is drawn as a spy plot
    (``_spy``): every nonzero entry stays visible, and hover still names and gives each.
    """
    A = _array(M)
    r, c = A.shape
    if r * c > MAX_DRAWN:
        raise TooManyElements(shape=(r, c), maximum=MAX_DRAWN)
    _ = i18n.texts(lang).gettext
    vectors = v is not None and out is not None
    width = width or WIDTH
    # On top: the title and what rows and columns are (two lines), then the column names.
    names_px = int(max(len(n) for n in cols) * 6.2) + 12
    margin = {"l": 76, "r": NAMES_PX + 8 if vectors else 10, "t": names_px + 52, "b": 10}
    plot_w = width - margin["l"] - margin["r"]
    vec_px = 0.0
    if vectors:
        # Room for two vector panels, each with its names to the right of it.
        room = plot_w - DOT_PX - NAMES_PX - EQ_PX  # for the matrix and the two vectors
        cell = min(CELL_PX, MAX_GRID_PX / max(r, c), room / (c + 2))
        vec_px = max(cell, VECTOR_MIN_PX)
        cell = min(cell, (room - 2 * vec_px) / c)
    else:
        cell = min(CELL_PX, MAX_GRID_PX / r, plot_w / c)
    cell = max(cell, 0.2)
    grid_h = max(r, c if vectors else 0) * cell
    height = int(grid_h + margin["t"] + margin["b"]) + 2
    # Pixel-exact domains: the cells come out square without Plotly's scaleanchor.
    mx = c * cell / plot_w
    panels = [(A, [0.0, mx], r, cols, rows, names[0])]
    if vectors:
        x0 = mx + DOT_PX / plot_w
        x1 = x0 + (vec_px + NAMES_PX + EQ_PX) / plot_w
        panels += [(_array(v).reshape(-1, 1), [x0, x0 + vec_px / plot_w], c, None, cols,
                    names[1]),
                   (_array(out).reshape(-1, 1), [x1, x1 + vec_px / plot_w], r, None, rows,
                    names[2])]
    data, layout = [], {
        "height": height, "width": width, "showlegend": False, "dragmode": False,
        # The gaps between cells show this grey: a matrix's blank (zero) entries stay cells.
        "margin": {**margin, "autoexpand": False}, "plot_bgcolor": "#e6e6e6",
    }
    tick = {"size": 10 if cell < 20 else 11, "color": "#666"}
    annotations, shapes = [], []
    for n, (Z, (x0, x1), length, xnames, ynames, title) in enumerate(panels, start=1):
        s = "" if n == 1 else str(n)
        top = colours.top(Z)
        hover = (_entry_hover("z", title) if n == 1 else
                 f"%{{y}} = %{{z:.4g}}<extra>{title}</extra>")
        spy = n == 1 and sparse and cell < SPY_BELOW_PX
        if spy:
            data.append({**_spy(Z, xnames, ynames, top=top, title=title), "xaxis": "x",
                         "yaxis": "y"})
            # White behind the markers, as a heatmap's blank (zero) cells are.
            shapes.append({"type": "rect", "xref": "x domain", "yref": "y domain", "x0": 0,
                           "x1": 1, "y0": 0, "y1": 1, "fillcolor": "white", "layer": "below",
                           "line": {"width": 0}})
        else:
            data.append({
                "type": "heatmap", "z": Z.astype(np.float32), "y": list(ynames),
                "x": list(xnames) if xnames else [title], "showscale": False,
                "xgap": 1 if cell >= 6 else 0, "ygap": 1 if cell >= 6 else 0,
                **colours.scale(top / LIGHT), "hovertemplate": hover, "hoverongaps": False,
                "xaxis": f"x{s}", "yaxis": f"y{s}",
                **_numbers(Z, cell if n == 1 else vec_px, cell, blank_zeros=sparse and n == 1),
            })
        y0 = 1 - length * cell / grid_h
        layout[f"xaxis{s}"] = {**AXIS, "domain": [x0, x1], "anchor": f"y{s}", "side": "top",
                               "type": "category", "tickfont": tick, "tickangle": -90,
                               **(_ticks(xnames, (x1 - x0) * plot_w) if xnames
                                  else {"showticklabels": False}),
                               **(_category_range(xnames) if spy else {})}
        layout[f"yaxis{s}"] = {**AXIS, "domain": [y0, 1.0], "anchor": f"x{s}",
                               "type": "category", "autorange": "reversed", "tickfont": tick,
                               "side": "left" if n == 1 else "right",
                               **_ticks(ynames, length * cell),
                               **(_category_range(ynames, reversed_=True) if spy else {})}
        if n > 1:
            annotations.append({"text": f"<b>{title}</b>", "x": (x0 + x1) / 2, "y": 1,
                                "xref": "paper", "yref": "paper", "yanchor": "bottom",
                                "yshift": 8, "showarrow": False, "font": {"size": 15}})
    # The matrix's title with what its rows and columns are, above its column names.
    annotations.append({"text": f"<b>{names[0]}</b>  {row_title}<br>{col_title}", "x": 0,
                        "y": 1, "xref": "paper", "yref": "paper", "xanchor": "left",
                        "yanchor": "bottom", "yshift": names_px + 4, "showarrow": False,
                        "align": "left", "font": {"size": 13}})
    if vectors:
        middle = 1 - min(r, c) * cell / 2 / grid_h  # level with the middle of the shorter
        for sign, (left, right) in (("·", (panels[0][1][1], panels[1][1][0])),
                                    ("=", (panels[2][1][0] - EQ_PX / plot_w,
                                           panels[2][1][0]))):
            annotations.append({"text": f"<b>{sign}</b>", "x": (left + right) / 2,
                                "y": middle, "xref": "paper", "yref": "paper",
                                "yanchor": "middle", "showarrow": False,
                                "font": {"size": 22}})
    layout["annotations"] = annotations
    if shapes:
        layout["shapes"] = shapes
    return PlainFigure(data, layout)
