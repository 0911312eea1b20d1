"""Figures for the kernel-learning page: the loss curve and grids on a shared colour scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from viz import colours
from viz.grid import MAX_NUMBERED, NARROW_PX, cell_text, fit_labels, heatmap
from viz.grid import picture as grid_picture

LOSS = "#1f77b4"
OPTIMUM = "#2ca02c"
DIVERGED = "#d62728"
#: Below this fraction of the largest loss, the least-squares optimum counts as 0 on a log axis.
EXACT = 1e-9
#: Entries this small relative to a grid's largest are shown as 0 (round-off, not signal).
TINY = 1e-6


def grid(Z: Any, *, title: str = "", zmax: float | None = None, width: int | None = None,
         height: int | None = None) -> go.Figure:
    """A (rows, cols) grid: numbered heatmap when small, plain heatmap up to 64 a side.

    zmax: shared colour limit, so Ŷ and Y (or learned and true K) compare by colour;
    width: pixels of the column it is drawn in (viz.grid.column_widths). The colour bar
    under it states the scale.
    """
    A = np.asarray(Z.detach().cpu() if hasattr(Z, "detach") else Z, dtype=np.float64)
    finite = A[np.isfinite(A)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    # lstsq leaves ~1e-9 where the answer is 0: show 0, not "-4.93e-09"
    A = np.where(np.abs(A) <= TINY * top, 0.0, A)
    return heatmap(A, title=title, zmax=zmax, width=width, height=height, colorbar=True)


def picture(Z: Any, *, title: str = "", width: int | None = None) -> go.Figure:
    """The input X: numbered heatmap when small, one PNG when large (fast to send)."""
    rows, cols = np.shape(Z)
    if max(rows, cols) <= MAX_NUMBERED:
        return heatmap(Z, title=title, width=width, colorbar=True)
    return grid_picture(Z, title=title, width=width, colorbar=True)


def loss_curve(
    losses: Sequence[float], *, total: int, optimum: float | None = None, log: bool = True,
    diverged: bool = False, height: int = 330,
) -> go.Figure:
    """Loss at steps 1‥len(losses) on an x axis fixed to 1‥total, so the curve grows as it runs.

    Non-finite losses (and ≤ 0 on a log axis) are left out, never drawn as data. optimum:
    the least-squares loss, a dashed line (a note instead when it is ≈ 0 on a log axis).
    diverged: the last step is marked with a red ✕. The title says when an exact fit exists.
    """
    y = np.asarray(losses, dtype=np.float64)
    x = np.arange(1, len(y) + 1)
    ok = np.isfinite(y) & ((y > 0) if log else True)
    fig = go.Figure(go.Scatter(
        x=x[ok], y=y[ok], mode="lines+markers" if total <= 60 else "lines", name="loss",
        line={"color": LOSS, "width": 2}, marker={"size": 6},
        hovertemplate="step %{x}: loss %{y:.4g}<extra></extra>",
    ))
    top = float(y[ok].max()) if ok.any() else 1.0
    title = "loss per step"
    if optimum is not None and np.isfinite(optimum):
        if log and optimum <= EXACT * top:
            # a second line: one line of it is wider than a phone
            title += "<br>best possible ≈ 0 (some kernel fits Y exactly)"
        else:
            fig.add_hline(
                y=optimum, line={"color": OPTIMUM, "dash": "dash"},
                annotation={"text": f"best possible (least squares): {optimum:.4g}",
                            "font": {"color": OPTIMUM}},
                annotation_position="top right",
            )
    if diverged and ok.any():
        last = int(np.flatnonzero(ok)[-1])
        fig.add_trace(go.Scatter(
            x=[x[last]], y=[y[last]], mode="markers+text", name="diverged",
            marker={"color": DIVERGED, "symbol": "x", "size": 14},
            text=[f"diverged at step {len(y)} "], textposition="middle left",
            textfont={"color": DIVERGED}, hoverinfo="skip",
        ))
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30 + 18 * title.count("<br>"), "b": 40},
        showlegend=False,
        title={"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 14}},
    )
    fig.update_xaxes(title="step", range=[0.5, total + 0.5])
    fig.update_yaxes(title="loss (log scale)" if log else "loss", type="log" if log else "linear",
                     exponentformat="power")
    return fig


#: Play speeds of the training animation: label and milliseconds per frame.
SPEEDS = (("▶ Slow", 600), ("▶ Play", 150), ("▶▶ Fast", 40))
#: Above this many cells a side, Ŷ's frames carry colour levels (±LEVELS of ±zmax), not
#: numbers: a 62×62 Ŷ in 100 frames stays a few hundred kB. Its hover is off then.
LEVELS = 100


def _cells(A: np.ndarray) -> np.ndarray:
    """A grid as drawn: round-off (≤ TINY × its largest entry) shown as 0."""
    finite = A[np.isfinite(A)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    return np.where(np.abs(A) <= TINY * top, 0.0, A)


#: The animation's layout, in fractions of its plot area (y up): the loss curve on top, the
#: four grids below it two by two (a row of four would be 80 px a grid on a phone), then
#: the play buttons and the step slider. HEIGHT_PX is the whole figure's height.
HEIGHT_PX, MARGIN_T, MARGIN_B = 860, 50, 10
#: Fixed side margins (the loss axis's tick labels sit in the left one): Plotly's automatic
#: margin would take them out of the grids' width too, which is what a phone lacks.
MARGIN_L, MARGIN_R = 40, 8
LOSS_Y = (0.69, 1.0)
GRID_Y = ((0.455, 0.625), (0.225, 0.395))  # the two rows of grids
GRID_X = ((0.0, 0.48), (0.52, 1.0))  # their two columns
BUTTONS_Y, SLIDER_Y = 0.165, 0.11


def grid_cell_px(shape: tuple[int, int]) -> float:
    """Side of a cell of a (rows, cols) grid in the animation on a phone, the narrower of
    the two screens it is drawn on (NARROW_PX wide; the desktop's grids are as tall and
    wider): each grid's box is a fraction of the plot, and its cells are square."""
    rows, cols = shape
    plot_h = HEIGHT_PX - MARGIN_T - MARGIN_B
    box_w = (GRID_X[0][1] - GRID_X[0][0]) * (NARROW_PX - MARGIN_L - MARGIN_R)
    box_h = (GRID_Y[0][1] - GRID_Y[0][0]) * plot_h
    return min(box_w / cols, box_h / rows)


