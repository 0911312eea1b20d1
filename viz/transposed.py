"""The transposed convolution drawn two ways, each panel titled with what it is (input X,
kernel K, output Y): conv_arithmetic's animations are most often misread for want of that.

``scatter_animation`` plays ``core.transposed.scatter`` in the browser (Plotly frames, as
viz.sliding does): one input cell at a time, its value times K stamped onto the output, the
running sum shown after each stamp; cells the padding crops are drawn grey around Y.
``as_conv_figure`` draws ``core.transposed.as_conv``: the spread-out and bordered input
(real inputs, inserted zeros and border told apart), the flipped kernel, and the same Y.
The matrix view is viz.matrix's.
"""

from __future__ import annotations

import textwrap

import numpy as np

import i18n
from core.transposed import AsConv, Scatter
from core.windows import num
from viz import colours
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
    LIGHT,
    OUTLINE_PX,
    PAD,
    PROJECTOR_OUTLINE_PX,
    PROJECTOR_WIDTH,
    TAP,
    WIDTH,
    box,
    play_controls,
)

GAP_PX = 48  # pixels between panels (the next panel's row numbers sit in it)
#: Inserted zeros (the stride's), told apart from the border's grey: a pale yellow.
INSERTED = "#fff1b8"
INSERTED_INK, PAD_INK, INK = "#8a6d00", "#7a7a7a", "#111111"


