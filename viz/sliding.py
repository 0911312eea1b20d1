"""The sliding window as one Plotly figure: padded input, kernel and output side by side.

``animation`` plays every window as a Plotly frame in the browser (no server round trip);
``snapshot`` draws one window, for the cell picker. Each frame only restyles the few
traces that move (window tint and outline, weight labels, the cover over not-yet-computed
output cells, the current cell, the formula), so a 16×16 input stays well under 1 MB.
"""

from __future__ import annotations

import numpy as np

import i18n
from core.windows import WindowTrace, num
from viz.figure import PlainFigure
from viz.grid import (
    NARROW,
    PROJECTOR_CELL_PX,
    PROJECTOR_FONT_PX,
    PROJECTOR_TICK_PX,
    PROJECTOR_TITLE_PX,
    fit_labels,
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


class _Layout:
    """Where each panel goes, in pixels and paper fractions: square cells, X, K and Y side by
    side (wide), or stacked one above the other when ``width`` < NARROW (a phone).
    ``projector``: the projector view's sizes (viz.grid.PROJECTOR_FONT_PX and the rest)."""

    def __init__(self, trace: WindowTrace, *, formula_lines: int, controls: bool,
                 width: int | None = None, projector: bool = False) -> None:
        self.Hp, self.Wp = trace.X_padded.shape
        self.kh, self.kw = trace.K.shape
        self.Ho, self.Wo = trace.Y.shape
        self.R = max(self.Hp, self.kh, self.Ho)
        self.stacked = width is not None and width < NARROW
        self.projector = projector
        self.width = width or (PROJECTOR_WIDTH if projector else WIDTH)
        self.margin = {"l": 28, "r": 8} if self.stacked else {"l": 40, "r": 40}
        plot_w = self.width - self.margin["l"] - self.margin["r"]
        rows, cols = (self.Hp, self.kh, self.Ho), (self.Wp, self.kw, self.Wo)
        if self.stacked:
            self.cell = int(min(64, plot_w / max(cols)))
        else:
            units = self.Wp + self.kw + self.Wo + 2 * GAP
            cap = PROJECTOR_WIDTH if projector else WIDTH
            self.cell = int(min(PROJECTOR_CELL_PX if projector else 96,
                                max(18, min(self.width, cap) / units)))
        self.font = int(min(28, max(10, self.cell * 0.4)))
        self.tick = max(10, min(self.font - 6, 14))
        smallest = 10
        if projector:  # numbers of PROJECTOR_FONT_PX or none; row/column numbers larger too
            self.font, self.tick = max(PROJECTOR_FONT_PX, int(self.cell * 0.4)), PROJECTOR_TICK_PX
            smallest = PROJECTOR_FONT_PX
        self.outline = PROJECTOR_OUTLINE_PX if projector else OUTLINE_PX
        # A panel's title sits title_shift px above its grid, clear of the column numbers.
        self.title_shift = int(1.4 * self.tick) + 14
        head = self.title_shift + 34
        # Formula lines: one per kernel row (plus the step line), smaller type for wider
        # kernels, and never wider than the chart.
        longest = max((len(line) for w in trace.windows
                       for line in w.formula(per_row=self.kw).split("\n")), default=1) + 6
        font = 24 if self.kw <= 3 else 20 if self.kw <= 5 else 16
        self.formula_font = int(max(10, min(font, plot_w / (0.6 * longest))))
        if projector:
            self.formula_font = int(max(self.formula_font,
                                        min(PROJECTOR_FONT_PX + 4, plot_w / (0.6 * longest))))
        # 28 px of air between the grids and the formula.
        self.formula_px = int(formula_lines * self.formula_font * 1.45) + (
            28 if formula_lines else 0)
        self.bottom = 150 if controls else 10
        self.top = head + 10
        bodies = [r * self.cell for r in rows]
        if self.stacked:
            grid_px = sum(bodies) + 2 * head
        else:
            grid_px = self.R * self.cell
        inner = grid_px + self.formula_px
        self.height = inner + self.top + self.bottom
        self.grid_y = (self.formula_px / inner, 1.0)
        if self.stacked:
            self.y, self.x = stacked_domains(bodies, cols, head=head, inner=inner,
                                             cell=self.cell, plot_w=plot_w)
            self.ranges = [r - 0.5 for r in rows]
        else:
            starts = np.cumsum([0, self.Wp + GAP, self.kw + GAP]) / units
            widths = np.array(cols) / units
            self.x = [(float(s), float(min(1.0, s + w))) for s, w in zip(starts, widths)]
            self.y = [self.grid_y] * 3
            self.ranges = [self.R - 0.5] * 3
        # The numbers in X, K and Y, fitted to the cells (None: too small, colour only).
        self.labels = [fit_labels(A, self.cell, font_px=self.font, min_font_px=smallest)
                       for A in (trace.X_padded.numpy(), trace.K.numpy(), trace.Y.numpy())]
        # The weights written in the window's corners: in a corner about half a cell wide.
        size = max(9, int(self.font * 0.55))
        corner = fit_labels(np.asarray(trace.K.numpy()).reshape(1, -1),
                            self.cell * 0.55 - 0.6 * size, font_px=size, min_font_px=8)
        self.weights = corner if self.cell >= 40 else None


def _base(trace: WindowTrace, L: _Layout, *, title: str, lang: str
          ) -> tuple[list[dict], dict]:
    """Static traces and the layout with three square-celled panels.

    Traces: X's colours, the padding's grey, X's numbers (while they fit their cells), the
    dashed edge of X, K, Y; the numbers come from viz.grid.fit_labels, sized for the cell.
    """
    Xp = trace.X_padded.numpy().astype(np.float64)
    pad = np.array([[trace.is_padding(r, c) for c in range(L.Wp)] for r in range(L.Hp)])
    top, left = trace.offset
    real = np.where(pad, np.nan, Xp)
    H, W = trace.input_shape
    rr, cc = np.mgrid[0:L.Hp, 0:L.Wp]
    hover = "X[%{customdata[0]}, %{customdata[1]}] = %{z:.4g}<extra></extra>"
    custom = np.stack([rr - top, cc - left], axis=-1)
    data = [
        dict(type="heatmap", z=real, customdata=custom, hovertemplate=hover, showscale=False,
             xgap=1, ygap=1, **cell_colors(real), xaxis="x", yaxis="y"),
        dict(type="heatmap", z=np.where(pad, 0.0, np.nan), colorscale=[[0, PAD], [1, PAD]],
             showscale=False, xgap=1, ygap=1, hoverinfo="skip", xaxis="x", yaxis="y"),
    ]
    x_labels, k_labels, y_labels = L.labels
    if x_labels:
        text_color = np.where(pad, "#7a7a7a", "#111111").ravel().tolist()
        data.append(dict(type="scatter",
            x=cc.ravel().tolist(), y=rr.ravel().tolist(), mode="text",
            text=[t for row in x_labels[0] for t in row],
            textfont={"size": x_labels[1], "color": text_color},
            hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y",
        ))
    bx, by = box(top, left, top + H - 1, left + W - 1)
    data.append(dict(type="scatter", x=bx, y=by, mode="lines",
                     line={"color": "#444", "dash": "dash", "width": 2},
                     hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y"))
    for A, fitted, name, axis in ((trace.K, k_labels, "K", "2"), (trace.Y, y_labels, "Y", "3")):
        A = A.numpy().astype(np.float64)
        text = {"text": fitted[0], "texttemplate": "%{text}",
                "textfont": {"size": fitted[1], "color": "#111111"}} if fitted else {}
        data.append(dict(type="heatmap",
            z=A, showscale=False, xgap=1, ygap=1, **cell_colors(A), **text,
            hovertemplate=f"{name}[%{{y}}, %{{x}}] = %{{z:.4g}}<extra></extra>",
            xaxis=f"x{axis}", yaxis=f"y{axis}",
        ))
    layout = dict(
        height=L.height, margin={**L.margin, "t": L.top, "b": L.bottom, "autoexpand": False},
        plot_bgcolor="rgba(0,0,0,0)", showlegend=False, dragmode=False,
        title={"text": title, "x": 0.01, "y": 0.995, "yanchor": "top", "yref": "container",
               "font": {"size": 18}} if title else None,
    )
    # Short titles: the kernel panel can be a single cell wide. No colour of their own:
    # the theme's text colour (dark on a light page, light on a dark one).
    _ = i18n.texts(lang).gettext
    titles = (_("input X"), _("flipped K") if trace.flipped else _("kernel K"), _("output Y"))
    tick = {"size": L.tick, "color": "#666"}
    annotations = []
    for n, ((x0, x1), (y0, y1), end, cols, rows, name) in enumerate(zip(
        L.x, L.y, L.ranges, (L.Wp, L.kw, L.Wo), (L.Hp, L.kh, L.Ho), titles), start=1,
    ):
        suffix = "" if n == 1 else str(n)
        labels_x = [str(c - left) for c in range(cols)] if n == 1 else [str(c) for c in range(cols)]
        labels_y = [str(r - top) for r in range(rows)] if n == 1 else [str(r) for r in range(rows)]
        layout[f"xaxis{suffix}"] = {
            **AXIS, "domain": [x0, x1], "range": [-0.5, cols - 0.5], "side": "top",
            "tickvals": list(range(cols)), "ticktext": labels_x, "tickfont": tick,
            "anchor": f"y{suffix}",
        }
        layout[f"yaxis{suffix}"] = {
            **AXIS, "domain": [y0, y1], "range": [end, -0.5], "tickvals": list(range(rows)),
            "ticktext": labels_y, "tickfont": tick, "anchor": f"x{suffix}",
            "scaleanchor": f"x{suffix}", "constrain": "domain", "constraintoward": "top",
        }
        annotations.append(dict(
            text=f"<b>{name}</b>", x=(x0 + x1) / 2, y=y1, xref="paper", yref="paper",
            yanchor="bottom", yshift=L.title_shift, showarrow=False,
            font={"size": PROJECTOR_TITLE_PX if L.projector else 20},
            xanchor="left" if L.stacked else "center",
        ) | ({"x": x0} if L.stacked else {}))
    layout["annotations"] = annotations
    return data, layout


def _moving(trace: WindowTrace, n: int, L: _Layout, *, cover: bool, labels: bool,
            formula: bool, full: bool = True, steps: bool = False,
            lang: str = i18n.DEFAULT, hide_current: bool = False) -> list[dict]:
    """The traces that change from window to window, for window n, in trace order.

    ``steps``: the formula starts with "Step n/N" (the animation's slider has no labels).
    ``full``: every attribute (for the figure's own data); otherwise only what moves
    (for a frame: the rest stays as the figure drew it). The static output grid lines
    sit between the cover and the current cell; they are left out when not ``full``.
    """
    w = trace.windows[n]
    r0, c0 = w.taps[0]
    bx, by = box(r0, c0, w.taps[-1][0], w.taps[-1][1])
    ox, oy = box(w.i, w.j, w.i, w.j)
    tint = {"type": "heatmap", "x0": c0, "y0": r0}
    outline = {"type": "scatter", "x": bx, "y": by}
    label = {"type": "scatter", "x": [c + 0.46 for _, c in w.taps],
             "y": [r + 0.46 for r, _ in w.taps]}
    current = {"type": "scatter", "x": ox, "y": oy}
    lines = w.formula(per_row=L.kw).split("\n")
    step = i18n.fmt(i18n.texts(lang), "Step {n}/{total}", n=n + 1,
                    total=len(trace.windows)) + "<br>" if steps else ""
    text = {"type": "scatter", "text": step + f"<b>Y[{w.i}, {w.j}]</b> = " + "<br>".join(lines)}
    cx, cy = cover_after(w.i, w.j, L.Ho, L.Wo, inclusive=hide_current)
    hide = {"type": "scatter", "x": cx, "y": cy}
    if full:
        (dh, dw), skip = trace.dilation, {"hoverinfo": "skip", "showlegend": False}
        z = np.full(((L.kh - 1) * dh + 1, (L.kw - 1) * dw + 1), np.nan)
        z[::dh, ::dw] = 1.0  # the taps; the dilation gaps between them stay untinted
        tint.update(z=z.tolist(), dx=1, dy=1, colorscale=[[0, TAP], [1, TAP]], opacity=0.45,
                    showscale=False, xaxis="x", yaxis="y", hoverinfo="skip")
        outline.update(mode="lines", line={"color": TAP, "width": L.outline}, xaxis="x", yaxis="y",
                       **skip)
        (corner,), size = L.weights if L.weights else ([[num(k) for k in w.weights]], 9)
        label.update(mode="text", textposition="top left", xaxis="x", yaxis="y", **skip,
                     text=[f"×{t}" for t in corner],
                     textfont={"size": size, "color": "#b35900"})
        current.update(mode="lines", line={"color": TAP, "width": L.outline + 1}, xaxis="x3",
                       yaxis="y3",
                       **skip)
        text.update(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x4",
                    yaxis="y4", textfont={"size": L.formula_font},
                    **skip)
        hide.update(mode="lines", fill="toself", fillcolor="#ffffff", line={"width": 0},
                    xaxis="x3", yaxis="y3", **skip)
    out = [tint, outline] + ([label] if labels else [])
    if cover:  # later output cells stay hidden until their window comes
        out.append(hide)
        if full:
            gx, gy = grid_lines(L.Ho, L.Wo)
            out.append({"type": "scatter", "x": gx, "y": gy, "mode": "lines",
                        "line": {"color": "#cccccc", "width": 1}, "hoverinfo": "skip",
                        "showlegend": False, "xaxis": "x3", "yaxis": "y3"})
    out.append(current)
    return out + ([text] if formula else [])


def _formula_axes(layout: dict, L: _Layout) -> None:
    """A hidden panel under the grids where the arithmetic of the current window is written."""
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    layout["xaxis4"] = {**hidden, "domain": [0, 1], "anchor": "y4"}
    below = L.grid_y[0] * (L.formula_px - 28) / L.formula_px  # leave the air above free
    layout["yaxis4"] = {**hidden, "domain": [0, below], "anchor": "x4"}


def animation(trace: WindowTrace, *, start: int = 0, width: int | None = None,
              lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Every window of ``trace`` as a Plotly frame, with play/pause, speeds and a step slider.

    Frame n shows window n on the padded input, the products and their sum, and the
    output with cells 0..n filled (row-major) and cell n outlined. ``width``: pixels of
    the column it is drawn in (None: the wide layout's); under NARROW the panels stack.
    ``lang``: the language of its titles, step line and buttons. ``projector``: the
    projector view's sizes (larger numbers and thicker outlines).
    """
    L = _Layout(trace, formula_lines=int(trace.K.shape[0]) + 1, controls=True, width=width,
                projector=projector)
    labels = L.weights is not None
    data, layout = _base(trace, L, title="", lang=lang)
    _formula_axes(layout, L)
    start = min(max(start, 0), len(trace.windows) - 1)
    shown = _moving(trace, start, L, cover=True, labels=labels, formula=True, steps=True,
                    lang=lang)
    # Every moving trace except the static grid lines (the one with a grey line).
    first = len(data)
    animated = [first + t for t, m in enumerate(shown)
                if m.get("line", {}).get("color") != "#cccccc"]
    frames = [
        {"name": str(n), "traces": animated,
         "data": _moving(trace, n, L, cover=True, labels=labels, formula=True, full=False,
                         steps=True, lang=lang)}
        for n in range(len(trace.windows))
    ]
    # Plain dicts (viz.figure): Plotly validated every trace of every rebuild.
    controls = play_controls(len(frames), start, small=L.stacked, lang=lang)
    return PlainFigure(data + shown, {**layout, **controls}, frames)


def quiz_view(trace: WindowTrace, n: int, *, width: int | None = None,
              lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Predict, then reveal: window n on the input, the output cells before it shown, cell n
    and every later one hidden (the page asks for cell n). No arithmetic written, and no
    hover on the output: the page draws it as a static plot, so nothing gives the answer."""
    L = _Layout(trace, formula_lines=0, controls=False, width=width, projector=projector)
    data, layout = _base(trace, L, title="", lang=lang)
    moving = _moving(trace, n, L, cover=True, labels=L.weights is not None, formula=False,
                     lang=lang, hide_current=True)
    return PlainFigure(data + moving, layout)


def snapshot(trace: WindowTrace, n: int, *, title: str = "", width: int | None = None,
             lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Window n alone, every output cell shown: the picked cell and its receptive field."""
    L = _Layout(trace, formula_lines=0, controls=False, width=width, projector=projector)
    data, layout = _base(trace, L, title=title, lang=lang)
    moving = _moving(trace, n, L, cover=False, labels=L.weights is not None, formula=False)
    return PlainFigure(data + moving, layout)
