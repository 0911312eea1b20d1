"""The edge page's upload (a picture decoded once, when it arrives, and kept for the session)
and its cached results and figures.

Keys are the page's (``ed_`` prefix); what the session keeps of the picture starts with
``_ed_`` (not a widget, not in the URL: a file cannot travel in a link).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import core
from core.images import load_image
from core.kernels import gradient_magnitude
from i18n import N_
from viz.edges import adaptive_grid

UPLOAD = N_("Your upload")  # an id: it ends up in the URL (shown translated)
SEED_X = "Seed stripes 6×8"
#: Session-only state: the decoded picture, the last refusal, the preset a custom kernel
#: starts from.
PIC, ERR, LAST = "_ed_picture", "_ed_upload_error", "_ed_last_preset"


def shown_name(name: str) -> str:
    """A file name safe to show in Markdown and Plotly titles (which read links and tags)."""
    return re.sub(r"[^\w .,()+-]", "_", name)[:60] or "upload"


def uploaded() -> None:
    """Decode a new upload (a callback); on failure keep the picture shown before and keep
    the refusal (``ERR``: the file's shown name and the error) to say why."""
    f = st.session_state.get("ed_upload")
    if f is None:  # the file was removed
        if st.session_state.pop(ERR, None) is None:
            st.session_state.pop(PIC, None)
            if st.session_state.get("ed_img") == UPLOAD:
                st.session_state["ed_img"] = SEED_X
        return
    data, name = f.getvalue(), shown_name(f.name)
    try:
        X = load_image(data)
    except ValueError as e:
        st.session_state[ERR] = (name, e)
        return
    st.session_state.pop(ERR, None)
    st.session_state[PIC] = {"id": "upload:" + hashlib.sha256(data).hexdigest(),
                             "name": name, "X": X.numpy()}
    st.session_state["ed_img"] = UPLOAD


# The page's computations and figures, cached here (a cached function defined in the page
# would be made again, its source read, on every run).
@st.cache_data(max_entries=32, show_spinner=False)
def correlate(image_id: str, kernel: tuple[tuple[float, ...], ...], padding: int, stride: int,
              mode: str, _X: np.ndarray) -> np.ndarray:
    """Y = corr2d(X, K); ``image_id`` names X (``_X`` is left out of the cache key)."""
    return core.corr2d(_X, kernel, padding=padding, stride=stride, padding_mode=mode).numpy()


@st.cache_data(max_entries=16, show_spinner=False)
def sobel_gradients(image_id: str, padding: int, stride: int, mode: str,
                    _X: np.ndarray) -> tuple[np.ndarray, ...]:
    """(Gx, Gy, √(Gx² + Gy²)) of the picture ``image_id``."""
    return tuple(G.numpy() for G in gradient_magnitude(_X, padding=padding, stride=stride,
                                                       padding_mode=mode))


@st.cache_resource(max_entries=48, show_spinner=False)
def grid_figure(*, source: tuple, title: str, width: int, zmax: float | None, lang: str,
                projector: bool, _Z: np.ndarray) -> go.Figure:
    """The figure of the grid that ``source`` (plain values) names, with its title and hover
    in ``lang``. Shared by sessions and never changed: st.plotly_chart draws from a copy
    (Figure.to_dict). Unlike cache_data it is not unpickled on every hit, which costs as much
    as drawing a 512² PNG again."""
    return adaptive_grid(_Z, title=title, colorbar=True, width=width, zmax=zmax, lang=lang,
                         projector=projector, modebar=True)  # drawn with chart_config