def title_px(text: str, size: int = 17) -> float:
    """Estimated width of a panel title in pixels: Han characters a full em, others 0.6."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


class _Panels:
    """Square cells for panels of the given (rows, cols), side by side (wide) or stacked
    (``width`` < NARROW), with ``text_px`` pixels for text under them and ``bottom`` px for
    the controls. Side by side, a panel narrower than its title gets a slot as wide as the
    title, its grid centred in it. ``x[n]``, ``y[n]``: paper domains; ``cell``, ``font``,
    ``tick``: pixels. ``projector``: the projector view's sizes (numbers of
    PROJECTOR_FONT_PX or none, larger cells, ticks and titles, thicker outlines)."""

    def __init__(self, shapes: list[tuple[int, int]], titles: list[str], *,
                 width: int | None, text_px: int, bottom: int, projector: bool = False) -> None:
        self.stacked = width is not None and width < NARROW
        self.projector = projector
        self.title_px = PROJECTOR_TITLE_PX if projector else 17
        self.width = width or (PROJECTOR_WIDTH if projector else WIDTH)
        self.margin = {"l": 28, "r": 8} if self.stacked else {"l": 40, "r": 40}
        plot_w = self.width - self.margin["l"] - self.margin["r"]
        rows, cols = [r for r, _ in shapes], [c for _, c in shapes]
        if self.stacked:
            self.cell = int(min(56, plot_w / max(cols)))
        else:
            room = min(self.width, PROJECTOR_WIDTH if projector else WIDTH)
            room -= self.margin["l"] + self.margin["r"] + GAP_PX * (len(shapes) - 1)
            needs = [title_px(t, self.title_px) + 8 for t in titles]
            cell = room / sum(cols)
            for _ in range(len(shapes)):  # titles wider than their grids take room first
                wide = [n for n, c in zip(needs, cols) if n > c * cell]
                grid_cols = sum(c for n, c in zip(needs, cols) if n <= c * cell)
                if not grid_cols:
                    break
                cell = max(0.0, room - sum(wide)) / grid_cols
            self.cell = int(min(PROJECTOR_CELL_PX if projector else 72, max(8, cell)))
        if projector:  # numbers of PROJECTOR_FONT_PX or more, or none (fit_labels' minimum)
            self.font = max(PROJECTOR_FONT_PX, int(self.cell * 0.4))
            self.tick, self.smallest = PROJECTOR_TICK_PX, PROJECTOR_FONT_PX
        else:
            self.font = int(min(24, max(9, self.cell * 0.4)))
            self.tick, self.smallest = max(9, min(self.font - 6, 13)), None
        self.outline = PROJECTOR_OUTLINE_PX if projector else OUTLINE_PX
        self.title_shift = int(1.4 * self.tick) + 12
        head = self.title_shift + 30
        bodies = [r * self.cell for r in rows]
        grid_px = sum(bodies) + head * (len(shapes) - 1) if self.stacked else max(bodies)
        inner = grid_px + text_px
        self.top, self.bottom = head + 10, bottom
        self.height = inner + self.top + self.bottom
        self.text_y = text_px / inner  # the text panel's top, in paper units
        if self.stacked:
            self.y, self.x = stacked_domains(bodies, cols, head=head, inner=inner,
                                             cell=self.cell, plot_w=plot_w)
        else:
            self.x, start = [], 0.0
            for c, need in zip(cols, needs):
                grid = c * self.cell
                slot = max(grid, need)
                x0 = start + (slot - grid) / 2
                self.x.append((min(1.0, x0 / plot_w), min(1.0, (x0 + grid) / plot_w)))
                start += slot + GAP_PX
            self.y = [((inner - b) / inner, 1.0) for b in bodies]

    def axes(self, layout: dict, n: int, rows: int, cols: int, *, first_row: int = 0,
             first_col: int = 0) -> None:
        """Axes of panel n (1-based): row/column numbers from ``first_row``/``first_col``,
        row 0 at the top, column numbers on top."""
        s = "" if n == 1 else str(n)
        (x0, x1), (y0, y1) = self.x[n - 1], self.y[n - 1]
        tick = {"size": self.tick, "color": "#666"}
        cs, rs = range(first_col, first_col + cols), range(first_row, first_row + rows)
        layout[f"xaxis{s}"] = {**AXIS, "domain": [x0, x1], "anchor": f"y{s}", "side": "top",
                               "range": [first_col - 0.5, first_col + cols - 0.5],
                               "tickvals": list(cs), "ticktext": [str(c) for c in cs],
                               "tickfont": tick, "showticklabels": self.cell >= 14}
        layout[f"yaxis{s}"] = {**AXIS, "domain": [y0, y1], "anchor": f"x{s}",
                               "range": [first_row + rows - 0.5, first_row - 0.5],
                               "tickvals": list(rs), "ticktext": [str(r) for r in rs],
                               "tickfont": tick, "showticklabels": self.cell >= 14}

    def title(self, n: int, text: str) -> dict:
        (x0, x1), (_, y1) = self.x[n - 1], self.y[n - 1]
        return {"text": f"<b>{text}</b>", "x": x0 if self.stacked else (x0 + x1) / 2,
                "y": y1, "xref": "paper", "yref": "paper", "yanchor": "bottom",
                "yshift": self.title_shift, "showarrow": False,
                "font": {"size": self.title_px},
                "xanchor": "left" if self.stacked else "center"}

    def text_axes(self, layout: dict, n: int) -> None:
        """A hidden panel n under the grids, where a step's arithmetic is written."""
        hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
        layout[f"xaxis{n}"] = {**hidden, "domain": [0, 1], "anchor": f"y{n}"}
        layout[f"yaxis{n}"] = {**hidden, "domain": [0, max(self.text_y - 0.02, 0.0)],
                               "anchor": f"x{n}"}


def _scale(*grids: np.ndarray) -> dict:
    """viz.colours' scale for grids shown on one scale, kept light (dark numbers on it)."""
    return colours.scale(colours.top(*grids) / LIGHT)


def _fit(A: np.ndarray, P: _Panels) -> tuple[list, int] | None:
    """fit_labels at the panels' sizes (never under PROJECTOR_FONT_PX in the projector view)."""
    if P.smallest:
        return fit_labels(A, P.cell, font_px=P.font, min_font_px=P.smallest)
    return fit_labels(A, P.cell, font_px=P.font)


def _labels(stack: np.ndarray, P: _Panels) -> tuple[list, int] | None:
    """Labels for a (frames, rows, cols) stack of grids, one type size for all frames."""
    n, rows, cols = stack.shape
    fitted = _fit(stack.reshape(n * rows, cols), P)
    if not fitted:
        return None
    labels, size = fitted
    return [labels[k * rows:(k + 1) * rows] for k in range(n)], size


