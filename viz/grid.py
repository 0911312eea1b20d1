"""Grids of numbers as figures: a heatmap with the numbers in its cells while they fit, one
PNG for a large picture. Colours come from viz.colours (white 0, red +, blue −); the text
of a cell comes from ``number_label`` and ``fit_labels``, sized for the cell's pixels.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

import i18n
from viz import colours
from viz.config import MODEBAR_PX
from viz.figure import PlainFigure

#: Cells per side up to which the numbers are written in the cells.
MAX_NUMBERED = 16
#: Preferred side of a numbered cell, and the type size of its number, in pixels.
CELL_PX, FONT_PX = 48, 16
#: Smallest type size a number is written in; below it the cell shows its colour only.
#: Under COMFORT_FONT_PX, fewer digits are written rather than smaller ones.
MIN_FONT_PX, COMFORT_FONT_PX = 10, 13
#: Width of one character of a number, in ems: generous for the digits, signs, "." and "/"
#: of the sans-serif fonts Plotly and Streamlit use (≈ 0.5–0.57 em), so estimates err wide.
CHAR_EM = 0.6
#: The projector view (``ui.view``, a class reading from the back of a room): no number in a
#: grid cell is written smaller than PROJECTOR_FONT_PX (CSS pixels, measured at a 1280×720
#: screen); PROJECTOR_PREFERRED_PX when it fits; cells up to PROJECTOR_CELL_PX a side; row and
#: column numbers and titles PROJECTOR_TICK_PX and PROJECTOR_TITLE_PX. A number that does not
#: fit at PROJECTOR_FONT_PX is not written (the cell shows its colour, hover its value).
PROJECTOR_FONT_PX, PROJECTOR_PREFERRED_PX, PROJECTOR_CELL_PX = 24, 32, 96
PROJECTOR_TICK_PX, PROJECTOR_TITLE_PX = 18, 26
TICK_PX = 11  # row and column numbers elsewhere
#: Pixels a label leaves free in its cell (both sides together).
PAD_PX = 4
#: Width of the main column of the wide layout on a 1280-px laptop screen with the sidebar
#: open, and of the gap between st.columns: what a figure can count on.
MAIN_PX, GAP_PX = 820, 16
#: Below this width of the main column (a phone's), figures lay themselves out for it:
#: panels stacked, fewer or smaller labels, controls that fit.
NARROW = 600
#: Largest denominator written as a fraction (1/9, 1/16, 7/16 …).
MAX_DENOMINATOR = 64
#: Relative difference under which a float32 value counts as equal to a short form of it.
EXACT = 1e-6
#: Heatmap margins in pixels: row numbers on the left, column numbers and title on top. The
#: left one grows with the row numbers (``left_margin``).
MARGIN = {"l": 30, "r": 10, "b": 12}
#: A heatmap's right margin under a colour bar: its end labels ("−0.25") reach past its end.
COLORBAR_R_PX = 24
#: Pixels of a heatmap's left margin besides its widest row number (tick, gaps, the margin's
#: pad), read off Plotly's automargin in Streamlit's theme.
ROW_NUMBER_GAP_PX = 30


def _array(Z: Any) -> np.ndarray:
    return np.asarray(Z.detach().cpu() if hasattr(Z, "detach") else Z, dtype=np.float64)


def column_widths(spec: int | Sequence[float], *, main_px: float = MAIN_PX) -> list[int]:
    """Pixel widths of ``st.columns(spec)`` in the main column: [w_0, …, w_{n−1}].

    w_i = (main_px − (n − 1)·GAP_PX) · spec_i / Σ spec.
    """
    weights = [1.0] * spec if isinstance(spec, int) else [float(s) for s in spec]
    room = main_px - (len(weights) - 1) * GAP_PX
    return [int(room * w / sum(weights)) for w in weights]


def narrow(width: int | None) -> int | None:
    """``width`` if it is a phone's (under NARROW: figures lay out for it), else None (wide:
    the figures' own default layout)."""
    return width if width is not None and width < NARROW else None


