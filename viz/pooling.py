"""Pooling as one Plotly figure: the input X (its padding drawn) and the output Y side by side.

``animation`` plays every window as a Plotly frame in the browser (no server round trip), as
viz.sliding does: the window moves cell by cell over X, its maximum is ringed (every tie) or
its sum ÷ count written, and Y fills in. ``still`` draws X and the whole Y without a window
(one panel pair per channel). Max pooling's padding is written −∞ (it never wins), average
pooling's 0; the cells of ``ceil_mode``'s last, partial window that lie past the padding are
drawn empty, inside the window's outline, and left out of its arithmetic.
"""

from __future__ import annotations

import textwrap

import numpy as np

import i18n
from core.pooling import PoolTrace
from viz.figure import PlainFigure
from viz.grid import (
    NARROW,
    PAD_PX,
    PROJECTOR_CELL_PX,
    PROJECTOR_FONT_PX,
    PROJECTOR_TICK_PX,
    PROJECTOR_TITLE_PX,
    fit_labels,
    label_px,
    stacked_domains,
)
from viz.windows import (
    AXIS,
    GAP,
    OUTLINE_PX,
    PAD,
    PROJECTOR_OUTLINE_PX,
    PROJECTOR_WIDTH,
    TAP,
    WIDTH,
    box,
    cell_colors,
    cover_after,
    grid_lines,
    play_controls,
)

MAX_RING = "#d55e00"  # the maximum's ring: vermillion (Okabe–Ito), apart from the window's green
OUTSIDE = "#fbf1d5"  # past the padding (ceil_mode): pale yellow, nothing there
#: The projector view's grids at most this tall (px): on a 1280×720 screen under the page's
#: title, the grids and the current window's arithmetic show without scrolling.
PROJECTOR_GRID_PX = 400
#: Characters per formula line before it wraps (at the formula's type size).
LINE_CHARS = 64


class _Grid:
    """The input panel's cells: the input, its padding, and the cells past the padding that a
    ``ceil_mode`` window reaches. ``top``, ``left``: where input cell (0, 0) sits."""

    def __init__(self, trace: PoolTrace) -> None:
        H, W = trace.X.shape
        ph, pw = trace.padding
        rows = [r for w in trace.windows for r, _ in w.cells]
        cols = [c for w in trace.windows for _, c in w.cells]
        self.top, self.left = ph, pw
        self.rows = max(H + ph, max(rows, default=0) + 1) + ph
        self.cols = max(W + pw, max(cols, default=0) + 1) + pw
        self.H, self.W = H, W
        r = np.arange(self.rows)[:, None] - ph
        c = np.arange(self.cols)[None, :] - pw
        self.input = (0 <= r) & (r < H) & (0 <= c) & (c < W)
        self.padding = ~self.input & (-ph <= r) & (r < H + ph) & (-pw <= c) & (c < W + pw)
        self.outside = ~self.input & ~self.padding


