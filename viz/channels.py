"""Figures for many channels: grids of 2-D blocks laid out on one canvas.

Each tensor row (all channels of X, all kernels K[·, c], …) is ONE heatmap trace with
blank (NaN) gaps between its blocks, so 8 × 8 kernels are 8 traces, not 64 charts.
Numbers go in the cells while the cells are wide enough to read them; beyond that the
view is compact: colours only, values on hover. ``fig.layout.meta["numbers"]`` says which.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

import i18n
from viz import colours
from viz.figure import PlainFigure
from viz.grid import MAIN_PX, cell_text, fit_cells, fit_labels

#: Pixels a figure can count on for its width: the main column of a wide page (viz.grid).
WIDTH_PX = MAIN_PX
#: Cells narrower than this (in pixels) get colours only: the compact view.
MIN_NUMBERED_PX = 28
MAX_CELL_PX = 46
GROUP_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2",
                 "#eeca3b", "#9d755d")
RED = "#c0392b"
#: What the cell colours mean (viz.colours), written under every sheet (in its language).
LEGEND = i18n.N_("Colours: white = 0, red positive, blue negative, deeper for larger |value|; "
                 "each tensor on its own scale.")
#: A word, or one CJK character (Chinese breaks between any two), with the space before it.
_PIECE = re.compile(r" *(?:[\u2e80-\uffff]|[^ \u2e80-\uffff]+)")

Box = tuple[float, float, int, int]  # (left x, top y, height, width) in cells
#: The sheets' left and right margins together, and the height of a wrapped caption's line.
MARGIN_PX, LINE_PX = 8, 16


def _text_px(text: str, size: int) -> float:
    """Estimated width of ``text`` at font ``size``: 0.55 em a glyph, 1 em a CJK one."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text) * size


def _np(T: Any) -> np.ndarray:
    return np.asarray(T.detach().cpu() if hasattr(T, "detach") else T, dtype=np.float64)


