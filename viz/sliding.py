"""The sliding window as one Plotly figure: padded input, kernel and output side by side.

``animation`` plays every window as a Plotly frame in the browser (no server round trip);
``snapshot`` draws one window, for the cell picker. Each frame only restyles the few
traces that move (window tint and outline, weight labels, the cover over not-yet-computed
output cells, the current cell, the formula), so a 16×16 input stays well under 1 MB.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.windows import WindowTrace, num
from viz import colours

TAP = "#009e73"  # the window: bluish green (Okabe–Ito), a hue neither sign of a cell has
PAD = "#d9d9d9"  # padding cells: grey, their numbers grey too
#: Cells use the app's one colour scale (viz.colours: white 0, red +, blue −), its inner
#: part only, |value| ≤ max up to LIGHT of the way out, so the dark numbers this figure
#: writes in every cell stay readable (luminance ≥ 0.47: contrast ≥ 4.9 for #444 text).
LIGHT = 0.5
#: Play speeds: label and milliseconds per step.
SPEEDS = (("▶ Slow", 1500), ("▶ Play", 700), ("▶▶ Fast", 200))
#: Width in pixels the layout assumes for the chart (the wide layout's main column on a
#: laptop; wider screens keep these cell sizes, narrower ones shrink them).
WIDTH = 880
GAP = 1.4  # cells between panels


def _colors(A: np.ndarray) -> dict:
    """Colour scale and range for a grid: viz.colours' scale, ±max|A| / LIGHT (light cells)."""
    return colours.scale(colours.top(A) / LIGHT)


def _box(r0: float, c0: float, r1: float, c1: float) -> tuple[list[float], list[float]]:
    """Closed outline of cells r0..r1 × c0..c1 (inclusive): x list, y list."""
    x0, x1, y0, y1 = c0 - 0.5, c1 + 0.5, r0 - 0.5, r1 + 0.5
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def _cover(i: int, j: int, rows: int, cols: int) -> tuple[list[float], list[float]]:
    """Polygon over the output cells after (i, j) in row-major order (not computed yet)."""
    x = [j + 0.5, cols - 0.5, cols - 0.5, -0.5, -0.5, j + 0.5, j + 0.5]
    y = [i - 0.5, i - 0.5, rows - 0.5, rows - 0.5, i + 0.5, i + 0.5, i - 0.5]
    return x, y


def _grid_lines(rows: int, cols: int) -> tuple[list, list]:
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


class _Layout:
    """Where each panel goes: axis domains proportional to column counts, square cells."""

    def __init__(self, trace: WindowTrace, *, formula_lines: int, controls: bool) -> None:
        self.Hp, self.Wp = trace.X_padded.shape
        self.kh, self.kw = trace.K.shape
        self.Ho, self.Wo = trace.Y.shape
        self.R = max(self.Hp, self.kh, self.Ho)
        units = self.Wp + self.kw + self.Wo + 2 * GAP
        self.cell = int(min(96, max(18, WIDTH / units)))
        self.font = int(min(28, max(10, self.cell * 0.4)))
        grid_px = self.R * self.cell
        # Formula lines: one per kernel row, smaller type for wider kernels.
        self.formula_font = 24 if self.kw <= 3 else 20 if self.kw <= 5 else 16
        # 28 px of air between the grids and the formula.
        self.formula_px = int(formula_lines * self.formula_font * 1.45) + (
            28 if formula_lines else 0)
        self.bottom = 150 if controls else 10
        self.tick = max(10, self.font - 6)
        self.top = 80 + self.tick  # panel titles above the column numbers
        self.height = grid_px + self.formula_px + self.top + self.bottom
        inner = grid_px + self.formula_px
        self.grid_y = (self.formula_px / inner, 1.0)
        starts = np.cumsum([0, self.Wp + GAP, self.kw + GAP]) / units
        widths = np.array([self.Wp, self.kw, self.Wo]) / units
        self.x = [(float(s), float(min(1.0, s + w))) for s, w in zip(starts, widths)]


