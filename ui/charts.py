"""Figures shared read-only by every session: built once per numbers and view, kept by
``st.cache_resource``, sent as the plain dicts they are made of (viz.figure).

A page whose grids do not change with its settings (the notebook tour's) or change rarely
builds nothing on a rerun: a heatmap costs ≈ 1 ms of CPU to build and far less to send.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from viz.figure import PlainFigure
from viz.grid import heatmap


def plain(T: Any) -> tuple[tuple[float, ...], ...]:
    """A 2-D grid (tensor or array) as nested tuples of floats: a cache key, and what the
    cached builders take for a grid."""
    A = np.asarray(T.detach() if hasattr(T, "detach") else T, dtype=np.float64)
    return tuple(tuple(float(v) for v in row) for row in A)


#: A grid as a cache key: its shape and its float64 bytes.
Packed = tuple[tuple[int, ...], bytes]


def packed(T: Any) -> Packed:
    """A grid as a cache key Streamlit hashes in one step (nested tuples of floats, like
    ``plain``'s, are hashed value by value: the tour's grids spent more time being hashed
    than their cached figures took to send)."""
    A = np.ascontiguousarray(T.detach() if hasattr(T, "detach") else T, dtype=np.float64)
    return A.shape, A.tobytes()


def unpacked(key: Packed) -> np.ndarray:
    """The grid ``packed`` made the key of (a writable copy: torch refuses read-only memory)."""
    shape, data = key
    return np.frombuffer(data, dtype=np.float64).reshape(shape).copy()


# Keyword-only, like every cached function here: a positional argument costs Streamlit an
# inspect.signature of the function on every call.
@st.cache_resource(max_entries=256, show_spinner=False)
def _heatmap(*, key: Packed, title: str, zmax: float | None, width: int | None,
             lang: str, projector: bool) -> PlainFigure:
    return heatmap(unpacked(key), title=title, zmax=zmax, width=width, lang=lang,
                   projector=projector)


def heatmap_figure(T: Any, *, lang: str, title: str = "", zmax: float | None = None,
                   width: int | None = None, projector: bool = False) -> PlainFigure:
    """viz.grid.heatmap of T (≤ 16 a side: numbers in its cells), built once per numbers,
    title (in the visitor's language), scale, width and language (its hover text: no
    default, so no page can leave it in English); shared read-only. ``projector``: the
    projector view's sizes (ui.view)."""
    return _heatmap(key=packed(T), title=title, zmax=None if zmax is None else float(zmax),
                    width=width, lang=lang, projector=projector)
