"""The sliding-window page's matrix view (d2l's exercise 4 of the convolution section): the
cross-correlation of the page's configuration as W·vec(X) = vec(Y) (``core.matrix.conv_matrix``)
and as im2col(X)·vec(K) = vec(Y) (``core.matrix.im2col``), drawn by viz.matrix.

The figures are built once per configuration, language and width, and shared read-only
(``st.cache_resource``), like the page's animation (ui.sliding).
"""

from __future__ import annotations

import streamlit as st
import torch

from core.matrix import conv_matrix, im2col
from i18n import Texts, fmt
from ui.charts import unpacked
from ui.frame import reject
from ui.sliding import Setting, traced
from viz import matrix
from viz.figure import PlainFigure


def _inputs(setting: Setting) -> tuple[torch.Tensor, torch.Tensor, dict]:
    X, K, padding, stride, dilation, _mode, flip = setting
    X, K = torch.from_numpy(unpacked(X)).float(), torch.from_numpy(unpacked(K)).float()
    return X, K.flip(0, 1) if flip else K, dict(padding=padding, stride=stride,
                                                dilation=dilation)


@st.cache_resource(max_entries=32, show_spinner=False)
def products(*, setting: Setting, titles: tuple[str, str, str, str], lang: str,
             width: int | None = None) -> tuple[PlainFigure, PlainFigure, float]:
    """W·vec(X) = vec(Y) and im2col(X)·vec(K) = vec(Y) for one configuration (zero
    padding), and the largest difference of either product from the page's Y.

    ``titles``: rows and columns of W, rows and columns of im2col(X), in ``lang``.
    TooManyElements when a matrix is too large to draw (viz.matrix.MAX_DRAWN).
    """
    X, K, geo = _inputs(setting)
    Y = traced(setting=setting).Y
    W = conv_matrix(tuple(X.shape), K, **geo)  # (H_out·W_out, H·W)
    cols = im2col(X, tuple(K.shape), **geo)  # (H_out·W_out, k_h·k_w)
    ys = matrix.cell_names("Y", tuple(Y.shape))
    diff = max(float((W @ X.reshape(-1) - Y.reshape(-1)).abs().max()),
               float((cols @ K.reshape(-1) - Y.reshape(-1)).abs().max()))
    by_w = matrix.product(W, X.reshape(-1), Y.reshape(-1), names=("W", "vec(X)", "vec(Y)"),
                          rows=ys, cols=matrix.cell_names("X", tuple(X.shape)),
                          row_title=titles[0], col_title=titles[1], width=width, lang=lang)
    by_cols = matrix.product(cols, K.reshape(-1), Y.reshape(-1),
                             names=("im2col(X)", "vec(K)", "vec(Y)"), rows=ys,
                             cols=matrix.cell_names("K", tuple(K.shape)),
                             row_title=titles[2], col_title=titles[3], sparse=False,
                             width=width, lang=lang)
    return by_w, by_cols, diff


def matrix_view(setting: Setting, t: Texts, *, width: int | None = None) -> None:
    """The section's body: the two products, or why they are not drawn."""
    _ = t.gettext
    if setting[5] != "zeros":
        st.info(fmt(t, "The matrix view is drawn for zero padding. With {mode} padding the "
                       "padding cells copy cells of X, so W would add their weights to "
                       "those cells' columns; switch the padding mode to zeros to see it.",
                    mode=_(setting[5])))
        return
    st.markdown(_("The whole layer is one matrix W with a row per output cell and a column per "
                  "input cell: row Y[i, j] holds K's weights in the columns of the cells its "
                  "window reads, zeros elsewhere. im2col(X) turns it round: a row per window, "
                  "holding the cells under it, times K's weights as a vector. Hover over an "
                  "entry to see which cells it links."))
    try:
        by_w, by_cols, diff = products(setting=setting, lang=t.lang, width=width, titles=(
            _("rows: output Y"), _("columns: input X"),
            _("rows: output Y (one window each)"), _("columns: K's weights")))
    except ValueError as e:
        reject(e, lead=_("The matrix is too large to draw."),
               hint=_("Use a smaller input, kernel or stride to see it."))
        return
    st.plotly_chart(by_w, key="sw_matrix_w", config={"displayModeBar": False})
    st.plotly_chart(by_cols, key="sw_matrix_cols", config={"displayModeBar": False})
    if diff < 1e-4:
        st.success(fmt(t, "✓ Both products give the sliding window's Y (largest difference "
                          "{diff:.2g}).", diff=diff))
    else:
        st.error(fmt(t, "✗ They differ (largest difference {diff:.3g}).", diff=diff))