class _Layout:
    """Where the two panels go: square cells, X and Y side by side (wide) or stacked when
    ``width`` < NARROW (a phone). ``projector``: the projector view's sizes (numbers of
    viz.grid.PROJECTOR_FONT_PX or none, larger cells, ticks and titles, thick outlines)."""

    def __init__(self, trace: PoolTrace, G: _Grid, *, formula_lines: int, controls: bool,
                 width: int | None, projector: bool = False) -> None:
        self.Ho, self.Wo = trace.Y.shape
        self.stacked = width is not None and width < NARROW
        self.projector = projector
        self.width = width or (PROJECTOR_WIDTH if projector else WIDTH)
        self.margin = {"l": 28, "r": 8} if self.stacked else {"l": 40, "r": 40}
        plot_w = self.width - self.margin["l"] - self.margin["r"]
        rows, cols = (G.rows, self.Ho), (G.cols, self.Wo)
        if self.stacked:
            self.cell = int(min(64, plot_w / max(cols)))
        else:
            units = G.cols + self.Wo + GAP
            cap = PROJECTOR_WIDTH if projector else WIDTH
            self.cell = int(min(PROJECTOR_CELL_PX if projector else 80,
                                max(18, min(self.width, cap) / units)))
            if projector:  # the grids within PROJECTOR_GRID_PX of a 720-px screen's height
                self.cell = int(max(18, min(self.cell, PROJECTOR_GRID_PX / max(rows))))
        self.font = int(min(26, max(10, self.cell * 0.4)))
        self.tick = max(10, min(self.font - 6, 14))
        self.smallest = 10  # the smallest number written in a cell
        self.title_font = PROJECTOR_TITLE_PX if projector else 20
        self.outline = PROJECTOR_OUTLINE_PX if projector else OUTLINE_PX
        if projector:
            self.font = max(PROJECTOR_FONT_PX, min(32, int(self.cell * 0.4)))
            self.tick, self.smallest = PROJECTOR_TICK_PX, PROJECTOR_FONT_PX
        self.title_shift = int(1.4 * self.tick) + 14
        head = self.title_shift + 34
        self.formula_font = (PROJECTOR_FONT_PX + 4 if projector else
                             20 if not self.stacked else 15)
        self.formula_px = int(formula_lines * self.formula_font * 1.45) + (
            28 if formula_lines else 0)
        self.bottom = 150 if controls else 10
        self.top = head + 10
        bodies = [r * self.cell for r in rows]
        grid_px = sum(bodies) + head if self.stacked else max(rows) * self.cell
        inner = grid_px + self.formula_px
        self.height = inner + self.top + self.bottom
        self.grid_y = (self.formula_px / inner, 1.0)
        if self.stacked:
            self.y, self.x = stacked_domains(bodies, cols, head=head, inner=inner,
                                             cell=self.cell, plot_w=plot_w)
            self.ranges = [r - 0.5 for r in rows]
        else:
            # In pixels of the cell size: a panel's domain is as wide as its cells (with
            # room to spare, the scale anchor would shrink it and leave its ticks behind).
            starts = np.array([0, G.cols + GAP]) * self.cell / plot_w
            widths = np.array(cols) * self.cell / plot_w
            self.x = [(float(s), float(min(1.0, s + w))) for s, w in zip(starts, widths)]
            self.y = [self.grid_y] * 2
            self.ranges = [max(rows) - 0.5] * 2


def _input_text(trace: PoolTrace, G: _Grid, L: _Layout) -> tuple[list[str], int] | None:
    """Every cell's text in the input panel, row-major: X's numbers, the padding's −∞ or 0,
    nothing past the padding; and one type size (None when the numbers do not fit)."""
    fitted = fit_labels(trace.X.numpy(), L.cell, font_px=L.font, min_font_px=L.smallest)
    if fitted is None:
        return None
    labels, size = fitted
    pad = "−∞" if trace.mode == "max" else "0"
    # The padding's text at the numbers' size, when it fits its cell; left out otherwise
    # (the grey says padding, and its hover what it counts as).
    if label_px(pad, size) > L.cell - PAD_PX:
        pad = ""
    text = []
    for r in range(G.rows):
        for c in range(G.cols):
            if G.input[r, c]:
                text.append(labels[r - G.top][c - G.left])
            else:
                text.append(pad if G.padding[r, c] else "")
    return text, size


def _titles(channel: int | None, lang: str) -> tuple[str, str]:
    t = i18n.texts(lang)
    _ = t.gettext
    if channel is None:
        return _("input X"), _("output Y")
    return (i18n.fmt(t, "input X, channel {c}", c=channel),
            i18n.fmt(t, "output Y, channel {c}", c=channel))


