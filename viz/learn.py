"""Figures for the kernel-learning page: the loss curve and grids on a shared colour scale."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

import i18n
from viz import colours
from viz.figure import PlainFigure
from viz.grid import (
    CELL_PX,
    MAX_NUMBERED,
    heatmap,
    heatmap_spec,
    labels_frames,
    narrow,
    picture,
)

LOSS = "#1f77b4"
OPTIMUM = "#2ca02c"
DIVERGED = "#d62728"
#: The loss axis's side margins: room for its tick labels ("10⁻³", "0.5") and its title, and
#: on the right for the step axis's last label ("400") centred on the end. A
#: margin that is too small still works (Plotly widens it), but Plotly then draws the whole
#: figure a second time (tests/e2e/test_margins.py keeps every default view at one draw).
LOSS_MARGIN = {"l": 84, "r": 20}

#: Below this fraction of the largest loss, the least-squares optimum counts as 0 on a log axis.
EXACT = 1e-9
#: Paper y where the wide layout's grids end: their colour bars, then the controls, below.
GRIDS_BOTTOM = 0.25
#: Entries this small relative to a grid's largest are shown as 0 (round-off, not signal).
TINY = 1e-6


def kernel_grid(Z: Any, *, title: str = "", zmax: float | None = None, width: int | None = None,
                height: int | None = None, lang: str = i18n.DEFAULT,
                projector: bool = False) -> PlainFigure:
    """A (rows, cols) grid: numbered heatmap when small, plain heatmap up to 64 a side.

    zmax: shared colour limit, so Ŷ and Y (or learned and true K) compare by colour;
    width: pixels of the column it is drawn in (viz.grid.column_widths). The colour bar
    under it states the scale.
    """
    # lstsq leaves ~1e-9 where the answer is 0: show 0, not "-4.93e-09"
    A = _cells(np.asarray(Z.detach().cpu() if hasattr(Z, "detach") else Z, dtype=np.float64))
    return heatmap(A, title=title, zmax=zmax, width=width, height=height, colorbar=True,
                   lang=lang, projector=projector)


def input_grid(Z: Any, *, title: str = "", width: int | None = None,
               lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """The input X: numbered heatmap when small, one PNG when large (fast to send)."""
    rows, cols = np.shape(Z)
    if max(rows, cols) <= MAX_NUMBERED:
        return heatmap(Z, title=title, width=width, colorbar=True, lang=lang,
                       projector=projector)
    return picture(Z, title=title, width=width, colorbar=True, lang=lang)


def loss_curve(
    losses: Sequence[float], *, total: int, optimum: float | None = None, log: bool = True,
    diverged: bool = False, height: int = 330, lang: str = i18n.DEFAULT,
) -> PlainFigure:
    """Loss at steps 1‥len(losses) on an x axis fixed to 1‥total, so the curve grows as it runs.

    Non-finite losses (and ≤ 0 on a log axis) are left out, never drawn as data. optimum:
    the least-squares loss, a dashed line (a note instead when it is ≈ 0 on a log axis).
    diverged: the last step is marked with a red ✕. The title says when an exact fit exists.
    """
    return PlainFigure(*_loss_spec(losses, total=total, optimum=optimum, log=log,
                                   diverged=diverged, height=height, lang=lang))


def _loss_spec(losses: Sequence[float], *, total: int, optimum: float | None, log: bool,
               diverged: bool, height: int, lang: str) -> tuple[list[dict], dict]:
    """``loss_curve``'s traces and layout as plain dicts (viz.figure), words in ``lang``."""
    t = i18n.texts(lang)
    _ = t.gettext
    y = np.asarray(losses, dtype=np.float64)
    x = np.arange(1, len(y) + 1)
    ok = np.isfinite(y) & ((y > 0) if log else True)
    data = [{
        "type": "scatter", "x": x[ok], "y": y[ok],
        "mode": "lines+markers" if total <= 60 else "lines", "name": _("loss"),
        "line": {"color": LOSS, "width": 2}, "marker": {"size": 6},
        "hovertemplate": _("step %{x}: loss %{y:.4g}") + "<extra></extra>",
    }]
    top = float(y[ok].max()) if ok.any() else 1.0
    title = _("loss per step")
    shapes, annotations = [], []
    if optimum is not None and np.isfinite(optimum):
        if log and optimum <= EXACT * top:
            title += " · " + _("best possible ≈ 0 (some kernel fits Y exactly)")
        else:  # a dashed line across the plot at the optimum, its note above its right end
            shapes.append({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                           "y0": optimum, "y1": optimum,
                           "line": {"color": OPTIMUM, "dash": "dash"}})
            annotations.append({"text": i18n.fmt(t, "best possible (least squares): {loss:.4g}",
                                                 loss=optimum),
                                "font": {"color": OPTIMUM}, "showarrow": False,
                                "xref": "x domain", "x": 1, "xanchor": "right",
                                "yref": "y", "y": optimum, "yanchor": "bottom"})
    if diverged and ok.any():
        last = int(np.flatnonzero(ok)[-1])
        data.append({
            "type": "scatter", "x": [int(x[last])], "y": [float(y[last])],
            "mode": "markers+text", "name": _("diverged"),
            "marker": {"color": DIVERGED, "symbol": "x", "size": 14},
            "text": [i18n.fmt(t, "diverged at step {step}", step=len(y)) + " "],
            "textposition": "middle left",
            "textfont": {"color": DIVERGED}, "hoverinfo": "skip",
        })
    layout = {
        "height": height, "margin": {**LOSS_MARGIN, "t": 30, "b": 40}, "showlegend": False,
        "title": {"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 14}},
        "xaxis": {"title": {"text": _("step")}, "range": [0.5, total + 0.5]},
        "yaxis": {"title": {"text": _("loss (log scale)") if log else _("loss")},
                  "type": "log" if log else "linear", "exponentformat": "power"},
        "shapes": shapes, "annotations": annotations,
    }
    return data, layout


#: Play speeds of the training animation: label (a message id) and milliseconds per frame.
SPEEDS = ((i18n.N_("▶ Slow"), 600), (i18n.N_("▶ Play"), 150), (i18n.N_("▶▶ Fast"), 40))
#: Above this many cells a side, Ŷ's frames carry colour levels (±LEVELS of ±zmax), not
#: numbers: a 62×62 Ŷ in 100 frames stays a few hundred kB. Its hover is off then.
LEVELS = 100


def _cells(A: np.ndarray) -> np.ndarray:
    """A grid as drawn, or each grid of a stack (frames, rows, cols): round-off (≤ TINY × the
    grid's largest finite entry) shown as 0."""
    top = np.where(np.isfinite(A), np.abs(A), 0.0).max(axis=(-2, -1), keepdims=True, initial=0.0)
    return np.where(np.abs(A) <= TINY * top, 0.0, A)


def _levels(As: np.ndarray, zmax: float | None) -> np.ndarray:
    """Each grid of a stack (frames, rows, cols) as colour levels −LEVELS‥LEVELS of ±zmax, or
    of ±its own largest |value| when zmax is None (1 for a grid of zeros)."""
    tops = np.full(len(As), zmax) if zmax else np.abs(As).max(axis=(1, 2), initial=0.0)
    tops = np.where(tops > 0, tops, 1.0)[:, None, None]
    return np.clip(np.round(As / tops * LEVELS), -LEVELS, LEVELS).astype(int)


def _grid_trace(A: np.ndarray, n: int, zmax: float | None, *, levels: bool = False,
                lang: str = i18n.DEFAULT, projector: bool = False) -> dict:
    """Grid A as a heatmap trace (viz.grid's colours) on axes x{n}/y{n}; ``levels``: Ŷ's big
    frames, colour levels only."""
    A = _cells(np.asarray(A, dtype=np.float64))
    if levels:
        trace = heatmap_spec(_levels(A[None], zmax)[0], zmax=LEVELS, numbers=False)[0]
        trace.pop("hovertemplate")
        trace.update(hoverinfo="skip", showscale=True)  # its bar: _bar
    else:  # kernel_grid's trace (A is already _cells'), as a plain dict
        trace = heatmap_spec(A, zmax=zmax, colorbar=True, lang=lang, projector=projector)[0]
    trace.update(xaxis=f"x{n}", yaxis=f"y{n}")
    return trace


def _grid_frames(As: Sequence[np.ndarray], zmax: float | None, *, levels: bool = False,
                 projector: bool = False, numbers: bool = True
                 ) -> tuple[list[dict], tuple[list[list], int] | None]:
    """What each frame changes in a grid trace: its numbers (and their labels, ``_one_size``:
    when ``numbers``); with ``zmax`` None also its scale ±max|A|, so a grid whose values
    shrink by orders over the run (∂loss/∂K) is coloured on its own step's scale, as its bar
    then says. Returns the frames' data and the labels (``_put_numbers`` gives them to the
    trace and the frames)."""
    As = _cells(np.asarray(np.stack(As), dtype=np.float64))  # all frames at once
    if levels:
        return [{"type": "heatmap", "z": z} for z in _levels(As, zmax).tolist()], None
    out: list[dict] = [{"type": "heatmap", "z": zf} for zf in np.round(As, 6).tolist()]
    if zmax is None:  # its own scale (∂loss/∂K shrinks by orders): colours, bar and labels
        for frame, top in zip(out, colours.tops(As).tolist()):
            frame.update(zmin=-top, zmax=top)
    # in _grid_trace's cells, all frames at once (labels_frames labels each value once); each
    # frame is fitted on its own, so when the first or the last frame has no numbers that fit
    # (a 16×16 Ŷ in a quarter of the figure), neither has the stack: no need to label it all
    fit = functools.partial(labels_frames, zmax=zmax, projector=projector, colorbar=True)
    fitted = (_one_size(fit(As)) if numbers and _one_size(fit(As[[0, -1]])) is not None
              else None)
    return out, fitted


def _one_size(fits: Sequence[tuple[list, int] | None]) -> tuple[list[list], int] | None:
    """The cell texts of every frame of a grid at ONE type size at which each frame's labels
    fit (the smallest of their sizes): (texts per frame, size); None when some frame's numbers
    do not fit: colours only then, as a frame without numbers would go on showing the numbers
    of the frame before it."""
    if not fits or any(f is None for f in fits):
        return None
    return [f[0] for f in fits], min(f[1] for f in fits)


def _put_numbers(trace: dict, frames: list[dict] | None, n: int,
                 fitted: tuple[list[list], int] | None) -> None:
    """Grid n's numbers (``_one_size``) into its trace (the last frame's) and, unless the
    grid does not move (``frames`` None), into each frame's data (cover, dot, K, ∂loss/∂K,
    Ŷ: grid n at index n); none anywhere when ``fitted`` is None."""
    if fitted is None:
        trace.pop("text", None)
        trace.pop("texttemplate", None)
    else:
        texts, size = fitted
        trace.update(text=texts[-1], texttemplate="%{text}",
                     textfont={"size": size, "color": colours.BLACK})
    for f, frame in enumerate(frames or []):
        frame["data"][n].pop("text", None)
        if fitted is not None:
            frame["data"][n]["text"] = fitted[0][f]


def training_animation(
    losses: Sequence[float], steps: Sequence[int], weights: np.ndarray, grads: np.ndarray,
    preds: np.ndarray, Y: Any, *, total: int, optimum: float | None = None, log: bool = True,
    diverged: bool = False, kmax: float | None = None, ymax: float | None = None,
    bias: bool = True, height: int = 780, width: int | None = None, lang: str = i18n.DEFAULT,
    projector: bool = False,
) -> PlainFigure:
    """A whole run as ONE Plotly animation that plays in the browser: frame f is step
    ``steps[f]``: the loss curve up to it (later steps covered), K after it (kh, kw),
    ∂loss/∂K (kh, kw) and Ŷ (H_out, W_out) of its forward pass, beside the target Y.

    Play (three speeds), pause, replay from step 1 and a slider ("step s of N") are Plotly's
    own updatemenus and slider: no server round trip. It opens on the last step shown.
    width: pixels of the column; under viz.grid.NARROW (a phone) the four grids stand in two
    rows of two under the loss, each with its scale, numbers fitted to their cells, and the
    slider under the buttons (``_phone_layout``). None: the wide layout, four grids in a row.
    lang: the language of its titles, notes, hover and controls. projector: the projector
    view's type sizes for the grids' numbers (wide layout only).
    """
    _ = i18n.texts(lang).gettext
    Y = np.asarray(Y.detach() if hasattr(Y, "detach") else Y, dtype=np.float64)
    levels = max(Y.shape) > MAX_NUMBERED
    data, layout = _loss_spec(losses, total=total, optimum=optimum, log=log,
                              diverged=diverged, height=height, lang=lang)
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
        _grid_trace(weights[last], 2, kmax, lang=lang, projector=projector),
        _grid_trace(grads[last], 3, None, lang=lang, projector=projector),
        _grid_trace(preds[last], 4, ymax, levels=levels, lang=lang, projector=projector),
    ]
    data += moving + [_grid_trace(Y, 5, ymax, levels=levels, lang=lang, projector=projector)]
    first = len(data) - len(moving) - 1
    animated = list(range(first, first + len(moving)))
    n, on_phone = len(steps), bool(narrow(width))  # a phone refits the numbers itself
    moved = [_grid_frames(series[:n], top, levels=big, projector=projector, numbers=not on_phone)
             for series, top, big in ((weights, kmax, False), (grads, None, False),
                                      (preds, ymax, levels))]
    frames = [{"name": str(s), "traces": animated, "data": [cover(s), dot(s), *g]}
              for s, g in zip(steps, zip(*(m[0] for m in moved)))]
    if not on_phone:  # K, ∂loss/∂K, Ŷ: grids 2, 3, 4
        for grid, (_frames, fitted) in enumerate(moved, start=2):
            _put_numbers(data[first + grid], frames, grid, fitted)
    layout.update(margin={**LOSS_MARGIN, "t": 30, "b": 24}, dragmode=False)
    top_gap, split = 0.08, 0.52  # loss above, four grids below
    layout["xaxis"] = {**layout.get("xaxis", {}), "domain": [0, 1], "anchor": "y"}
    layout["yaxis"] = {**layout.get("yaxis", {}), "domain": [split + top_gap, 1], "anchor": "x"}
    layout["yaxis6"] = {"overlaying": "y", "range": [0, 1], "visible": False,
                        "fixedrange": True}
    titles = [_("K after the step"), _("∂loss/∂K at the step"),
              f"Ŷ = corr2d(X, K){' + b' if bias else ''}", _("Y, the target")]
    annotations = list(layout.get("annotations", []))
    for n, title in enumerate(titles, start=2):
        x0 = (n - 2) / 4
        layout[f"xaxis{n}"] = {"domain": [x0 + 0.01, x0 + 0.24], "anchor": f"y{n}",
                               "showgrid": False, "zeroline": False, "showticklabels": False,
                               "fixedrange": True, "constrain": "domain"}
        layout[f"yaxis{n}"] = {"domain": [GRIDS_BOTTOM, split - 0.04], "anchor": f"x{n}",
                               "showgrid": False, "zeroline": False, "showticklabels": False,
                               "autorange": "reversed", "scaleanchor": f"x{n}",
                               "constrain": "domain", "fixedrange": True}
        annotations.append({"text": f"<b>{title}</b>", "x": x0 + 0.125, "y": split - 0.02,
                            "xref": "paper", "yref": "paper", "yanchor": "bottom",
                            "showarrow": False, "font": {"size": 14}})
        # each grid's colour bar under it, as wide as its column (not four on one line)
        data[first + n]["colorbar"] = _bar(x0 + 0.125, 0.2, GRIDS_BOTTOM,
                                           ymax if levels and n >= 4 else None)
    layout["annotations"] = annotations
    phone = None
    if narrow(width):
        phone = _phone_layout(layout, data, frames, first, width, titles=titles,
                              levels=levels and ymax,
                              grids=((weights, kmax), (grads, None), (preds, ymax), ([Y], ymax)))
    # Traces, frames and controls as plain dicts (viz.figure): tests validate them once
    # (Plotly would validate every trace, frame and slider step on each build).
    return PlainFigure(data, {**layout, **_controls(steps, total, y_all, phone=phone, lang=lang)},
                       frames)


