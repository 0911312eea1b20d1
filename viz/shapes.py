"""The padded input with every window position the stride visits (core.formula.WindowMap)."""

from __future__ import annotations

import i18n
from core.formula import WindowMap
from viz.config import MODEBAR_PX
from viz.figure import PlainFigure

#: Cell colours by WindowMap code: padding, input some window reads, input no window reads.
CELL_COLOURS = ("#d9d9d9", "#9ecae1", "#fd8d3c")
CELL_NAMES = (i18n.N_("padding (zeros)"), i18n.N_("input, read by a window"),
              i18n.N_("input no window reads"))
ANCHOR_COLOUR = "#08306b"
FIRST_COLOUR = "#cb181d"


def window_figure(wm: WindowMap, *, title: str = "", lang: str = i18n.DEFAULT) -> PlainFigure:
    """Padded input (rows × cols of ``wm.cells``) as coloured squares; a dot at each window's
    top-left tap, labelled with the output cell it makes; window (0, 0)'s taps outlined.

    Axes count in input coordinates: padding rows/columns are negative or ≥ H / W.
    ``lang``: the language of its legend, hover and axis titles.
    """
    _ = i18n.texts(lang).gettext
    top, left = wm.offset
    rows, cols = len(wm.cells), len(wm.cells[0])
    # A discrete colour scale: code c maps to the band [c/3, (c+1)/3].
    scale = [[b / 3, CELL_COLOURS[c]] for c in range(3) for b in (c, c + 1)]
    data = [{
        "type": "heatmap", "z": wm.cells, "x": list(range(-left, cols - left)),
        "y": list(range(-top, rows - top)), "zmin": -0.5, "zmax": 2.5, "colorscale": scale,
        "showscale": False, "xgap": 1, "ygap": 1,
        "customdata": [[_(CELL_NAMES[c]) for c in row] for row in wm.cells],
        "hovertemplate": _("row %{y}, col %{x}: %{customdata}") + "<extra></extra>",
    }]
    data += [{"type": "scatter", "x": [None], "y": [None], "mode": "markers",  # legend only
              "name": _(CELL_NAMES[code]),
              "marker": {"symbol": "square", "size": 12, "color": CELL_COLOURS[code]}}
             for code in range(3)]
    labels = [f"Y[{n // wm.out[1]}, {n % wm.out[1]}]" for n in range(len(wm.anchors))]
    data.append({
        "type": "scatter", "x": [c - left for _, c in wm.anchors],
        "y": [r - top for r, _ in wm.anchors], "mode": "markers",
        "name": _("window start (top-left tap)"), "text": labels,
        "marker": {"size": max(4, min(10, 160 // max(rows, cols))), "color": ANCHOR_COLOUR},
        "hovertemplate": _("%{text} starts at row %{y}, col %{x}") + "<extra></extra>",
    })
    # window (0, 0), tap by tap (dilation leaves gaps)
    taps = [dict(type="rect", x0=c - left - 0.5, x1=c - left + 0.5, y0=r - top - 0.5,
                 y1=r - top + 0.5, line={"color": FIRST_COLOUR, "width": 3})
            for r, c in wm.first]
    if taps:
        taps[0]["name"] = "first window"
    data.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines",
                 "name": _("window for Y[0, 0]"), "line": {"color": FIRST_COLOUR, "width": 3}})
    cell = max(10, min(34, 460 // max(rows, cols)))
    tick = 1 if max(rows, cols) <= 20 else 2
    axis = {"constrain": "domain", "dtick": tick, "showgrid": False, "zeroline": False}
    # Plain dicts (viz.figure): Plotly validated this figure on every rerun of the page.
    return PlainFigure(data, {
        "title": {"text": title, "x": 0.5, "xanchor": "center"} if title else None,
        "height": max(260, rows * cell + 130 + MODEBAR_PX),
        # The column numbers and their title above, the legend below: margins that hold
        # them (a 3/5 column on a laptop, either language), or Plotly draws the figure twice.
        # Above it all, room for the mode bar (the page keeps its zoom buttons).
        "margin": {"l": 40, "r": 10, "t": 72 + MODEBAR_PX + (30 if title else 0), "b": 84},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        "plot_bgcolor": "rgba(0,0,0,0)", "shapes": taps,
        "yaxis": {**axis, "range": [rows - top - 0.5, -top - 0.5], "scaleanchor": "x",
                  "title": {"text": _("input row")}},
        "xaxis": {**axis, "range": [-left - 0.5, cols - left - 0.5], "side": "top",
                  "title": {"text": _("input column")}},
    })
