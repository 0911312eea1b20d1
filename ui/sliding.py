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

from core import windows
from ui.charts import Packed, packed, unpacked
from viz import sliding
from viz.figure import PlainFigure

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
def animated(*, setting: Setting, lang: str, width: int | None = None,
             projector: bool = False) -> PlainFigure:
    """The animation of one configuration in one language (its titles, step line and
    buttons: ``lang`` is part of the key, or one visitor's language would reach another).
    Building it costs up to ~200 ms at 16×16, and the cell picker reruns the page without
    changing it. Shared read-only: a plain figure (viz.figure) is sent as the dicts it was
    made of and never changed."""
    return sliding.animation(traced(setting=setting), width=width, lang=lang, projector=projector)


@st.cache_resource(max_entries=64, show_spinner=False)
def picked(*, setting: Setting, n: int, lang: str, width: int | None = None,
           projector: bool = False) -> PlainFigure:
    """The picked window's figure (sliding.snapshot) in ``lang``, shared read-only like
    ``animated``."""
    return sliding.snapshot(traced(setting=setting), n, width=width, lang=lang,
                            projector=projector)


@st.cache_resource(max_entries=64, show_spinner=False)
def quizzed(*, setting: Setting, n: int, lang: str, width: int | None = None,
            projector: bool = False) -> PlainFigure:
    """The quiz's figure for output cell n (sliding.quiz_view), shared read-only."""
    return sliding.quiz_view(traced(setting=setting), n, width=width, lang=lang,
                             projector=projector)