def _bar(x: float, length: float, y: float, levels_of: float | None) -> dict:
    """A grid's horizontal colour bar centred at paper ``x``, its top at paper ``y``.
    ``levels_of``: the value the ±LEVELS ends of a colour-levels grid stand for (Ŷ, Y)."""
    bar = {**colours.COLORBAR, "x": x, "len": length, "y": y, "thickness": 8, "ypad": 6,
           "tickfont": {"size": 10}, "nticks": 5}
    if levels_of:
        bar.update(tickvals=[-LEVELS, 0, LEVELS], ticktext=[
            f"{-levels_of:.3g}".replace("-", "−"), "0", f"{levels_of:.3g}"])
    return bar


def _controls(steps: Sequence[int], total: int, y_all: np.ndarray, *,
              phone: dict | None = None, lang: str = i18n.DEFAULT) -> dict:
    """The animation's play buttons and step slider, as plain layout dicts (viz.figure:
    Plotly would validate each of up to 100 slider steps on every build).
    ``phone``: where the phone layout puts them (its ``layout.meta``); None: the wide layout."""
    t = i18n.texts(lang)
    now = {"mode": "immediate", "transition": {"duration": 0}}
    buttons = [dict(label=t.gettext("⟲ Replay"), method="animate",
                    args=[[str(s) for s in steps], {**now, "fromcurrent": False,
                                                    "frame": {"duration": SPEEDS[1][1],
                                                              "redraw": True}}]),
               dict(label=t.gettext("■ Pause"), method="animate",
                    args=[[None], {**now, "frame": {"duration": 0, "redraw": False}}])]
    buttons += [dict(label=t.gettext(label), method="animate",
                     args=[None, {**now, "fromcurrent": True,
                                  "frame": {"duration": ms, "redraw": True}}])
                for label, ms in SPEEDS]
    n = len(steps)
    slider = dict(
        active=n - 1, xanchor="left", yanchor="top",
        # tick labels ("7 of 20 · loss 1.23") only show the current one: they would overlap
        font={"size": 11, "color": "rgba(0,0,0,0)"}, ticklen=0 if n > 20 else 4,
        minorticklen=0,
        steps=[dict(method="animate",
                    label=i18n.fmt(t, "{step} of {total} · loss {loss:.4g}", step=s, total=total,
                                   loss=y_all[s - 1]),
                    args=[[str(s)], {**now, "frame": {"duration": 0, "redraw": True}}])
               for s in steps])
    if phone:
        menu = dict(x=phone["left"], y=phone["controls"], pad={"t": 0, "r": 4},
                    font={"size": 12})
        slider.update(x=0, y=phone["controls"] - phone["slider"], len=1,
                      pad={"t": 0, "l": 8, "r": 8},
                      currentvalue={"prefix": t.gettext("step "),
                                    "font": {"size": 13, "color": "#222"}})
    else:
        # buttons on their own row, the slider under them: side by side they overlapped
        menu = dict(x=0, y=0.155, font={"size": 14})
        slider.update(x=0, y=0.085, len=1, pad={"t": 0, "l": 8, "r": 8},
                      currentvalue={"prefix": t.gettext("step "),
                                    "font": {"size": 15, "color": "#222"}})
    return {"updatemenus": [dict(type="buttons", direction="left", buttons=buttons,
                                 xanchor="left", yanchor="top", showactive=False, **menu)],
            "sliders": [slider]}


