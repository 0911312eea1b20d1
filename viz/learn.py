"""Figures for the kernel-learning page: the loss curve and grids on a shared colour scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from viz.grid import MAX_NUMBERED, heatmap
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
            title += " · best possible ≈ 0 (some kernel fits Y exactly)"
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
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 40}, showlegend=False,
        title={"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 14}},
    )
    fig.update_xaxes(title="step", range=[0.5, total + 0.5])
    fig.update_yaxes(title="loss (log scale)" if log else "loss", type="log" if log else "linear",
                     exponentformat="power")
    return fig