def _base(trace: WindowTrace, L: _Layout, *, title: str) -> tuple[list, go.Layout]:
    """Static traces (indices 0–5) and the layout with three square-celled panels."""
    Xp = trace.X_padded.numpy().astype(np.float64)
    pad = np.array([[trace.is_padding(r, c) for c in range(L.Wp)] for r in range(L.Hp)])
    top, left = trace.offset
    real = np.where(pad, np.nan, Xp)
    H, W = trace.input_shape
    rr, cc = np.mgrid[0:L.Hp, 0:L.Wp]
    hover = "X[%{customdata[0]}, %{customdata[1]}] = %{z:.4g}<extra></extra>"
    custom = np.stack([rr - top, cc - left], axis=-1)
    data = [
        go.Heatmap(z=real, customdata=custom, hovertemplate=hover, showscale=False,
                   xgap=1, ygap=1, **_colors(real), xaxis="x", yaxis="y"),
        go.Heatmap(z=np.where(pad, 0.0, np.nan), colorscale=[[0, PAD], [1, PAD]], showscale=False,
                   xgap=1, ygap=1, hoverinfo="skip", xaxis="x", yaxis="y"),
    ]
    text_color = np.where(pad, "#7a7a7a", "#111111").ravel().tolist()
    data.append(go.Scatter(
        x=cc.ravel().tolist(), y=rr.ravel().tolist(), mode="text",
        text=[num(v) for v in Xp.ravel()], textfont={"size": L.font, "color": text_color},
        hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y",
    ))
    bx, by = _box(top, left, top + H - 1, left + W - 1)
    data.append(go.Scatter(x=bx, y=by, mode="lines", line={"color": "#444", "dash": "dash",
                                                             "width": 2},
                           hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y"))
    K = trace.K.numpy().astype(np.float64)
    data.append(go.Heatmap(
        z=K, text=[[num(v) for v in row] for row in K], texttemplate="%{text}",
        textfont={"size": L.font}, showscale=False, xgap=1, ygap=1, **_colors(K),
        hovertemplate="K[%{y}, %{x}] = %{z:.4g}<extra></extra>", xaxis="x2", yaxis="y2",
    ))
    Y = trace.Y.numpy().astype(np.float64)
    data.append(go.Heatmap(
        z=Y, text=[[num(v) for v in row] for row in Y], texttemplate="%{text}",
        textfont={"size": L.font}, showscale=False, xgap=1, ygap=1, **_colors(Y),
        hovertemplate="Y[%{y}, %{x}] = %{z:.4g}<extra></extra>", xaxis="x3", yaxis="y3",
    ))
    layout = go.Layout(
        height=L.height, margin={"l": 40, "r": 40, "t": L.top, "b": L.bottom},
        plot_bgcolor="rgba(0,0,0,0)", showlegend=False, dragmode=False,
        title={"text": title, "x": 0.01, "y": 0.995, "yanchor": "top", "yref": "container",
               "font": {"size": 18}} if title else None,
    )
    # Short titles: the kernel panel can be a single cell wide.
    titles = ("X 输入", "flip(K) 翻转核" if trace.flipped else "K 核", "Y 输出")
    tick = {"size": L.tick, "color": "#666"}
    for n, ((x0, x1), cols, rows, name) in enumerate(zip(
        L.x, (L.Wp, L.kw, L.Wo), (L.Hp, L.kh, L.Ho), titles), start=1,
    ):
        suffix = "" if n == 1 else str(n)
        labels_x = [str(c - left) for c in range(cols)] if n == 1 else [str(c) for c in range(cols)]
        labels_y = [str(r - top) for r in range(rows)] if n == 1 else [str(r) for r in range(rows)]
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x1], "range": [-0.5, cols - 0.5], "side": "top", "showgrid": False,
            "zeroline": False, "tickvals": list(range(cols)), "ticktext": labels_x,
            "tickfont": tick, "fixedrange": True, "anchor": f"y{suffix}",
        }
        layout[f"yaxis{suffix}"] = {
            "domain": list(L.grid_y), "range": [L.R - 0.5, -0.5], "showgrid": False,
            "zeroline": False, "tickvals": list(range(rows)), "ticktext": labels_y,
            "tickfont": tick, "fixedrange": True, "anchor": f"x{suffix}",
            "scaleanchor": f"x{suffix}", "constrain": "domain", "constraintoward": "top",
        }
        layout.annotations += (go.layout.Annotation(
            text=f"<b>{name}</b>", x=(x0 + x1) / 2, y=1, xref="paper", yref="paper",
            yanchor="bottom", yshift=L.tick + 26, showarrow=False,
            font={"size": 20, "color": "#222"},
        ),)
    return data, layout