def _grid(A: np.ndarray, axis: str, labels: list | None, size: int, *, hover: str,
          scale: dict, **extra) -> dict:
    s = "" if axis == "1" else axis
    text = {"text": labels, "texttemplate": "%{text}",
            "textfont": {"size": size, "color": INK}} if labels else {}
    return {"type": "heatmap", "z": A, "showscale": False, "xgap": 1, "ygap": 1, **scale,
            **text, "hovertemplate": hover, "xaxis": f"x{s}", "yaxis": f"y{s}", **extra}


def _dilated(kh: int, kw: int, d: tuple[int, int]) -> list[list[float | None]]:
    """The footprint of a stamp with dilation d: 1 on the taps, None (untinted) between."""
    z = np.full(((kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1), np.nan)
    z[::d[0], ::d[1]] = 1.0
    return [[None if np.isnan(v) else 1.0 for v in row] for row in z]


def scatter_animation(sc: Scatter, *, width: int | None = None,
                      lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Every stamp of ``sc`` as a Plotly frame, with play/pause, speeds and a step slider.

    Panels: input X (the stamping cell outlined), kernel K, the stamp X[i, j]·K, and the
    output Y after this stamp (the running sum), with the stamp's cells tinted on it; the
    cells the padding crops away are drawn grey around Y, with Y's edge dashed.
    """
    _ = i18n.texts(lang).gettext
    X, K, Y = (T.numpy().astype(np.float64) for T in (sc.X, sc.K, sc.Y))
    (H, W), (kh, kw), (Ho, Wo) = X.shape, K.shape, Y.shape
    g = sc.geometry
    ph, pw = g.padding
    # The output panel: Y and the cropped ring, in the output's coordinates (−p … n + p − 1).
    Hc, Wc = Ho + 2 * ph, Wo + 2 * pw
    names = [_("input X"), _("kernel K"), _("stamp X[i, j]·K"), _("output Y (running sum)")]
    phone = width is not None and width < NARROW
    P = _Panels([(H, W), (kh, kw), (kh, kw), (Hc, Wc)], names, width=width,
                text_px=90 if phone else (110 if projector else 70),
                bottom=150, projector=projector)
    # float32, as core computes them: every frame sends Y whole (half the bytes of float64)
    totals = np.stack([s.total.numpy() for s in sc.stamps]).astype(np.float32)
    stamps = np.stack([s.stamp.numpy() for s in sc.stamps]).astype(np.float32)
    x_labels, k_labels = _fit(X, P), _fit(K, P)
    s_labels, y_labels = _labels(stamps, P), _labels(totals, P)
    y_scale, s_scale = _scale(totals, Y), _scale(stamps)

    crop = np.full((Hc, Wc), 0.0)
    crop[ph:ph + Ho, pw:pw + Wo] = np.nan
    data = [
        _grid(X, "1", x_labels[0] if x_labels else None, x_labels[1] if x_labels else 0,
              hover="X[%{y}, %{x}] = %{z:.4g}<extra></extra>", scale=_scale(X)),
        _grid(K, "2", k_labels[0] if k_labels else None, k_labels[1] if k_labels else 0,
              hover="K[%{y}, %{x}] = %{z:.4g}<extra></extra>", scale=_scale(K)),
        {"type": "heatmap", "z": crop, "x0": -pw, "y0": -ph, "dx": 1, "dy": 1,
         "colorscale": [[0, PAD], [1, PAD]], "showscale": False, "xgap": 1, "ygap": 1,
         "hovertemplate": _("cropped by the padding") + "<extra></extra>", "xaxis": "x4",
         "yaxis": "y4"},
    ]
    bx, by = box(0, 0, Ho - 1, Wo - 1)
    data.append({"type": "scatter", "x": bx, "y": by, "mode": "lines", "xaxis": "x4",
                 "yaxis": "y4", "line": {"color": "#444", "dash": "dash", "width": 2},
                 "hoverinfo": "skip", "showlegend": False})
    foot = _dilated(kh, kw, g.dilation)
    skip = {"hoverinfo": "skip", "showlegend": False}

    def moving(n: int, full: bool) -> list[dict]:
        st = sc.stamps[n]
        y_text = {"text": y_labels[0][n]} if y_labels else {}
        s_text = {"text": s_labels[0][n]} if s_labels else {}
        out = {"type": "heatmap", "z": totals[n], **y_text}
        stamp = {"type": "heatmap", "z": stamps[n], **s_text}
        xb, yb = box(st.i, st.j, st.i, st.j)
        cell = {"type": "scatter", "x": xb, "y": yb}
        tint = {"type": "heatmap", "x0": st.cols[0], "y0": st.rows[0]}
        fx, fy = box(st.rows[0], st.cols[0], st.rows[1], st.cols[1])
        outline = {"type": "scatter", "x": fx, "y": fy}
        step = i18n.fmt(i18n.texts(lang), "Step {n}/{total}", n=n + 1, total=len(sc.stamps))
        value = num(st.value)
        line = i18n.fmt(i18n.texts(lang), "{cell} = {value}: {value} × K is added to Y at rows "
                        "{r0} to {r1}, columns {c0} to {c1}", cell=f"X[{st.i}, {st.j}]",
                        value=value, r0=st.rows[0], r1=st.rows[1], c0=st.cols[0],
                        c1=st.cols[1])
        if P.stacked:  # a phone's column: the line wrapped to it (Han characters count 1.5)
            chars = int((P.width - 40) / (0.6 * 14) / (1.5 if lang == "zh" else 1))
            line = "<br>".join(textwrap.wrap(line, chars))
        text = {"type": "scatter", "text": f"{step}<br>{line}"}
        if full:
            out.update(_grid(totals[n], "4", y_labels[0][n] if y_labels else None,
                             y_labels[1] if y_labels else 0, scale=y_scale,
                             hover="Y[%{y}, %{x}] = %{z:.4g}<extra></extra>"))
            stamp.update(_grid(stamps[n], "3", s_labels[0][n] if s_labels else None,
                               s_labels[1] if s_labels else 0, scale=s_scale,
                               hover="%{z:.4g}<extra></extra>"))
            cell.update(mode="lines", line={"color": TAP, "width": P.outline + 1}, xaxis="x",
                        yaxis="y", **skip)
            tint.update(z=foot, dx=1, dy=1, colorscale=[[0, TAP], [1, TAP]], opacity=0.35,
                        showscale=False, xaxis="x4", yaxis="y4", hoverinfo="skip")
            outline.update(mode="lines", line={"color": TAP, "width": P.outline}, xaxis="x4",
                           yaxis="y4", **skip)
            size = 14 if P.stacked else (PROJECTOR_FONT_PX if P.projector else 17)
            text.update(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x5",
                        yaxis="y5", textfont={"size": size}, **skip)
        return [out, stamp, cell, tint, outline, text]

    shown = moving(0, True)
    first = len(data)
    moving_at = list(range(first, first + len(shown)))
    frames = [{"name": str(n), "traces": moving_at, "data": moving(n, False)}
              for n in range(len(sc.stamps))]
    layout = {
        "height": P.height, "showlegend": False, "dragmode": False,
        "margin": {**P.margin, "t": P.top, "b": P.bottom, "autoexpand": False},
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    for n, (rows, cols, r0, c0) in enumerate(((H, W, 0, 0), (kh, kw, 0, 0), (kh, kw, 0, 0),
                                              (Hc, Wc, -ph, -pw)), start=1):
        P.axes(layout, n, rows, cols, first_row=r0, first_col=c0)
    P.text_axes(layout, 5)
    layout["annotations"] = [P.title(n, name) for n, name in enumerate(names, start=1)]
    controls = play_controls(len(frames), 0, small=P.stacked, lang=lang)
    return PlainFigure(data + shown, {**layout, **controls}, frames)


def _kinds(v: AsConv) -> np.ndarray:
    """Each cell of X_padded: 0 a real input, 1 an inserted zero, 2 the border."""
    (top, _), (left, _) = v.border
    s = v.geometry.stride
    Hs, Ws = v.X_spread.shape
    Hp, Wp = v.X_padded.shape
    r = np.arange(Hp)[:, None] - top
    c = np.arange(Wp)[None, :] - left
    inside = (r >= 0) & (r < Hs) & (c >= 0) & (c < Ws)
    real = inside & (r % s[0] == 0) & (c % s[1] == 0)
    return np.where(real, 0, np.where(inside, 1, 2))


def as_conv_figure(v: AsConv, *, width: int | None = None,
                   lang: str = i18n.DEFAULT) -> PlainFigure:
    """The transposed convolution as an ordinary one: the convolution's input (X spread out
    with s − 1 inserted zeros, in a border of d·(k − 1) − p zeros), the flipped K, output Y.

    Real inputs are coloured by value and named X[i, j] on hover; inserted zeros are pale
    yellow, the border grey; a dashed line marks where X's cells lie.
    """
    _ = i18n.texts(lang).gettext
    Xp, Kf, Y = (T.numpy().astype(np.float64) for T in (v.X_padded, v.K_flipped, v.Y))
    kinds = _kinds(v)
    (top, _b), (left, _r) = v.border
    s = v.geometry.stride
    heads = [_("input: X spread out, with a border"), _("flipped K"), _("output Y")]
    P = _Panels([Xp.shape, Kf.shape, Y.shape], heads, width=width, text_px=0, bottom=10)
    real = np.where(kinds == 0, Xp, np.nan)
    rr, cc = np.mgrid[0:Xp.shape[0], 0:Xp.shape[1]]
    names = np.where(kinds == 0, np.char.add(np.char.add(
        np.char.add("X[", ((rr - top) // s[0]).astype(str)), ", "),
        np.char.add(((cc - left) // s[1]).astype(str), "]")), "")
    hover = np.where(kinds == 1, _("inserted 0 (stride)"),
                     np.where(kinds == 2, _("border 0"), names)).tolist()
    labels = fit_labels(Xp, P.cell, font_px=P.font)
    data = [
        {"type": "heatmap", "z": real, "showscale": False, "xgap": 1, "ygap": 1,
         **_scale(real), "customdata": hover, "hoverongaps": False,
         "hovertemplate": "%{customdata} = %{z:.4g}<extra></extra>", "xaxis": "x",
         "yaxis": "y"},
        {"type": "heatmap", "z": np.where(kinds == 0, np.nan, kinds.astype(float)),
         "zmin": 1, "zmax": 2, "colorscale": [[0, INSERTED], [1, PAD]], "showscale": False,
         "xgap": 1, "ygap": 1, "customdata": hover, "hoverongaps": False,
         "hovertemplate": "%{customdata}<extra></extra>", "xaxis": "x", "yaxis": "y"},
    ]
    if labels:
        ink = np.where(kinds == 0, INK, np.where(kinds == 1, INSERTED_INK, PAD_INK))
        data.append({"type": "scatter", "x": cc.ravel().tolist(), "y": rr.ravel().tolist(),
                     "mode": "text", "text": [t for row in labels[0] for t in row],
                     "textfont": {"size": labels[1], "color": ink.ravel().tolist()},
                     "hoverinfo": "skip", "showlegend": False, "xaxis": "x", "yaxis": "y"})
    Hs, Ws = v.X_spread.shape
    bx, by = box(top, left, top + Hs - 1, left + Ws - 1)
    data.append({"type": "scatter", "x": bx, "y": by, "mode": "lines", "xaxis": "x",
                 "yaxis": "y", "line": {"color": "#444", "dash": "dash", "width": 2},
                 "hoverinfo": "skip", "showlegend": False})
    for n, A, name in ((2, Kf, "K"), (3, Y, "Y")):
        fitted = fit_labels(A, P.cell, font_px=P.font)
        hover_t = (_("flipped K") if name == "K" else "Y") + "[%{y}, %{x}] = %{z:.4g}"
        data.append(_grid(A, str(n), fitted[0] if fitted else None,
                          fitted[1] if fitted else 0, scale=_scale(A),
                          hover=hover_t + "<extra></extra>"))
    layout = {
        "height": P.height, "showlegend": False, "dragmode": False,
        "margin": {**P.margin, "t": P.top, "b": P.bottom, "autoexpand": False},
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    for n, A in enumerate((Xp, Kf, Y), start=1):
        P.axes(layout, n, *A.shape)
    layout["annotations"] = [P.title(n, name) for n, name in enumerate(heads, start=1)]
    return PlainFigure(data, layout)


__all__ = ["as_conv_figure", "scatter_animation"]


def quiz_view(sc: Scatter, n: int, *, width: int | None = None,
              lang: str = i18n.DEFAULT, projector: bool = False) -> PlainFigure:
    """Predict, then reveal: input X and kernel K in full, the output Y with its cells before
    cell n (row by row) shown, cell n outlined and marked “?”, every later cell blank. No
    hover on Y: the page draws it static, so nothing gives the answer away."""
    _ = i18n.texts(lang).gettext
    X, K, Y = (T.numpy().astype(np.float64) for T in (sc.X, sc.K, sc.Y))
    (H, W), (kh, kw), (Ho, Wo) = X.shape, K.shape, Y.shape
    names = [_("input X"), _("kernel K"), _("output Y")]
    P = _Panels([(H, W), (kh, kw), (Ho, Wo)], names, width=width, text_px=0, bottom=10,
                projector=projector)
    r, c = divmod(n, Wo)
    shown = np.full((Ho, Wo), np.nan)
    shown.flat[:n] = Y.flat[:n]
    y_fit = _fit(Y, P)
    y_text = None
    if y_fit:
        y_text = [[lab if k * Wo + m < n else "" for m, lab in enumerate(row)]
                  for k, row in enumerate(y_fit[0])]
    x_labels, k_labels = _fit(X, P), _fit(K, P)
    none = {"hoverinfo": "skip"}
    data = [
        _grid(X, "1", x_labels[0] if x_labels else None, x_labels[1] if x_labels else 0,
              hover="X[%{y}, %{x}] = %{z:.4g}<extra></extra>", scale=_scale(X)),
        _grid(K, "2", k_labels[0] if k_labels else None, k_labels[1] if k_labels else 0,
              hover="K[%{y}, %{x}] = %{z:.4g}<extra></extra>", scale=_scale(K)),
        {"type": "heatmap", "z": np.zeros((Ho, Wo)), "colorscale": [[0, "#f4f4f4"],
         [1, "#f4f4f4"]], "showscale": False, "xgap": 1, "ygap": 1, "xaxis": "x3",
         "yaxis": "y3", **none},
        _grid(shown, "3", y_text, y_fit[1] if y_fit else 0, hover="", scale=_scale(Y),
              **none),
    ]
    bx, by = box(r, c, r, c)
    data.append({"type": "scatter", "x": bx, "y": by, "mode": "lines", "xaxis": "x3",
                 "yaxis": "y3", "line": {"color": TAP, "width": P.outline + 1},
                 "hoverinfo": "skip",
                 "showlegend": False})
    # a heatmap writes no text on a blank (NaN) cell: the asked cell's “?” is its own trace
    data.append({"type": "scatter", "x": [c], "y": [r], "mode": "text", "text": ["?"],
                 "textfont": {"size": P.font, "color": TAP}, "xaxis": "x3", "yaxis": "y3",
                 "hoverinfo": "skip", "showlegend": False})
    layout = {"height": P.height, "showlegend": False, "dragmode": False,
              "margin": {**P.margin, "t": P.top, "b": P.bottom, "autoexpand": False},
              "plot_bgcolor": "rgba(0,0,0,0)"}
    for k, (rows, cols) in enumerate(((H, W), (kh, kw), (Ho, Wo)), start=1):
        P.axes(layout, k, rows, cols)
    layout["annotations"] = [P.title(k, name) for k, name in enumerate(names, start=1)]
    return PlainFigure(data, layout)
