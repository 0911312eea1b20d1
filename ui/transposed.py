"""The transposed-convolution page's computed results, shared read-only by every session: the
three views of one configuration (core.transposed) and their figures (viz.transposed,
viz.matrix).

A configuration is one flat key (``setting``), as on the sliding-window page (ui.sliding): X
and K packed as shape and bytes, then padding, stride, dilation and output_padding as pairs.
The cached functions take it by keyword.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import torch

from core import transposed as tc
from core.geometry import Pair
from core.practice import CellTask, trans_cell_tasks
from ui.charts import Packed, packed, unpacked
from viz import matrix, transposed
from viz.figure import PlainFigure

#: (X, K, padding, stride, dilation, output_padding)
Setting = tuple[Packed, Packed, Pair, Pair, Pair, Pair]


def setting_of(X: Any, K: Any, *, padding: Pair, stride: Pair, dilation: Pair,
               output_padding: Pair) -> Setting:
    """The cache key of one configuration."""
    return packed(X), packed(K), padding, stride, dilation, output_padding


def _args(setting: Setting) -> tuple[torch.Tensor, torch.Tensor, dict]:
    X, K, padding, stride, dilation, output_padding = setting
    return (torch.from_numpy(unpacked(X)).float(), torch.from_numpy(unpacked(K)).float(),
            dict(padding=padding, stride=stride, dilation=dilation,
                 output_padding=output_padding))


def geometry(setting: Setting) -> tc.TransGeometry:
    """The configuration checked (typed errors: output_padding, no output, too big)."""
    X, K, kw = _args(setting)
    return tc.trans_geometry(tuple(X.shape), tuple(K.shape), **kw)


@st.cache_data(max_entries=64, show_spinner=False)
def scattered(*, setting: Setting) -> tc.Scatter:
    """core.transposed.scatter of one configuration."""
    X, K, kw = _args(setting)
    return tc.scatter(X, K, **kw)


@st.cache_data(max_entries=64, show_spinner=False)
def as_conv(*, setting: Setting) -> tc.AsConv:
    """core.transposed.as_conv of one configuration."""
    X, K, kw = _args(setting)
    return tc.as_conv(X, K, **kw)


@st.cache_data(max_entries=64, show_spinner=False)
def by_matrix(*, setting: Setting) -> tuple[torch.Tensor, torch.Tensor]:
    """Wᵀ (H_out·W_out, H·W) and reshape(Wᵀ·vec(X)) (core.transposed's matrix view)."""
    X, K, kw = _args(setting)
    return tc.trans_conv_matrix(tuple(X.shape), K, **kw), tc.trans_conv2d_by_matrix(X, K, **kw)


@st.cache_resource(max_entries=32, show_spinner=False)
def scatter_figure(*, setting: Setting, lang: str, width: int | None = None,
                   projector: bool = False) -> PlainFigure:
    """The scatter animation in ``lang`` (its titles, step lines and buttons), shared
    read-only like ui.sliding.animated; ``projector``: the projector view's sizes."""
    return transposed.scatter_animation(scattered(setting=setting), width=width, lang=lang,
                                        projector=projector)


@st.cache_data(max_entries=64, show_spinner=False)
def cell_tasks(*, setting: Setting) -> tuple[CellTask, ...]:
    """core.practice.trans_cell_tasks of one configuration: each output cell to predict."""
    X, K, kw = _args(setting)
    return trans_cell_tasks(X, K, **kw)


@st.cache_resource(max_entries=32, show_spinner=False)
def quizzed(*, setting: Setting, n: int, lang: str, width: int | None = None,
            projector: bool = False) -> PlainFigure:
    """The quiz's figure for output cell n (viz.transposed.quiz_view), shared read-only."""
    return transposed.quiz_view(scattered(setting=setting), n, width=width, lang=lang,
                                projector=projector)


@st.cache_resource(max_entries=32, show_spinner=False)
def conv_figure(*, setting: Setting, lang: str, width: int | None = None) -> PlainFigure:
    """The same Y as an ordinary convolution, in ``lang``."""
    return transposed.as_conv_figure(as_conv(setting=setting), width=width, lang=lang)


@st.cache_resource(max_entries=32, show_spinner=False)
def matrix_figures(*, setting: Setting, names: tuple[str, str, str, str],
                   width: int | None = None, lang: str) -> tuple[PlainFigure, PlainFigure]:
    """W alone and Wᵀ·vec(X) = vec(Y), rows and columns named after their cells.

    ``names``: the axis titles in ``lang``: rows of W, columns of W, rows of Wᵀ, columns of
    Wᵀ. TooManyElements when the matrix is too large to draw (viz.matrix.MAX_DRAWN).
    """
    X, _, _ = _args(setting)
    M, Y = by_matrix(setting=setting)
    xs, ys = matrix.cell_names("X", tuple(X.shape)), matrix.cell_names("Y", tuple(Y.shape))
    W = matrix.product(M.T, names=("W", "", ""), rows=xs, cols=ys, row_title=names[0],
                       col_title=names[1], width=width, lang=lang)
    WT = matrix.product(M, X.reshape(-1), Y.reshape(-1), names=("Wᵀ", "vec(X)", "vec(Y)"),
                        rows=ys, cols=xs, row_title=names[2], col_title=names[3],
                        width=width, lang=lang)
    return W, WT