def _moving(trace: WindowTrace, n: int, L: _Layout, *, cover: bool, labels: bool,
            formula: bool, full: bool = True) -> list[dict]:
    """The traces that change from window to window, for window n, in trace order.

    ``full``: every attribute (for the figure's own data); otherwise only what moves
    (for a frame: the rest stays as the figure drew it). The static output grid lines
    sit between the cover and the current cell; they are left out when not ``full``.
    """
    w = trace.windows[n]
    r0, c0 = w.taps[0]
    bx, by = _box(r0, c0, w.taps[-1][0], w.taps[-1][1])
    ox, oy = _box(w.i, w.j, w.i, w.j)
    tint = {"type": "heatmap", "x0": c0, "y0": r0}
    outline = {"type": "scatter", "x": bx, "y": by}
    label = {"type": "scatter", "x": [c + 0.46 for _, c in w.taps],
             "y": [r + 0.46 for r, _ in w.taps]}
    current = {"type": "scatter", "x": ox, "y": oy}
    lines = w.formula(per_row=L.kw).split("\n")
    text = {"type": "scatter", "text": f"<b>Y[{w.i}, {w.j}]</b> = " + "<br>".join(lines)}
    cx, cy = _cover(w.i, w.j, L.Ho, L.Wo)
    hide = {"type": "scatter", "x": cx, "y": cy}
    if full:
        (dh, dw), skip = trace.dilation, {"hoverinfo": "skip", "showlegend": False}
        z = np.full(((L.kh - 1) * dh + 1, (L.kw - 1) * dw + 1), np.nan)
        z[::dh, ::dw] = 1.0  # the taps; the dilation gaps between them stay untinted
        tint.update(z=z.tolist(), dx=1, dy=1, colorscale=[[0, TAP], [1, TAP]], opacity=0.45,
                    showscale=False, xaxis="x", yaxis="y", hoverinfo="skip")
        outline.update(mode="lines", line={"color": TAP, "width": 4}, xaxis="x", yaxis="y",
                       **skip)
        label.update(mode="text", textposition="top left", xaxis="x", yaxis="y", **skip,
                     text=[f"×{num(k)}" for k in w.weights],
                     textfont={"size": max(9, int(L.font * 0.55)), "color": "#b35900"})
        current.update(mode="lines", line={"color": TAP, "width": 5}, xaxis="x3", yaxis="y3",
                       **skip)
        text.update(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x4",
                    yaxis="y4", textfont={"size": L.formula_font, "color": "#111"},
                    **skip)
        hide.update(mode="lines", fill="toself", fillcolor="#ffffff", line={"width": 0},
                    xaxis="x3", yaxis="y3", **skip)
    out = [tint, outline] + ([label] if labels else [])
    if cover:  # later output cells stay hidden until their window comes
        out.append(hide)
        if full:
            gx, gy = _grid_lines(L.Ho, L.Wo)
            out.append({"type": "scatter", "x": gx, "y": gy, "mode": "lines",
                        "line": {"color": "#cccccc", "width": 1}, "hoverinfo": "skip",
                        "showlegend": False, "xaxis": "x3", "yaxis": "y3"})
    out.append(current)
    return out + ([text] if formula else [])


def _formula_axes(layout: go.Layout, L: _Layout) -> None:
    """A hidden panel under the grids where the arithmetic of the current window is written."""
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    layout["xaxis4"] = {**hidden, "domain": [0, 1], "anchor": "y4"}
    below = L.grid_y[0] * (L.formula_px - 28) / L.formula_px  # leave the air above free
    layout["yaxis4"] = {**hidden, "domain": [0, below], "anchor": "x4"}