class Sheet:
    """A canvas measured in cells (x to the right, y downwards); blocks placed by top-left cell.

    ``cols`` cells of blocks plus ``px`` pixels of gaps and labels must fit WIDTH_PX, or a
    phone's column ``width`` (viz.grid.narrow; None: the wide page): that fixes the cell
    size, so gaps and captions can then be sized in pixels (``cells``). On a phone, long
    captions wrap to the column (``wrap``).
    """

    def __init__(self, cols: int, px: float = 0, *, numbers: bool | None = None,
                 left_px: float = 0, width: int | None = None,
                 lang: str = i18n.DEFAULT, projector: bool = False) -> None:
        self.width = width
        self.projector = projector  # numbers at viz.grid.PROJECTOR_FONT_PX or none
        self.texts = i18n.texts(lang)
        room = WIDTH_PX if width is None else width - MARGIN_PX
        fit = (room - px - left_px) / max(cols, 1)
        self.numbers = fit >= MIN_NUMBERED_PX if numbers is None else numbers
        self.cell = max(4.0, min(MAX_CELL_PX, fit))
        self.left = self.cells(left_px) if left_px else 0
        self.traces: list[dict] = []
        self.notes: list[dict] = []
        self.boxes: list[Box] = []
        self.marks: list[Box] = []  # outlined in red
        self.right = self.bottom = 0.0

    def cells(self, px: float) -> float:
        """How many cells ``px`` pixels take."""
        return px / self.cell

    def fits(self, text: str, width: float, size: int = 12) -> bool:
        """Whether ``text`` at font ``size`` fits in ``width`` cells (about 0.55 em a glyph)."""
        return len(text) * size * 0.55 <= width * self.cell

    def wrap(self, text: str, *, size: int = 12, x: float = -0.5) -> tuple[str, int]:
        """``text`` broken into lines (``<br>``) at spaces, or between Chinese characters, so
        that each fits from cell x to the right edge of a phone's column at font ``size``:
        (text, lines). Wide: as is."""
        if self.width is None:
            return text, 1
        room = self.width - MARGIN_PX - (x + 0.5 + self.left) * self.cell
        lines = [""]
        for piece in _PIECE.findall(text):
            line = (lines[-1] + piece).strip()
            if lines[-1] and _text_px(line, size) > room:
                lines.append(piece.strip())
            else:
                lines[-1] = line
        return "<br>".join(lines), len(lines)

    def whole(self, px: float) -> int:
        """Whole cells for ``px`` pixels of blank inside one trace (at least 1)."""
        return max(1, math.ceil(px / self.cell))

    def row(self, blocks: Sequence[Any], x: float, y: float, *, step: float,
            names: Sequence[str], top: float | None = None) -> list[Box]:
        """Blocks side by side from (x, y), block i's left edge at x + i·step, as one trace
        on its own colour scale ±max |value| (or ±``top``). Returns their boxes."""
        arrays = [_np(b) for b in blocks]
        h = max(a.shape[0] for a in arrays)
        width = int(round((len(arrays) - 1) * step)) + arrays[-1].shape[1]
        z = np.full((h, width), np.nan)
        hover = np.full((h, width), "", dtype=object)
        boxes = []
        for i, (a, nm) in enumerate(zip(arrays, names)):
            lx = int(round(i * step))
            z[: a.shape[0], lx : lx + a.shape[1]] = a
            for r in range(a.shape[0]):
                for c in range(a.shape[1]):
                    hover[r, lx + c] = f"{nm}[{r}, {c}] = {a[r, c]:.4g}"
            boxes.append((x + lx, y, a.shape[0], a.shape[1]))
        values = np.concatenate([a.ravel() for a in arrays])
        # One scale per row (or the given one): ±top, white at 0 (viz.colours).
        top = colours.top(values, zmax=top)
        trace = {
            "type": "heatmap", "z": z, "x0": x, "dx": 1, "y0": y, "dy": 1,
            "customdata": hover.tolist(), "hoverongaps": False,
            "hovertemplate": "%{customdata}<extra></extra>", "showscale": False,
            **colours.scale(top),
        }
        if self.numbers:
            # The blank gaps between blocks (NaN) are labelled "0" here and left empty below.
            fitted = (fit_cells(np.nan_to_num(z), self.cell, projector=True) if self.projector
                      else fit_labels(np.nan_to_num(z), self.cell, font_px=15, min_font_px=8))
            if fitted:
                labels, size = fitted
                text = [[t if np.isfinite(v) else "" for t, v in zip(row, zrow)]
                        for row, zrow in zip(cell_text(labels, z, top), z)]
                trace.update(text=text, texttemplate="%{text}",
                             textfont={"size": size, "color": colours.BLACK})
        self.traces.append(trace)
        self.boxes += boxes
        self.right, self.bottom = max(self.right, x + width - 1), max(self.bottom, y + h - 1)
        return boxes

    def label(self, x: float, y: float, text: str, *, size: int = 14, anchor: str = "center",
              valign: str = "bottom", colour: str | None = None) -> None:
        """Text at cell coordinates (x, y); y = a block's top − 0.5 puts it just above.
        Without ``colour`` it takes the theme's text colour (dark or light page)."""
        font = {"size": size} if colour is None else {"size": size, "color": colour}
        self.notes.append({"x": x, "y": y, "text": text, "showarrow": False,
                           "xanchor": anchor, "yanchor": valign, "font": font})
        if self.width is not None and "<br>" in text:  # wrapped lines start where it does
            self.notes[-1]["align"] = anchor

    def figure(self) -> PlainFigure:
        # The colour scale in words, under everything (each trace has its own ±max).
        note_y = self.bottom + 0.5 + self.cells(10)
        legend, lines = self.wrap(self.texts.gettext(LEGEND), x=-0.5 - self.left)
        self.label(-0.5 - self.left, note_y, legend, size=12, anchor="left", valign="top")
        self.bottom = note_y + self.cells(20 + LINE_PX * (lines - 1))
        # A frame per block (zeros are white and would vanish), then the red marks.
        shapes = [
            {"type": "rect", "x0": x - 0.5, "x1": x + w - 0.5, "y0": y - 0.5, "y1": y + h - 0.5,
             "line": line}
            for boxes, line in ((self.boxes, {"color": "#999", "width": 1}),
                                (self.marks, {"color": RED, "width": 3}))
            for x, y, h, w in boxes
        ]
        # Captions sit above their y (yanchor bottom): leave them a line of room.
        top = min([n["y"] - self.cells(24) for n in self.notes]
                  + [y - 0.5 for _, y, _, _ in self.boxes])
        # Plain dicts (viz.figure): Plotly validated 8 × 8 kernels' traces on every rerun.
        return PlainFigure(self.traces, {
            "shapes": shapes, "annotations": self.notes, "plot_bgcolor": "rgba(0,0,0,0)",
            "height": int((self.bottom - top + 1.5) * self.cell) + 16,
            "margin": {"l": MARGIN_PX // 2, "r": MARGIN_PX // 2, "t": 8, "b": 8},
            "meta": {"numbers": self.numbers},
            "xaxis": {"visible": False, "range": [-0.5 - self.left, self.right + 0.5]},
            "yaxis": {"visible": False, "range": [self.bottom + 0.5, top], "scaleanchor": "x",
                      "constrain": "domain"},
        })


def _shape(T: np.ndarray) -> str:
    return " × ".join(map(str, T.shape))


def multi_in_figure(X: Any, K: Any, parts: Any, Y: Any, *, numbers: bool | None = None,
                    width: int | None = None, lang: str = i18n.DEFAULT,
                    projector: bool = False) -> PlainFigure:
    """X (ci, H, W) over K (ci, kh, kw) over corr2d(X[c], K[c]) (ci, Ho, Wo), then "=" their
    sum Y (Ho, Wo): channel c's column reads top to bottom, the last row adds across.
    width: a phone's column (px; None: the wide page), see Sheet; lang: its captions'."""
    X, K, parts, Y = _np(X), _np(K), _np(parts), _np(Y)
    ci = X.shape[0]
    pitch = max(X.shape[2], K.shape[2], parts.shape[2])
    s = Sheet(ci * pitch + Y.shape[1], ci * 36, numbers=numbers, width=width, lang=lang,
              projector=projector)
    t = s.texts
    gap_x = s.whole(36)  # room for "+"
    step = pitch + gap_x
    headers = [s.wrap(h, size=14) for h in (
        i18n.fmt(t, "input X: ci × h × w = {shape}", shape=_shape(X)),
        i18n.fmt(t, "kernel K: ci × kh × kw = {shape}, one slice per channel", shape=_shape(K)),
        t.gettext("one cross-correlation per channel, then added up"))]

    def head(lines: int) -> float:  # room above a row for two lines of captions (or more)
        return s.cells(62 + 18 * (lines - 1))

    def channel_row(blocks: np.ndarray, y: float, caption: str, header: str) -> None:
        names = [caption.format(c=c) for c in range(ci)]
        # Centred over its block, a name may reach into the gaps (on a phone, the first one
        # would reach past the left edge: there it stays over its block)
        if not s.fits(names[-1], step - 0.5 if s.width is None else blocks.shape[2]):
            names = [f"c={c}" for c in range(ci)]
        for (bx, _, _, w), nm in zip(s.row(list(blocks), 0, y, step=step, names=names), names):
            s.label(bx + (w - 1) / 2, y - 0.5, nm, size=12)
        s.label(-0.5, y - 0.5 - s.cells(22), header, anchor="left")

    y = head(headers[0][1])
    channel_row(X, y, "X[{c}]", headers[0][0])
    y += X.shape[1] + head(headers[1][1])
    channel_row(K, y, "K[{c}]", headers[1][0])
    y += K.shape[1] + head(headers[2][1])
    # Each row has its own colour scale (a shared one would wash out the terms when ci is large).
    channel_row(parts, y, "corr2d(X[{c}], K[{c}])", headers[2][0])
    sx = ci * step
    s.row([Y], sx, y, step=0, names=["Y"])
    total = "Σ corr2d_multi_in(X, K)"
    if s.width is not None:  # a phone: the shortest name of the sum that fits over it
        total = next((t for t in (total, "Y = Σ") if s.fits(t, Y.shape[1] + 1)), "Y")
    s.label(sx + (Y.shape[1] - 1) / 2, y - 0.5, total, size=12, colour=RED)
    overhang = len(total) * 12 * 0.55 / s.cell - Y.shape[1]  # in cells, both sides together
    s.right += max(0.0, overhang / 2)
    s.marks.append((sx, y, *Y.shape))
    Wo = parts.shape[2]
    for c in range(ci):  # in the middle of the blank after term c
        s.label(c * step + Wo - 0.5 + (step - Wo) / 2, y + (parts.shape[1] - 1) / 2,
                "<b>=</b>" if c == ci - 1 else "<b>+</b>", size=28, valign="middle", colour=RED)
    return s.figure()


def multi_out_figure(K: Any, Y: Any, *, col_names: Sequence[str] | None = None,
                     numbers: bool | None = None, width: int | None = None,
                     lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """K (co, ci, kh, kw) as co columns of ci kernel slices; below column o, its output
    map Y[o] (Ho, Wo). The kernel tensor's shape co × ci × kh × kw is written above.
    width: a phone's column (px; None: the wide page), see Sheet; lang: its captions'."""
    K, Y = _np(K), _np(Y)
    co, ci, kh, kw = K.shape
    pitch = max(kw, Y.shape[2])
    s = Sheet(co * pitch, co * 30, numbers=numbers, left_px=48, width=width, lang=lang,
              projector=projector)
    step, vgap = pitch + s.whole(30), s.cells(14)
    names = col_names or [f"K[{o}]" for o in range(co)]
    heading, lines = s.wrap(i18n.fmt(s.texts, "kernel K: co × ci × kh × kw = {shape}",
                                     shape=f"{co} × {ci} × {kh} × {kw}"),
                            size=14, x=-0.5 - s.left)
    y = s.cells(52 + 18 * (lines - 1))
    s.label(-0.5 - s.left, y - 0.5 - s.cells(26), heading, anchor="left")
    kmax = colours.top(K)  # one scale for all of K's rows
    for c in range(ci):  # one trace per input channel: the row K[·, c]
        boxes = s.row(list(K[:, c]), 0, y, step=step, top=kmax,
                      names=[f"K[{o}, {c}]" for o in range(co)])
        s.label(-0.8, y + (kh - 1) / 2, f"c={c}", anchor="right", valign="middle", size=12)
        if c == 0:
            for (bx, _, _, w), nm, o in zip(boxes, names, range(co)):
                head = f"o={o} · {nm}"
                if s.width is not None and not s.fits(head, step - 0.5):  # a phone's column
                    head = f"o={o}"
                s.label(bx + (w - 1) / 2, y - 0.5, head, size=12)
        y += kh + vgap
    edge = y - vgap - 0.5  # bottom edge of the last kernel row
    for o in range(co):
        s.label(o * step + (kw - 1) / 2, edge + s.cells(15), "↓", valign="middle", size=20,
                colour=RED)
    y = edge + s.cells(30) + 0.5
    s.row(list(Y), 0, y, step=step, names=[f"Y[{o}]" for o in range(co)])
    s.label(-0.8, y + (min(Y.shape[1], 3) - 1) / 2, "Y[o]", anchor="right", valign="middle",
            size=12, colour=RED)
    note_y = s.bottom + 0.5 + s.cells(4)
    note, lines = s.wrap(i18n.fmt(s.texts, "output Y: co × h_out × w_out = {shape}",
                                  shape=_shape(Y)), size=14, x=-0.5 - s.left)
    s.label(-0.5 - s.left, note_y, note, anchor="left", valign="top", colour=RED)
    s.bottom = note_y + s.cells(24 + 18 * (lines - 1))  # the note hangs below its y
    return s.figure()


def matmul_figure(Xm: Any, Km: Any, Ym: Any, Y1: Any, *, numbers: bool | None = None,
                  width: int | None = None, lang: str = i18n.DEFAULT,
                  projector: bool = False) -> PlainFigure:
    """The 1×1 convolution as K (co × ci) · X (ci × h·w) = Y (co × h·w), laid out so that
    Y[o, j] sits where K's row o meets X's column j (Y[0, 0]'s are outlined in red);
    below, Y reshaped to (co, h, w). width: a phone's column (px; None: the wide page)."""
    Xm, Km, Ym, Y1 = _np(Xm), _np(Km), _np(Ym), _np(Y1)
    ci, hw = Xm.shape
    co, h, w = Y1.shape
    s = Sheet(max(ci + hw, co * w + ci), 40, numbers=numbers, left_px=60, width=width,
              lang=lang, projector=projector)
    xx = ci + s.whole(40)  # X and Y start here; K sits left of Y
    # Captions over X, Y and Y1 (wrapped on a phone: each extra line takes 18 px above)
    (cx, lx), (cy, ly), (cr, lr) = (s.wrap(t, size=14, x=xx - 0.5) for t in (
        f"X.view(ci, h·w): {ci} × {hw}", f"Y = torch.mm(K, X): {co} × {hw}",
        f"Y.view(co, h, w): {co} × {h} × {w}"))
    y = s.cells(50 + 18 * (lx - 1))
    s.row([Xm], xx, y, step=0, names=["X"])
    s.label(xx - 0.5, y - 0.5, cx, anchor="left")
    yy = y + ci + s.cells(36 + 18 * (ly - 1))
    s.row([Km], 0, yy, step=0, names=["K"])
    s.label(ci - 0.5, yy - 0.5, f"K.view(co, ci)<br>{co} × {ci}", anchor="right", size=12)
    s.row([Ym], xx, yy, step=0, names=["Y"])
    s.label(xx - 0.5, yy - 0.5, cy, anchor="left", colour=RED)
    s.marks += [(0, yy, 1, ci), (xx, y, ci, 1), (xx, yy, 1, 1)]
    yr = yy + co + s.cells(44 + 18 * (lr - 1))
    s.row(list(Y1), xx, yr, step=w + s.whole(16), names=[f"Y1[{o}]" for o in range(co)])
    s.label(xx - 0.5, yr - 0.5, cr, anchor="left", colour=RED)
    return s.figure()


def groups_figure(mask: Any, *, kernel: str = "", lang: str = i18n.DEFAULT) -> PlainFigure:
    """Which input channel each output channel sees: mask (co, ci) holds the group index
    where connected, −1 where not. Each coloured cell is one kernel of the weight."""
    _ = i18n.texts(lang).gettext
    M = _np(mask)
    co, ci = M.shape
    g = int(M.max()) + 1
    scale = [[v, GROUP_COLOURS[i % len(GROUP_COLOURS)]]
             for i in range(g) for v in (i / g, (i + 1) / g)]
    # Black or white text, whichever reads better on the group's colour (yellow takes black).
    ink = colours.ink([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in GROUP_COLOURS])

    def label(v: float) -> str:
        if v < 0:
            return ""
        c = ink[int(v) % len(GROUP_COLOURS)]
        return kernel if c == colours.BLACK else f'<span style="color:{c}">{kernel}</span>'

    return PlainFigure([{
        "type": "heatmap", "z": np.where(M >= 0, M, np.nan), "zmin": -0.5, "zmax": g - 0.5,
        "colorscale": scale, "showscale": False, "xgap": 2, "ygap": 2, "hoverongaps": False,
        "customdata": M, "text": [[label(v) for v in row] for row in M],
        "texttemplate": "%{text}",
        "textfont": {"size": 11 if ci <= 4 else 9, "color": colours.BLACK},
        "hovertemplate": _("output %{y} ← input %{x} (group %{customdata})") + "<extra></extra>",
    }], {
        "height": min(420, 90 + 36 * co), "margin": {"l": 60, "r": 10, "t": 60, "b": 10},
        "plot_bgcolor": "#eee", "meta": {"numbers": True},
        "xaxis": {"title": {"text": _("input channel c")}, "side": "top", "dtick": 1,
                  "showgrid": False, "range": [-0.5, ci - 0.5], "constrain": "domain"},
        "yaxis": {"title": {"text": _("output channel o")}, "range": [co - 0.5, -0.5], "dtick": 1,
                  "showgrid": False, "scaleanchor": "x", "constrain": "domain"},
    })