def grid_labels(A: Any, zmax: float | None = None) -> tuple[list, int] | None:
    """The cell texts and their type size for grid A (rows, cols) in the animation, sized
    for its cells on a phone (``grid_cell_px``); None: colour and hover only."""
    A = _cells(np.asarray(A, dtype=np.float64))
    if max(A.shape) > MAX_NUMBERED:
        return None
    fitted = fit_labels(A, grid_cell_px(A.shape))
    return (cell_text(fitted[0], A, colours.top(A, zmax=zmax)), fitted[1]) if fitted else None


def _grid_trace(A: np.ndarray, n: int, zmax: float | None, *, levels: bool = False) -> dict:
    """Grid A as a heatmap trace (viz.grid's colours) on axes x{n}/y{n}; ``levels``: Ŷ's big
    frames, colour levels only. Numbers sized for the grid's cells on a phone."""
    A = _cells(np.asarray(A, dtype=np.float64))
    if levels:
        top = zmax or float(np.abs(A).max()) or 1.0
        z = np.clip(np.round(A / top * LEVELS), -LEVELS, LEVELS).astype(int)
        trace = heatmap(z, zmax=LEVELS, numbers=False).data[0].to_plotly_json()
        trace.update(hoverinfo="skip", hovertemplate=None)
    else:
        trace = heatmap(A, zmax=zmax, numbers=False).data[0].to_plotly_json()
        if fitted := grid_labels(A, zmax):
            trace.update(text=fitted[0], texttemplate="%{text}",
                         textfont={"size": fitted[1], "color": colours.BLACK})
    trace.update(xaxis=f"x{n}", yaxis=f"y{n}")
    return trace