def _plain(text: str) -> str:
    """A formatted number with a true minus sign and a short exponent: "-6.2e+06" → "−6.2e6"."""
    mantissa, _, exp = text.partition("e")
    if exp:
        mantissa += "e" + str(int(exp))
    return mantissa.replace("-", "−")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= EXACT * abs(b)


def _exact_form(v: float, *, fraction: bool = True) -> str | None:
    """The shortest form that equals v to float32 round-off: an integer, a decimal or a
    fraction, in that order on a tie; None when there is none. ``fraction=False``: v is
    known to be no fraction (``_exact_forms`` screens a whole grid at once)."""
    if v == 0:
        return "0"
    forms = []
    if round(v) != 0 and _close(v, round(v)) and abs(v) < 1e15:
        forms.append(str(int(round(v))))
    for digits in range(1, 5):
        text = f"{v:.{digits}g}"
        if _close(float(text), v):
            forms.append(_plain(text))
            break
    # A fraction ("1/9", "−3/4") has 3 characters or more besides the sign: it can only win
    # against a longer form (limit_denominator is the cost of a cell's label otherwise).
    if fraction and (not forms or min(map(len, forms)) > 3 + (v < 0)):
        f = Fraction(v).limit_denominator(MAX_DENOMINATOR)
        if f.denominator > 1 and _close(f.numerator / f.denominator, v):
            forms.append(f"{f.numerator}/{f.denominator}")
    forms = [t.replace("-", "−") for t in forms]
    return min(forms, key=len) if forms else None  # min keeps the first on a tie


