"""What every window animation shares (viz.sliding, viz.pooling, viz.transposed): the
window's and the padding's colours, the light cell scale, outlines of cells, the cover over
output cells not computed yet, grid lines, and the play/pause buttons with the step slider.

Each figure builder lays out its own panels; these are the pieces they draw them with, so a
window is the same green and a speed the same label on every page.
"""

from __future__ import annotations

import numpy as np

import i18n
from viz import colours

TAP = "#009e73"  # the window: bluish green (Okabe–Ito), a hue neither sign of a cell has
PAD = "#d9d9d9"  # padding cells: grey, their numbers grey too
#: Cells use the app's one colour scale (viz.colours: white 0, red +, blue −), its inner
#: part only, |value| ≤ max up to LIGHT of the way out, so the dark numbers this figure
#: writes in every cell stay readable (luminance ≥ 0.47: contrast ≥ 4.9 for #444 text).
LIGHT = 0.5
#: Play speeds: label (a message id, shown in the figure's language) and milliseconds per step.
SPEEDS = ((i18n.N_("▶ Slow"), 1500), (i18n.N_("▶ Play"), 700), (i18n.N_("▶▶ Fast"), 200))
#: Width in pixels the layout assumes for the chart when the page's width is not known (the
#: wide layout's main column on a laptop; wider screens keep these cell sizes).
WIDTH = 880
#: The projector view's main column (1280-px screen, sidebar collapsed) and its line widths:
#: the window's outline and the current output cell's, thick enough to see across a room.
PROJECTOR_WIDTH = 1100
OUTLINE_PX, PROJECTOR_OUTLINE_PX = 4, 8
GAP = 1.4  # cells between panels
#: Every text Plotly measures with a page-wide layout (getBoundingClientRect) costs a
#: forced layout of the whole Streamlit page: tick labels are left as drawn ("allow",
#: not "hide past div"), and the margins are fixed, so that the controls and labels do not
#: make Plotly redraw the figure to grow its margins (bench: python -m bench sliding).
AXIS = {"showgrid": False, "zeroline": False, "fixedrange": True, "ticklabeloverflow": "allow"}


def cell_colors(A: np.ndarray) -> dict:
    """Colour scale and range for a grid: viz.colours' scale, ±max|A| / LIGHT (light cells)."""
    return colours.scale(colours.top(A) / LIGHT)


def box(r0: float, c0: float, r1: float, c1: float) -> tuple[list[float], list[float]]:
    """Closed outline of cells r0..r1 × c0..c1 (inclusive): x list, y list."""
    x0, x1, y0, y1 = c0 - 0.5, c1 + 0.5, r0 - 0.5, r1 + 0.5
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def cover_after(i: int, j: int, rows: int, cols: int, *, inclusive: bool = False
           ) -> tuple[list[float], list[float]]:
    """Polygon over the output cells after (i, j) in row-major order (not computed yet);
    ``inclusive``: over (i, j) too (a quiz hides the cell being asked)."""
    j = j - 1 if inclusive else j
    x = [j + 0.5, cols - 0.5, cols - 0.5, -0.5, -0.5, j + 0.5, j + 0.5]
    y = [i - 0.5, i - 0.5, rows - 0.5, rows - 0.5, i + 0.5, i + 0.5, i - 0.5]
    return x, y


def grid_lines(rows: int, cols: int) -> tuple[list, list]:
    """Cell borders of a rows × cols grid as one path (None breaks the line)."""
    x: list = []
    y: list = []
    for r in range(rows + 1):
        x += [-0.5, cols - 0.5, None]
        y += [r - 0.5, r - 0.5, None]
    for c in range(cols + 1):
        x += [c - 0.5, c - 0.5, None]
        y += [-0.5, rows - 0.5, None]
    return x, y


def play_controls(n_steps: int, start: int, *, small: bool, lang: str) -> dict:
    """Play/pause buttons and the step slider, as plain layout dicts.

    The slider's steps share one empty label: Plotly measures every distinct label in the
    page (a forced layout each), and 256 labels of "n/N · Y[i,j]" cost more than the
    whole figure; the step and the cell are written above the formula instead.
    """
    _ = i18n.texts(lang).gettext
    now = {"mode": "immediate", "transition": {"duration": 0}}
    buttons = [{"label": _("■ Pause"), "method": "animate",
                "args": [[None], {**now, "frame": {"duration": 0, "redraw": False}}]}]
    buttons += [{"label": _(label), "method": "animate",
                 "args": [None, {**now, "fromcurrent": True,
                                 "frame": {"duration": ms, "redraw": True}}]}
                for label, ms in SPEEDS]
    step = {"duration": 0, "redraw": True}
    return {
        "updatemenus": [{"type": "buttons", "direction": "left", "buttons": buttons, "x": 0,
                         "y": 0, "xanchor": "left", "yanchor": "top", "pad": {"t": 12, "r": 6},
                         "showactive": False, "font": {"size": 13 if small else 16}}],
        "sliders": [{
            "active": start, "x": 0, "y": 0, "len": 1, "xanchor": "left", "yanchor": "top",
            "pad": {"t": 64}, "currentvalue": {"visible": False},
            "font": {"size": 12, "color": "rgba(0,0,0,0)"}, "ticklen": 0, "minorticklen": 0,
            "steps": [{"method": "animate", "label": "",
                       "args": [[str(n)], {**now, "frame": step}]} for n in range(n_steps)],
        }],
    }