def _grid_frame(A: np.ndarray, zmax: float | None, *, levels: bool = False) -> dict:
    """What a frame changes in a grid trace: its numbers (and their labels when written)."""
    A = _cells(np.asarray(A, dtype=np.float64))
    if levels:
        top = zmax or float(np.abs(A).max()) or 1.0
        return {"type": "heatmap",
                "z": np.clip(np.round(A / top * LEVELS), -LEVELS, LEVELS).astype(int).tolist()}
    out: dict = {"type": "heatmap", "z": np.round(A, 6).tolist()}
    if fitted := grid_labels(A, zmax):
        out["text"] = fitted[0]
        out["textfont"] = {"size": fitted[1], "color": colours.BLACK}
    elif max(A.shape) <= MAX_NUMBERED:  # no stale numbers from an earlier frame
        out["text"] = [[""] * A.shape[1] for _ in range(A.shape[0])]
    return out


def training_animation(
    losses: Sequence[float], steps: Sequence[int], weights: np.ndarray, grads: np.ndarray,
    preds: np.ndarray, Y: Any, *, total: int, optimum: float | None = None, log: bool = True,
    diverged: bool = False, kmax: float | None = None, ymax: float | None = None,
    bias: bool = True, height: int = HEIGHT_PX,
) -> go.Figure:
    """A whole run as ONE Plotly animation that plays in the browser: frame f is step
    ``steps[f]``: the loss curve up to it (later steps covered), K after it (kh, kw),
    ∂loss/∂K (kh, kw) and Ŷ (H_out, W_out) of its forward pass, beside the target Y.

    Play (three speeds), pause, replay from step 1 and a slider ("step s of N") are Plotly's
    own updatemenus and slider: no server round trip. It opens on the last step shown.
    """
    from viz.sliding import FramedFigure  # frames as plain dicts: no validation per frame

    Y = np.asarray(Y.detach() if hasattr(Y, "detach") else Y, dtype=np.float64)
    levels = max(Y.shape) > MAX_NUMBERED
    curve = loss_curve(losses, total=total, optimum=optimum, log=log, diverged=diverged)
    data = [t.to_plotly_json() for t in curve.data]
    y_all = np.asarray(losses, dtype=np.float64)
    last = len(steps) - 1

    def cover(s: int) -> dict:  # white over the steps after s, on a hidden 0‥1 axis
        a, b = s + 0.15, total + 0.5
        return {"type": "scatter", "x": [a, b, b, a, a], "y": [0, 0, 1, 1, 0]}

    def dot(s: int) -> dict:
        v = y_all[s - 1]
        shown = np.isfinite(v) and (v > 0 or not log)
        return {"type": "scatter", "x": [s], "y": [v if shown else None]}

    moving = [
        {"type": "scatter", **cover(steps[last]), "mode": "lines", "fill": "toself",
         "fillcolor": "#ffffff", "line": {"width": 0}, "xaxis": "x", "yaxis": "y6",
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", **dot(steps[last]), "mode": "markers", "xaxis": "x", "yaxis": "y",
         "marker": {"color": LOSS, "size": 11, "line": {"color": "#ffffff", "width": 2}},
         "hoverinfo": "skip", "showlegend": False},
        _grid_trace(weights[last], 2, kmax),
        _grid_trace(grads[last], 3, None),
        _grid_trace(preds[last], 4, ymax, levels=levels),
    ]
    data += moving + [_grid_trace(Y, 5, ymax, levels=levels)]
    first = len(data) - len(moving) - 1
    animated = list(range(first, first + len(moving)))
    frames = [
        {"name": str(s), "traces": animated, "data": [
            cover(s), dot(s), _grid_frame(weights[f], kmax), _grid_frame(grads[f], None),
            _grid_frame(preds[f], ymax, levels=levels)]}
        for f, s in enumerate(steps)
    ]
    layout = curve.layout.to_plotly_json()
    layout.update(height=height, dragmode=False,
                  margin={"l": MARGIN_L, "r": MARGIN_R, "t": MARGIN_T, "b": MARGIN_B})
    layout.pop("shapes", None)  # the optimum line comes back below, on the loss axes only
    layout["xaxis"] = {**layout.get("xaxis", {}), "domain": [0, 1], "anchor": "y"}
    # the step axis title sits under the curve: leave it room above the grids' titles
    layout["yaxis"] = {**layout.get("yaxis", {}), "domain": [LOSS_Y[0] + 0.05, LOSS_Y[1]],
                       "anchor": "x", "automargin": False, "title": {"text": ""}}
    layout["xaxis"]["automargin"] = False
    layout["title"]["text"] = layout["title"]["text"].replace(
        "loss per step", "loss per step (log scale)" if log else "loss per step", 1)
    layout["yaxis6"] = {"overlaying": "y", "range": [0, 1], "visible": False,
                        "fixedrange": True}
    titles = ["K after the step", "∂loss/∂K at the step",
              f"Ŷ = corr2d(X, K){' + b' if bias else ''}", "Y, the target"]
    annotations = list(layout.get("annotations", []))
    for n, title in enumerate(titles, start=2):
        (x0, x1), (y0, y1) = GRID_X[(n - 2) % 2], GRID_Y[(n - 2) // 2]
        layout[f"xaxis{n}"] = {"domain": [x0, x1], "anchor": f"y{n}",
                               "showgrid": False, "zeroline": False, "showticklabels": False,
                               "fixedrange": True, "constrain": "domain"}
        layout[f"yaxis{n}"] = {"domain": [y0, y1], "anchor": f"x{n}",
                               "showgrid": False, "zeroline": False, "showticklabels": False,
                               "autorange": "reversed", "scaleanchor": f"x{n}",
                               "constrain": "domain", "fixedrange": True}
        annotations.append({"text": f"<b>{title}</b>", "x": (x0 + x1) / 2, "y": y1 + 0.005,
                            "xref": "paper", "yref": "paper", "yanchor": "bottom",
                            "xanchor": "center",
                            "showarrow": False, "font": {"size": 13}})
    layout["annotations"] = annotations
    fig = FramedFigure(data=data, layout=layout, raw_frames=frames)
    for shape in curve.layout.shapes:  # the dashed least-squares line
        fig.add_shape(shape.to_plotly_json(), xref="x", yref="y")
    now = {"mode": "immediate", "transition": {"duration": 0}}
    buttons = [dict(label="⟲ Replay", method="animate",
                    args=[[str(s) for s in steps], {**now, "fromcurrent": False,
                                                    "frame": {"duration": SPEEDS[1][1],
                                                              "redraw": True}}]),
               dict(label="■ Pause", method="animate",
                    args=[[None], {**now, "frame": {"duration": 0, "redraw": False}}])]
    buttons += [dict(label=label, method="animate",
                     args=[None, {**now, "fromcurrent": True,
                                  "frame": {"duration": ms, "redraw": True}}])
                for label, ms in SPEEDS]
    n = len(steps)
    fig.update_layout(
        # The buttons on a row of their own and the slider under them, the plot's whole
        # width: side by side they overlap on a phone.
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, x=0, y=BUTTONS_Y,
                          xanchor="left", yanchor="top", showactive=False,
                          pad={"l": 0, "r": 0, "t": 0, "b": 0}, font={"size": 11})],
        sliders=[dict(
            active=last, x=0, y=SLIDER_Y, len=1, xanchor="left", yanchor="top",
            pad={"l": 0, "r": 0, "t": 30, "b": 0},
            currentvalue={"prefix": "step ", "font": {"size": 15, "color": "#222"}},
            # tick labels ("7 of 20 · loss 1.23") only show the current one: they would overlap
            font={"size": 11, "color": "rgba(0,0,0,0)"}, ticklen=0 if n > 20 else 4,
            minorticklen=0,
            steps=[dict(method="animate", label=f"{s} of {total} · loss {y_all[s - 1]:.4g}",
                        args=[[str(s)], {**now, "frame": {"duration": 0, "redraw": True}}])
                   for s in steps],
        )],
    )
    return fig
