"""The sliding-window page's computed results, shared read-only by every session: the trace
of one configuration, its animation and the figure of one picked window.

A configuration is one flat key (``setting``): X and K packed as shape and bytes
(ui.charts.packed), then padding, stride, dilation, padding mode and flip. Streamlit hashes
it in a few steps (nested tuples of floats are hashed value by value), and the cached
functions take it by keyword (a positional argument costs Streamlit an
``inspect.signature`` on every call). Defined here, not in the page: a page's script runs
on every rerun, and each run would decorate its cached functions again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import i18n
from core import windows
from ui.charts import Packed, heatmap_figure, packed, unpacked
from ui.frame import reject
from viz import STATIC, picture, sliding
from viz.figure import PlainFigure
from viz.grid import column_widths

#: (X, K, padding, stride, dilation, padding mode, flip)
Setting = tuple[Packed, Packed, Any, Any, Any, str, bool]


def setting_of(X: Any, K: Any, *, padding: Any, stride: Any, dilation: Any, mode: str,
               flip: bool) -> Setting:
    """The cache key of one configuration."""
    return packed(X), packed(K), padding, stride, dilation, mode, bool(flip)


@st.cache_data(max_entries=64, show_spinner=False)
def traced(*, setting: Setting) -> windows.WindowTrace:
    """core.sliding_windows of one configuration (X and K back as float32, as core takes
    them: their bytes are float64 copies of float32 values, exact)."""
    X, K, padding, stride, dilation, mode, flip = setting
    return windows.sliding_windows(unpacked(X), unpacked(K), padding=padding, stride=stride,
                                   dilation=dilation, padding_mode=mode, flip=flip)


@st.cache_resource(max_entries=32, show_spinner=False)
def animated(*, setting: Setting, lang: str, width: int | None = None) -> PlainFigure:
    """The animation of one configuration in one language (its titles, step line and
    buttons: ``lang`` is part of the key, or one visitor's language would reach another).
    Building it costs up to ~200 ms at 16×16, and the cell picker reruns the page without
    changing it. Shared read-only: a plain figure (viz.figure) is sent as the dicts it was
    made of and never changed."""
    return sliding.animation(traced(setting=setting), width=width, lang=lang)


@st.cache_resource(max_entries=64, show_spinner=False)
def picked(*, setting: Setting, n: int, lang: str, width: int | None = None) -> PlainFigure:
    """The picked window's figure (sliding.snapshot) in ``lang``, shared read-only like
    ``animated``."""
    return sliding.snapshot(traced(setting=setting), n, width=width, lang=lang)


@st.cache_resource(max_entries=64, show_spinner=False)
def quizzed(*, setting: Setting, n: int, lang: str, width: int | None = None) -> PlainFigure:
    """The quiz's figure for output cell n (sliding.quiz_view), shared read-only."""
    return sliding.quiz_view(traced(setting=setting), n, width=width, lang=lang)


#: Largest matrix side drawn cell by cell; a larger one is drawn as a picture (viz.picture).
MATRIX_CELLS = 64


@st.cache_data(max_entries=16, show_spinner=False)
def unrolled(*, setting: Setting) -> windows.MatrixView:
    """core.windows.matrix_view of one configuration."""
    return windows.matrix_view(traced(setting=setting))


def matrix_section(setting: Setting, *, lang: str) -> None:
    """The book's exercise 4 on the page's own setting: im2col·vec(K) and W·vec(X_padded),
    both equal to Y. Drawn only when asked for (its matrices grow with the input)."""
    t = i18n.texts(lang)
    _ = t.gettext
    try:
        m = unrolled(setting=setting)
    except ValueError as e:
        reject(e)
        return

    def draw(col, T, title: str, key: str, width: int) -> None:
        fig = (heatmap_figure(T, title=title, width=width, lang=lang)
               if max(T.shape) <= MATRIX_CELLS else
               picture(T, title=title, width=width, lang=lang))
        col.plotly_chart(fig, key=f"sw_mx_{key}", config=STATIC)

    st.markdown(_("**im2col:** every window of the padded X becomes one row, its cells in "
                  "reading order. One matrix product with K read as a column gives every "
                  "output cell at once: vec(Y) = im2col(X)·vec(K)."))
    widths = column_widths([3, 1, 1])
    for col, T, title, key, width in zip(
            st.columns([3, 1, 1]),
            (m.columns, traced(setting=setting).K.reshape(-1, 1), m.by_columns[:, None]),
            ("im2col(X)", "vec(K)", "vec(Y)"), ("cols", "k", "y"), widths):
        draw(col, T, title, key, width)
    st.markdown(_("**The layer as one matrix W:** one row per output cell, one column per cell "
                  "of the padded X; a row holds K's weights where its window reads. "
                  "vec(Y) = W·vec(X), and the transposed convolution is Wᵀ."))
    draw(st, m.W, "W", "W", column_widths(1)[0])
    (st.success if m.agree else st.error)(
        _("✓ Both products give Y.") if m.agree else _("✗ The products differ from Y."))