class FramedFigure(go.Figure):
    """A ``go.Figure`` whose animation frames are kept as plain dicts.

    Plotly validates every frame trace by trace (about 1 ms a frame, the bulk of a
    rerun at 16×16); ours are built here from numbers, and tests validate them once
    with ``go.Figure(fig.to_dict())``. ``to_dict`` (what Streamlit sends) adds them back.
    """

    def __init__(self, *args, raw_frames: list[dict] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._raw_frames = raw_frames or []  # plotly only allows new "_" attributes

    @property
    def raw_frames(self) -> list[dict]:
        return self._raw_frames

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["frames"] = self._raw_frames  # shared, not copied: nobody writes to them
        return d

    def __reduce__(self):
        return _framed, (super().to_dict(), self._raw_frames)


def _framed(props: dict, raw_frames: list[dict]) -> FramedFigure:
    return FramedFigure(props, raw_frames=raw_frames)


def animation(trace: WindowTrace, *, start: int = 0) -> FramedFigure:
    """Every window of ``trace`` as a Plotly frame, with play/pause, speeds and a step slider.

    Frame n shows window n on the padded input, the products and their sum, and the
    output with cells 0..n filled (row-major) and cell n outlined.
    """
    L = _Layout(trace, formula_lines=int(trace.K.shape[0]), controls=True)
    labels = L.cell >= 40
    data, layout = _base(trace, L, title="")
    _formula_axes(layout, L)
    start = min(max(start, 0), len(trace.windows) - 1)
    shown = _moving(trace, start, L, cover=True, labels=labels, formula=True)
    # Every moving trace except the static grid lines (the one with a grey line).
    first = len(data)
    animated = [first + t for t, m in enumerate(shown)
                if m.get("line", {}).get("color") != "#cccccc"]
    frames = [
        {"name": str(n), "traces": animated,
         "data": _moving(trace, n, L, cover=True, labels=labels, formula=True, full=False)}
        for n in range(len(trace.windows))
    ]
    fig = FramedFigure(data=data + shown, layout=layout, raw_frames=frames)
    n_steps, many = len(frames), len(frames) > 20
    now = {"mode": "immediate", "transition": {"duration": 0}}
    buttons = [dict(label="■ Pause", method="animate",
                    args=[[None], {**now, "frame": {"duration": 0, "redraw": False}}])]
    buttons += [dict(label=label, method="animate",
                     args=[None, {**now, "fromcurrent": True,
                                  "frame": {"duration": ms, "redraw": True}}])
                for label, ms in SPEEDS]
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, x=0, y=0,
                          xanchor="left", yanchor="top", pad={"t": 12, "r": 6},
                          showactive=False, font={"size": 16})],
        sliders=[dict(
            active=start, x=0, y=0, len=1, xanchor="left", yanchor="top", pad={"t": 64},
            currentvalue={"prefix": "Step ", "font": {"size": 16, "color": "#222"}},
            # With many steps the tick labels would overlap: only the current one is shown.
            font={"size": 12, "color": "rgba(0,0,0,0)" if many else "#444"},
            ticklen=0 if many else 6, minorticklen=0 if many else 3,
            steps=[dict(method="animate", label=f"{n + 1}/{n_steps} · Y[{w.i},{w.j}]",
                        args=[[str(n)], {**now, "frame": {"duration": 0, "redraw": True}}])
                   for n, w in enumerate(trace.windows)],
        )],
    )
    return fig


def snapshot(trace: WindowTrace, n: int, *, title: str = "") -> go.Figure:
    """Window n alone, every output cell shown: the picked cell and its receptive field."""
    L = _Layout(trace, formula_lines=0, controls=False)
    data, layout = _base(trace, L, title=title)
    moving = _moving(trace, n, L, cover=False, labels=L.cell >= 40, formula=False)
    return go.Figure(data=data + moving, layout=layout)