def _base(trace: PoolTrace, G: _Grid, L: _Layout, *, channel: int | None, lang: str,
          known: int | None = None) -> tuple[list[dict], dict]:
    """Static traces (X's colours, the padding, the cells past it, X's numbers, the dashed
    edge of X, Y) and the layout of the two panels. ``known``: only Y's first ``known`` cells
    (row-major) are in the figure at all, the rest left out (the quiz: None, all of Y)."""
    _ = i18n.texts(lang).gettext
    X = trace.X.numpy().astype(np.float64)
    real = np.full((G.rows, G.cols), np.nan)
    real[G.top:G.top + G.H, G.left:G.left + G.W] = X
    rr, cc = np.mgrid[0:G.rows, 0:G.cols]
    custom = np.stack([rr - G.top, cc - G.left], axis=-1)
    data = [
        dict(type="heatmap", z=real, customdata=custom, showscale=False, xgap=1, ygap=1,
             hovertemplate="X[%{customdata[0]}, %{customdata[1]}] = %{z:.4g}<extra></extra>",
             **cell_colors(X), xaxis="x", yaxis="y"),
        dict(type="heatmap", z=np.where(G.padding, 0.0, np.nan), showscale=False, xgap=1,
             ygap=1, colorscale=[[0, PAD], [1, PAD]], xaxis="x", yaxis="y",
             hovertemplate=(_("padding: −∞ (never the maximum)") if trace.mode == "max"
                            else _("padding: 0")) + "<extra></extra>"),
    ]
    if G.outside.any():
        data.append(dict(type="heatmap", z=np.where(G.outside, 0.0, np.nan), showscale=False,
                         xgap=1, ygap=1, colorscale=[[0, OUTSIDE], [1, OUTSIDE]],
                         xaxis="x", yaxis="y",
                         hovertemplate=_("past the padding: not counted")
                         + "<extra></extra>"))
    text = _input_text(trace, G, L)
    if text:
        colour = np.where(G.input, "#111111", "#6a6a6a").ravel().tolist()
        data.append(dict(type="scatter", x=cc.ravel().tolist(), y=rr.ravel().tolist(),
                         mode="text", text=text[0], textfont={"size": text[1], "color": colour},
                         hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y"))
    bx, by = box(G.top, G.left, G.top + G.H - 1, G.left + G.W - 1)
    data.append(dict(type="scatter", x=bx, y=by, mode="lines",
                     line={"color": "#444", "dash": "dash", "width": 2}, hoverinfo="skip",
                     showlegend=False, xaxis="x", yaxis="y"))
    Y = trace.Y.numpy().astype(np.float64)
    if known is not None:  # the quiz: the cells not asked yet are not sent at all
        Y = Y.copy().ravel()
        Y[known:] = np.nan
        Y = Y.reshape(trace.Y.shape)
    fitted = fit_labels(Y, L.cell, font_px=L.font, min_font_px=L.smallest)
    labels = {"text": fitted[0], "texttemplate": "%{text}",
              "textfont": {"size": fitted[1], "color": "#111111"}} if fitted else {}
    # Y on X's scale: a maximum or a mean of X's cells is coloured like the cell it came from.
    data.append(dict(type="heatmap", z=Y, showscale=False, xgap=1, ygap=1, **cell_colors(X),
                     **labels, hovertemplate="Y[%{y}, %{x}] = %{z:.4g}<extra></extra>",
                     xaxis="x2", yaxis="y2"))
    layout = dict(
        height=L.height, margin={**L.margin, "t": L.top, "b": L.bottom, "autoexpand": False},
        plot_bgcolor="rgba(0,0,0,0)", showlegend=False, dragmode=False,
    )
    tick = {"size": L.tick, "color": "#666"}
    annotations = []
    for n, ((x0, x1), (y0, y1), end, cols, rows, name) in enumerate(zip(
        L.x, L.y, L.ranges, (G.cols, L.Wo), (G.rows, L.Ho), _titles(channel, lang)), start=1,
    ):
        suffix = "" if n == 1 else str(n)
        shift = (G.left, G.top) if n == 1 else (0, 0)
        layout[f"xaxis{suffix}"] = {
            **AXIS, "domain": [x0, x1], "range": [-0.5, cols - 0.5], "side": "top",
            "tickvals": list(range(cols)), "ticktext": [str(c - shift[0]) for c in range(cols)],
            "tickfont": tick, "anchor": f"y{suffix}",
        }
        layout[f"yaxis{suffix}"] = {
            **AXIS, "domain": [y0, y1], "range": [end, -0.5], "tickvals": list(range(rows)),
            "ticktext": [str(r - shift[1]) for r in range(rows)], "tickfont": tick,
            "anchor": f"x{suffix}", "scaleanchor": f"x{suffix}", "constrain": "domain",
            "constraintoward": "top",
        }
        annotations.append(dict(
            text=f"<b>{name}</b>", x=x0 if L.stacked else (x0 + x1) / 2, y=y1, xref="paper",
            yref="paper", yanchor="bottom", yshift=L.title_shift, showarrow=False,
            font={"size": L.title_font}, xanchor="left" if L.stacked else "center",
        ))
    layout["annotations"] = annotations
    return data, layout


def _formula_lines(trace: PoolTrace, n: int, lang: str, *, steps: bool) -> list[str]:
    """Window n's arithmetic as lines: the step, Y[i, j] = max(…) or (… + …) / count, and
    for an average what the count counts."""
    t = i18n.texts(lang)
    w = trace.windows[n]
    lines = [i18n.fmt(t, "Step {n}/{total}", n=n + 1, total=len(trace.windows))] if steps else []
    body = textwrap.wrap(f"Y[{w.i}, {w.j}] = {w.formula()}", LINE_CHARS, break_long_words=False)
    body[0] = body[0].replace(f"Y[{w.i}, {w.j}]", f"<b>Y[{w.i}, {w.j}]</b>", 1)
    lines += body
    if trace.mode == "avg":
        pads, outs = w.kinds.count("padding"), w.kinds.count("outside")
        if not pads and not outs:
            note = i18n.N_("÷ {count}: every cell of the window")
        elif pads and trace.count_include_pad:
            note = i18n.N_("÷ {count}: the window's cells, padding included")
        else:
            note = i18n.N_("÷ {count}: the input cells only")
        lines.append(i18n.fmt(t, note, count=w.count))
    return lines


def _moving(trace: PoolTrace, G: _Grid, L: _Layout, n: int, *, cover: bool, formula: bool,
            full: bool = True, steps: bool = False, lang: str = i18n.DEFAULT) -> list[dict]:
    """The traces that change from window to window, for window n, in trace order: the
    window's tint and outline, the maximum's rings (max pooling), the cover over Y's cells
    not computed yet (and Y's grid lines, static, only when ``full``), the current cell of Y,
    the arithmetic. ``full``: every attribute; otherwise only what moves (a frame)."""
    w = trace.windows[n]
    (r0, c0), (r1, c1) = w.cells[0], w.cells[-1]
    kh, kw = trace.pool_size
    z = np.array([np.nan if kind == "outside" else 1.0 for kind in w.kinds]).reshape(kh, kw)
    tint = {"type": "heatmap", "x0": c0 + G.left, "y0": r0 + G.top, "z": z.tolist()}
    bx, by = box(r0 + G.top, c0 + G.left, r1 + G.top, c1 + G.left)
    outline = {"type": "scatter", "x": bx, "y": by}
    best = [w.cells[t] for t in w.argmax]
    rings = {"type": "scatter", "x": [c + G.left for _, c in best],
             "y": [r + G.top for r, _ in best]}
    cx, cy = cover_after(w.i, w.j, L.Ho, L.Wo)
    hide = {"type": "scatter", "x": cx, "y": cy}
    ox, oy = box(w.i, w.j, w.i, w.j)
    current = {"type": "scatter", "x": ox, "y": oy}
    text = {"type": "scatter", "text": "<br>".join(_formula_lines(trace, n, lang, steps=steps))}
    if full:
        skip = {"hoverinfo": "skip", "showlegend": False}
        tint.update(dx=1, dy=1, colorscale=[[0, TAP], [1, TAP]], opacity=0.4, showscale=False,
                    xaxis="x", yaxis="y", hoverinfo="skip")
        outline.update(mode="lines", line={"color": TAP, "width": L.outline}, xaxis="x",
                       yaxis="y", **skip)
        rings.update(mode="markers", xaxis="x", yaxis="y", **skip, marker={
            "symbol": "circle-open", "size": max(8, int(L.cell * 0.8)), "color": MAX_RING,
            "line": {"width": 5 if L.projector else 3 if L.cell >= 30 else 2}})
        hide.update(mode="lines", fill="toself", fillcolor="#ffffff", line={"width": 0},
                    xaxis="x2", yaxis="y2", **skip)
        current.update(mode="lines", line={"color": TAP, "width": L.outline + 1}, xaxis="x2",
                       yaxis="y2", **skip)
        text.update(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x3",
                    yaxis="y3", textfont={"size": L.formula_font}, **skip)
    out = [tint, outline] + ([rings] if trace.mode == "max" else [])
    if cover:
        out.append(hide)
        if full:
            gx, gy = grid_lines(L.Ho, L.Wo)
            out.append({"type": "scatter", "x": gx, "y": gy, "mode": "lines",
                        "line": {"color": "#cccccc", "width": 1}, "hoverinfo": "skip",
                        "showlegend": False, "xaxis": "x2", "yaxis": "y2"})
    out.append(current)
    return out + ([text] if formula else [])


def _formula_axes(layout: dict, L: _Layout) -> None:
    """A hidden panel under the grids where the arithmetic of the current window is written."""
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    layout["xaxis3"] = {**hidden, "domain": [0, 1], "anchor": "y3"}
    below = L.grid_y[0] * (L.formula_px - 28) / L.formula_px
    layout["yaxis3"] = {**hidden, "domain": [0, below], "anchor": "x3"}


def animation(trace: PoolTrace, *, channel: int | None = None, width: int | None = None,
              lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Every window of ``trace`` as a Plotly frame, with play/pause, speeds and a step slider.

    Frame n shows window n on X (its maximum ringed, or its sum ÷ count written) and Y with
    cells 0..n filled (row-major), cell n outlined. ``channel``: the channel's number in the
    panels' titles (None: one channel). ``width``: pixels of the column (None: the wide
    layout's); under NARROW the panels stack. ``lang``: the language of the titles,
    arithmetic notes and buttons. ``projector``: the projector view's sizes.
    """
    G = _Grid(trace)
    lines = max(len(_formula_lines(trace, n, lang, steps=True))
                for n in range(len(trace.windows)))
    L = _Layout(trace, G, formula_lines=lines, controls=True, width=width, projector=projector)
    data, layout = _base(trace, G, L, channel=channel, lang=lang)
    _formula_axes(layout, L)
    shown = _moving(trace, G, L, 0, cover=True, formula=True, steps=True, lang=lang)
    first = len(data)
    moving = [first + t for t, m in enumerate(shown)
              if m.get("line", {}).get("color") != "#cccccc"]
    frames = [{"name": str(n), "traces": moving,
               "data": _moving(trace, G, L, n, cover=True, formula=True, full=False,
                               steps=True, lang=lang)}
              for n in range(len(trace.windows))]
    controls = play_controls(len(frames), 0, small=L.stacked, lang=lang)
    return PlainFigure(data + shown, {**layout, **controls}, frames)


def still(trace: PoolTrace, *, channel: int | None = None, width: int | None = None,
          lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """X (its padding drawn) and the whole Y, no window: one channel's input and output."""
    G = _Grid(trace)
    L = _Layout(trace, G, formula_lines=0, controls=False, width=width, projector=projector)
    data, layout = _base(trace, G, L, channel=channel, lang=lang)
    return PlainFigure(data, layout)


def quiz_view(trace: PoolTrace, n: int, *, channel: int | None = None, width: int | None = None,
              lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Predict, then reveal: window n on X (its maximum not ringed), Y's cells before n
    shown, cell n outlined and empty, the later ones left out of the figure (not only
    covered), and no arithmetic: nothing in it gives the answer away."""
    G = _Grid(trace)
    L = _Layout(trace, G, formula_lines=0, controls=False, width=width, projector=projector)
    data, layout = _base(trace, G, L, channel=channel, lang=lang, known=n)
    moving = _moving(trace, G, L, n, cover=False, formula=False, lang=lang)
    rings = [m for m in moving if m.get("marker", {}).get("color") == MAX_RING]
    gx, gy = grid_lines(L.Ho, L.Wo)  # Y's shape stays visible: the cells still to ask
    grid = {"type": "scatter", "x": gx, "y": gy, "mode": "lines", "hoverinfo": "skip",
            "line": {"color": "#cccccc", "width": 1}, "showlegend": False, "xaxis": "x2",
            "yaxis": "y2"}
    return PlainFigure(data + [grid] + [m for m in moving if m not in rings], layout)