def _exact_forms(A: np.ndarray) -> list[list[str | None]]:
    """``_exact_form`` of every cell of A, with array tests first: most learned values have no
    exact form, and ruling them out one by one (4 decimals tried, a fraction's
    limit_denominator) is the cost of a cell's label otherwise.

    v has a fraction form p/q (q ≤ MAX_DENOMINATOR) only if |v·q − p| ≤ EXACT·|v|·q for some
    q (this holds for every q when v is an integer, and for 0), and a decimal form only if
    |v − r4| ≤ EXACT·|v|, r4 being v rounded to 4 significant digits (the closest of the
    decimals ``_exact_form`` tries). Each test here allows twice that, for the round-off of
    computing v·q and r4 in floats; what passes is decided by ``_exact_form``.
    """
    q = np.arange(2, MAX_DENOMINATOR + 1, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        vq = A[..., None] * q
        fraction = (np.abs(vq - np.round(vq)) <= 2 * EXACT * np.abs(vq)).any(axis=-1)
        scale = 10.0 ** (3 - np.floor(np.log10(np.abs(A))))
        decimal = np.abs(A - np.round(A * scale) / scale) <= 2 * EXACT * np.abs(A)
    maybe = (fraction | decimal).tolist()
    fraction = fraction.tolist()
    return [[_exact_form(v, fraction=f) if m and math.isfinite(v) else None
             for v, m, f in zip(row, m_row, f_row)]
            for row, m_row, f_row in zip(A.tolist(), maybe, fraction)]


_UNKNOWN = object()


def number_label(v: float, max_chars: int | None = None, *,
                 exact: str | None | object = _UNKNOWN) -> str | None:
    """A value as a cell shows it, in at most ``max_chars`` characters (None: no limit).

    Exact forms first, the shortest of: an integer (19), a decimal (0.5, 0.0625) or a
    fraction with denominator ≤ MAX_DENOMINATOR (1/16, 4/9); otherwise 3 significant digits
    (0.979, −6.17e6), fewer when the room is short. None when nothing fits.

    >>> [number_label(v) for v in (43.0, -1.0, 0.0625, 1 / 9, 0.5, -0.97913, 6.17e6)]
    ['43', '−1', '1/16', '1/9', '0.5', '−0.979', '6.17e6']
    >>> number_label(-0.97913, max_chars=4)
    '−1'
    """
    if exact is _UNKNOWN:
        exact = _exact_form(float(v)) if math.isfinite(v) else None
    return _first_fitting(_label_forms(v, exact), max_chars)


def _label_forms(v: float, exact: str | None) -> tuple[str, ...]:
    """``number_label``'s candidates for v, best first: its exact form, unless much longer
    than 3 digits would be (123456789 → 1.23e8), then 3, 2 and 1 significant digits."""
    if not math.isfinite(v):
        return ("–",)
    digits = tuple(_plain(f"{v:.{d}g}") for d in (3, 2, 1))
    return ((exact,) if exact and len(exact) <= len(digits[0]) + 2 else ()) + digits


def _first_fitting(forms: tuple[str, ...], max_chars: int | None) -> str | None:
    if max_chars is None:
        return forms[0]
    return next((t for t in forms if len(t) <= max_chars), None)


def label_px(text: str, font_px: float) -> float:
    """Estimated width of ``text`` in pixels at ``font_px``: characters × CHAR_EM × size."""
    return len(text) * CHAR_EM * font_px


def fit_labels(A: Any, cell_px: float, *, font_px: int = FONT_PX,
               min_font_px: int = MIN_FONT_PX) -> tuple[list[list[str]], int] | None:
    """Labels for every cell of A (rows, cols) and one type size at which all fit cells
    ``cell_px`` wide: (labels, size), or None when even short forms would not fit.

    A label fits when label_px(label, size) ≤ cell_px − PAD_PX. The full labels are kept
    while they fit at COMFORT_FONT_PX or more (up to ``font_px``); otherwise they are
    shortened (fewer digits: −0.0197 → −0.02) to fit at that size, and only when even that
    fails are they drawn smaller, down to ``min_font_px``, shortened again if need be.
    """
    A = _array(A)
    return fit_labels_frames(A[None], cell_px, font_px=font_px, min_font_px=min_font_px)[0]


def fit_labels_frames(As: Any, cell_px: float, *, font_px: int = FONT_PX,
                      min_font_px: int = MIN_FONT_PX
                      ) -> list[tuple[list[list[str]], int] | None]:
    """``fit_labels`` of each frame As[f] of a stack (frames, rows, cols): each frame's labels
    and size as if it were labelled alone, every distinct value of the stack labelled once
    (an animation's frames repeat most of their values: a target's 0s and 1s, a kernel that
    has settled)."""
    As = _array(As)
    frames = As.shape[0]
    room = cell_px - PAD_PX
    values, where = np.unique(As, return_inverse=True)
    where = where.reshape(frames, -1)
    values = values.tolist()
    # every value's candidate labels, once (whichever length wins)
    forms = [_label_forms(v, e) for v, e in zip(values, _exact_forms(np.array([values]))[0])]

    def candidate(max_chars: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Each value's label in at most max_chars (None: no limit), and each frame's longest
        label (−1 where a frame has a value with no label that short)."""
        labels = [_first_fitting(f, max_chars) for f in forms]
        lengths = np.array([-1 if t is None else len(t) for t in labels], dtype=np.int64)
        per_cell = lengths[where]
        longest = np.where((per_cell < 0).any(axis=1), -1, per_cell.max(axis=1, initial=0))
        return np.array(labels, dtype=object), longest

    def size_for(longest: int) -> int:
        return min(font_px, math.floor(room / (CHAR_EM * max(longest, 1))))

    @functools.cache  # each size's candidate made once, and only if a frame needs it
    def shortened(size: int) -> tuple[np.ndarray, np.ndarray] | None:
        max_chars = math.floor(room / (CHAR_EM * size))
        return candidate(max_chars) if max_chars >= 1 else None

    comfort = max(min_font_px, min(COMFORT_FONT_PX, font_px))
    full = candidate(None)

    def tries() -> Iterator[tuple[np.ndarray, np.ndarray] | None]:
        """The candidates for a frame whose full labels are cramped, in the order tried."""
        yield shortened(comfort)
        yield full
        yield shortened(min_font_px)

    shape = As.shape[1:]
    out: list[tuple[list[list[str]], int] | None] = []
    for f in range(frames):
        if size_for(int(full[1][f])) >= comfort:
            chosen = full
        else:
            chosen = next((c for c in tries() if c is not None and c[1][f] >= 0
                           and size_for(int(c[1][f])) >= min_font_px), None)
        if chosen is None:
            out.append(None)
        else:
            out.append((chosen[0][where[f]].reshape(shape).tolist(),
                        size_for(int(chosen[1][f]))))
    return out


def cell_text(labels: Sequence[Sequence[str]], A: Any, top: float, *,
              ink: np.ndarray | None = None) -> list[list[str]]:
    """Labels as Plotly draws them: white (a span) on dark cells, the trace's black elsewhere.
    ``ink``: A's ``colours.text_colours`` when already known (a stack's, made at once)."""
    ink = colours.text_colours(_array(A), top) if ink is None else ink
    return [[t if c == colours.BLACK else f'<span style="color:{c}">{t}</span>'
             for t, c in zip(row, ink_row)] for row, ink_row in zip(labels, ink.tolist())]


def left_margin(rows: int, *, projector: bool = False) -> int:
    """A heatmap's left margin: as wide as its row numbers (0 … rows − 1) need. Plotly widens
    a margin its tick labels overflow, but only by drawing the whole figure a second time."""
    tick = PROJECTOR_TICK_PX if projector else TICK_PX
    return max(MARGIN["l"], math.ceil(ROW_NUMBER_GAP_PX + label_px(str(max(rows - 1, 0)), tick)))


def right_margin(*, colorbar: bool = False) -> int:
    """A heatmap's right margin: wider under a colour bar, whose end labels hang past it."""
    return COLORBAR_R_PX if colorbar else MARGIN["r"]


def cell_px(shape: tuple[int, int], width: int | None = None, *,
            projector: bool = False, colorbar: bool = False) -> float:
    """Side of one square cell of a (rows, cols) heatmap drawn in a column ``width`` px wide:
    as large as the column allows, up to CELL_PX (PROJECTOR_CELL_PX in the projector view),
    the grid at most 560 px tall."""
    rows, cols = shape
    plot_w = max((width or column_widths(3)[0]) - left_margin(rows, projector=projector)
                 - right_margin(colorbar=colorbar), 20)
    return min(PROJECTOR_CELL_PX if projector else CELL_PX, plot_w / cols, 560 / rows)


def _fonts(cell: float, projector: bool) -> dict[str, int]:
    """``fit_labels``' type sizes for a cell: the usual ones, or the projector view's (at most
    0.7 of the cell's height, so a row of numbers keeps its air; never under
    PROJECTOR_FONT_PX)."""
    if projector:
        preferred = max(PROJECTOR_FONT_PX, min(PROJECTOR_PREFERRED_PX, int(cell * 0.7)))
        return {"font_px": preferred, "min_font_px": PROJECTOR_FONT_PX}
    return {}


def fit_cells(A: Any, cell: float, *, projector: bool = False
              ) -> tuple[list[list[str]], int] | None:
    """``fit_labels`` at the page's type sizes: the usual ones, or the projector view's."""
    return fit_labels(A, cell, **_fonts(cell, projector))


def labels(Z: Any, *, zmax: float | None = None, width: int | None = None,
           projector: bool = False, colorbar: bool = False) -> list | None:
    """The cell texts ``heatmap`` writes for Z (None when it writes none)."""
    fitted = labels_frames(_array(Z)[None], zmax=zmax, width=width, projector=projector,
                           colorbar=colorbar)[0]
    return fitted[0] if fitted else None


def labels_frames(Zs: Any, *, zmax: float | None = None, width: int | None = None,
                  projector: bool = False, colorbar: bool = False, cell: float | None = None
                  ) -> list[tuple[list, int] | None]:
    """For each frame Zs[f] of a stack (frames, rows, cols): the cell texts ``heatmap`` writes
    for it and their type size (None when it writes none), as ``labels`` would give them one
    by one: what an animation frame sends to change a grid's numbers. Each frame is coloured
    on its own scale when ``zmax`` is None. ``cell``: the cells' side in pixels, when not
    ``heatmap``'s (``cell_px`` of the width)."""
    As = _array(Zs)
    if max(As.shape[1:]) > MAX_NUMBERED:
        return [None] * len(As)
    if cell is None:
        cell = cell_px(As.shape[1:], width, projector=projector, colorbar=colorbar)
    fitted = fit_labels_frames(As, cell, **_fonts(cell, projector))
    tops = colours.tops(As, zmax=zmax)
    ink = colours.text_colours(As, tops)  # every frame's at once (100 frames: 1 call)
    return [(cell_text(f[0], A, top, ink=i), f[1]) if f else None
            for f, A, top, i in zip(fitted, As, tops.tolist(), ink)]


def hover_cell(lang: str) -> str:
    """A grid cell's hover text in ``lang``: its row, column and value (Plotly's template)."""
    return i18n.texts(lang).gettext("row %{y}, col %{x}: %{z:.4g}") + "<extra></extra>"


def _hover_block(block: int, lang: str) -> str:
    """A picture's hover text: where, and the value (the mean of a block×block tile)."""
    t = i18n.texts(lang)
    mean = i18n.fmt(t, " (mean of {block}×{block})", block=block) if block > 1 else ""
    return t.gettext("row ≈ %{y:.0f}, col ≈ %{x:.0f}: %{z:.3g}") + mean + "<extra></extra>"


def heatmap(
    Z: Any, *, title: str = "", zmax: float | None = None, width: int | None = None,
    numbers: bool | None = None, height: int | None = None, colorbar: bool = False,
    lang: str = i18n.DEFAULT, projector: bool = False, modebar: bool = False,
) -> PlainFigure:
    """A (rows, cols) grid as a heatmap with row 0 at the top, coloured by viz.colours.

    zmax: the scale's end (share it between panels that are compared; default max |Z|).
    width: pixels of the column the figure is drawn in (default: a third of the main
    column); it sizes the cells (≤ CELL_PX) and so the numbers, which are written while
    both sides ≤ MAX_NUMBERED and they fit (``fit_labels``). colorbar: the scale, under it.
    lang: the language of the hover text (the title comes translated). projector: the
    projector view's sizes (PROJECTOR_FONT_PX and the rest). modebar: the chart keeps
    Plotly's mode bar (``viz.config.chart_config``): room for it above the title.
    """
    trace, layout = heatmap_spec(Z, title=title, zmax=zmax, width=width, numbers=numbers,
                                 height=height, colorbar=colorbar, lang=lang,
                                 projector=projector, modebar=modebar)
    # Plain dicts, not validated on every build (tests validate them): ≈ 1 ms a grid less,
    # and sent without Plotly's deep copy (viz.figure).
    return PlainFigure([trace], layout)


def heatmap_spec(
    Z: Any, *, title: str = "", zmax: float | None = None, width: int | None = None,
    numbers: bool | None = None, height: int | None = None, colorbar: bool = False,
    lang: str = i18n.DEFAULT, projector: bool = False, modebar: bool = False,
) -> tuple[dict, dict]:
    """``heatmap``'s trace and layout as plain dicts, not validated: for a figure that
    validates its traces once in a test, not on every build (viz.learn's animation)."""
    A = _array(Z)
    rows, cols = A.shape
    top = colours.top(A, zmax=zmax)
    width = width or column_widths(3)[0]
    cell = cell_px(A.shape, width, projector=projector, colorbar=colorbar)
    fitted = fit_cells(A, cell, projector=projector) if (
        numbers is None and max(rows, cols) <= MAX_NUMBERED or numbers) else None
    trace = {
        "type": "heatmap", "z": A, **colours.scale(top), "showscale": colorbar,
        "xgap": 1 if cell >= 8 else 0, "ygap": 1 if cell >= 8 else 0,
        "hovertemplate": hover_cell(lang),
    }
    if colorbar:
        trace["colorbar"] = colours.COLORBAR
    if fitted:
        labels, size = fitted
        trace.update(text=cell_text(labels, A, top), texttemplate="%{text}",
                     textfont={"size": size, "color": colours.BLACK})
    axis = {"showgrid": False, "zeroline": False, "constrain": "domain",
            "tickfont": {"size": PROJECTOR_TICK_PX if projector else TICK_PX},
            **({"dtick": 1} if fitted else {})}
    bar = MODEBAR_PX if modebar else 0
    t = ((80 if projector else 70) if title else 30) + bar
    b = MARGIN["b"] + (colours.COLORBAR_PX if colorbar else 0)
    layout = {
        # The title sits above the column numbers (x axis on top, like a matrix).
        "title": {"text": title, "x": 0.5, "xanchor": "center", "y": 1, "yanchor": "top",
                  "yref": "container", "pad": {"t": 6 + bar},
                  **({"font": {"size": PROJECTOR_TITLE_PX}} if projector else {})}
                 if title else None,
        "height": height or math.ceil(rows * cell + t + b),
        "margin": {"l": left_margin(rows, projector=projector),
                   "r": right_margin(colorbar=colorbar), "t": t, "b": b},
        "plot_bgcolor": "rgba(0,0,0,0)", "meta": {"numbers": bool(fitted), "width": width},
        "yaxis": {**axis, "autorange": "reversed", "scaleanchor": "x"},
        "xaxis": {**axis, "side": "top"},
    }
    return trace, layout


#: Largest side drawn as a heatmap with exact hover (128² float64 ≈ 175 kB of JSON).
HOVER_MAX = 128


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


def picture(Z: Any, *, title: str = "", zmax: float | None = None, width: int | None = None,
            colorbar: bool = False, lang: str = i18n.DEFAULT,
            modebar: bool = False) -> PlainFigure:
    """A large grid as one PNG (a pixel per value, colours of viz.colours) plus a transparent
    hover layer of block means (≤ HOVER_MAX a side): small JSON, fast to draw, hover still
    says roughly what is there. width: pixels of the column (default a third of the main).
    modebar: room for Plotly's mode bar above the title (as ``heatmap``)."""
    A = _array(Z)
    rows, cols = A.shape
    top = colours.top(A, zmax=zmax)
    block = max(1, math.ceil(max(rows, cols) / HOVER_MAX))
    M = block_means(A, block).astype(np.float32)
    layer = {
        "type": "heatmap", "z": M, "x0": (block - 1) / 2, "dx": block, "y0": (block - 1) / 2,
        "dy": block, **colours.scale(top), "opacity": 0, "showscale": colorbar,
        "hoverongaps": False,
        "hovertemplate": _hover_block(block, lang),
    }
    if colorbar:
        layer["colorbar"] = colours.COLORBAR
    width = width or column_widths(3)[0]
    bar = MODEBAR_PX if modebar else 0
    t, b = (50 if title else 10) + bar, 10 + (colours.COLORBAR_PX if colorbar else 0)
    image = {"type": "image", "source": colours.png_uri(A, top), "x0": 0, "y0": 0, "dx": 1,
             "dy": 1, "hoverinfo": "skip"}
    axis = {"showgrid": False, "zeroline": False, "constrain": "domain"}
    return PlainFigure([image, layer], {
        "title": {"text": title, "x": 0.5, "xanchor": "center", "y": 1, "yanchor": "top",
                  "yref": "container", "pad": {"t": 6 + bar}} if title else None,
        # The picture fills its column's width: its height follows from the aspect ratio.
        "height": int(min(520, max(160, (width - 40) * rows / cols)) + t + b),
        "margin": {**MARGIN, "l": left_margin(rows), "t": t, "b": b},
        "plot_bgcolor": "rgba(0,0,0,0)", "meta": {"numbers": False},
        "xaxis": {**axis, "side": "top", "range": [-0.5, cols - 0.5]},
        "yaxis": {**axis, "range": [rows - 0.5, -0.5], "scaleanchor": "x"},
    })


def stacked_domains(bodies: list[float], cols: list[int], *, head: float, inner: float,
                    cell: float, plot_w: float) -> tuple[list[tuple[float, float]],
                                                         list[tuple[float, float]]]:
    """Panels one under another (a phone): each panel's y and x domain in paper units, top
    panel first. ``bodies``: each panel's height (px) with ``head`` px above it for its title;
    ``inner``: the plotting height (px) they share; ``cols``: each panel's columns of ``cell``
    px, in a plot ``plot_w`` px wide."""
    y, top = [], inner
    for body in bodies:
        y.append(((top - body) / inner, top / inner))
        top -= body + head
    return y, [(0.0, min(1.0, c * cell / plot_w)) for c in cols]