#: A phone's animation, in pixels from the top of its plot area: the loss curve, room for
#: its step axis, then per row of grids a title line, the grids and their colour bars, and
#: at the bottom the buttons above the slider.
PHONE_LOSS_PX, PHONE_AXIS_PX, PHONE_TITLE_PX, PHONE_BAR_PX = 190, 56, 24, 46
PHONE_CONTROLS_PX, PHONE_SLIDER_PX = 112, 40
PHONE_MARGIN = {"l": 80, "r": 14, "t": 56, "b": 8}
PHONE_EDGE_PX = 12
#: Tallest row of grids on a phone, and the gap between the two grids of a row.
PHONE_ROW_PX, PHONE_GAP_PX = 240, 16


def _fitted(series: Sequence[np.ndarray], cell: float, zmax: float | None
            ) -> tuple[list[list], int] | None:
    """``_one_size`` of the grids of ``series`` (one per frame, one shape) in cells ``cell``
    px wide."""
    As = np.stack([_cells(np.asarray(A, dtype=np.float64)) for A in series])
    return _one_size(labels_frames(As, zmax=zmax, cell=cell))


def _phone_layout(layout: dict, data: list[dict], frames: list[dict], first: int, width: int,
                  *, grids: Sequence[tuple[Any, float | None]], titles: list[str],
                  levels: float | None) -> dict:
    """Lay training_animation's figure (its ``layout``, ``data`` and ``frames``, plain dicts,
    changed in place) out for a phone's ``width``: the loss on top, K and ∂loss/∂K in a row,
    Ŷ and Y in a row under them, square cells sized in pixels, the numbers refitted to those
    cells in every frame, a colour bar under each grid.

    grids: each grid's frames (Y: one) and colour limit; traces first+2‥first+5 draw them.
    levels: Ŷ's and Y's scale when they carry colour levels (no numbers then), else None.
    Returns (and writes into ``layout["meta"]``) the paper y of the controls' top, the
    slider's offset and the figure's left edge.
    """
    plot_w = width - PHONE_MARGIN["l"] - PHONE_MARGIN["r"]
    pw = (plot_w - PHONE_GAP_PX) / 2  # one grid's room
    shapes = [np.shape(grids[0][0])[1:], np.shape(grids[3][0])[1:]]
    cells = [min(CELL_PX, pw / c, PHONE_ROW_PX / r) for r, c in shapes]
    inner = (PHONE_LOSS_PX + PHONE_AXIS_PX + PHONE_CONTROLS_PX
             + sum(PHONE_TITLE_PX + r * cell + PHONE_BAR_PX
                   for (r, _), cell in zip(shapes, cells)))

    def y(px: float) -> float:  # paper y of a point px below the plot area's top
        return 1 - px / inner

    layout["height"] = int(inner + PHONE_MARGIN["t"] + PHONE_MARGIN["b"])
    layout["margin"] = PHONE_MARGIN
    title = layout["title"]
    layout["title"] = {**title, "text": title["text"].replace(" · ", "<br>"),
                       "font": {"size": 13}, "y": 1, "yref": "paper", "yanchor": "bottom",
                       "pad": {"b": 16}}
    yaxis = layout["yaxis"]
    layout["yaxis"] = {**yaxis, "domain": [y(PHONE_LOSS_PX), 1],
                       "title": {**yaxis["title"], "font": {"size": 11}}}
    xaxis = layout["xaxis"]
    layout["xaxis"] = {**xaxis, "title": {**xaxis["title"], "standoff": 4}}
    # The wide layout's grid titles go; the phone's sit over its own rows.
    annotations = [a for a in layout["annotations"] if a["text"] not in
                   {f"<b>{t}</b>" for t in titles}]
    top = PHONE_LOSS_PX + PHONE_AXIS_PX
    for n in range(2, 6):
        row, col = divmod(n - 2, 2)
        (rows, _), cell = shapes[row], cells[row]
        body = rows * cell
        x0 = col * (pw + PHONE_GAP_PX) / plot_w
        x1 = min(1.0, x0 + pw / plot_w)
        layout[f"xaxis{n}"] = {**layout[f"xaxis{n}"], "domain": [x0, x1]}
        layout[f"yaxis{n}"] = {**layout[f"yaxis{n}"], "domain": [
            y(top + PHONE_TITLE_PX + body), y(top + PHONE_TITLE_PX)]}
        annotations.append({"text": f"<b>{titles[n - 2]}</b>", "x": (x0 + x1) / 2,
                            "y": y(top + PHONE_TITLE_PX - 4), "xref": "paper", "yref": "paper",
                            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 12}})
        trace = data[first + n]
        trace["colorbar"] = _bar((x0 + x1) / 2, (x1 - x0) * 0.9, y(top + PHONE_TITLE_PX + body),
                                 levels if n >= 4 else None)
        # The numbers, refitted to these cells: one type size for all of the grid's frames.
        series, zmax = grids[n - 2]
        fitted = None if levels and n >= 4 else _fitted(series, cell, zmax)
        _put_numbers(trace, frames if n < 5 else None, n, fitted)  # Y does not move
        if col == 1:
            top += PHONE_TITLE_PX + body + PHONE_BAR_PX
    layout["annotations"] = annotations
    layout["meta"] = {"controls": y(inner - PHONE_CONTROLS_PX),
                      "slider": PHONE_SLIDER_PX / inner,
                      # the controls' left edge, paper x: PHONE_EDGE_PX inside the figure's (at
                      # the very edge, a column a few pixels narrower than ``width`` made Plotly
                      # widen the margin, and draw the figure twice)
                      "left": -(PHONE_MARGIN["l"] - PHONE_EDGE_PX) / plot_w}
    return layout["meta"]
