"""The edge page's upload: a picture decoded once, when it arrives, and kept for the session.

Keys are the page's (``ed_`` prefix); what the session keeps of the picture starts with
``_ed_`` (not a widget, not in the URL: a file cannot travel in a link).
"""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from core.images import load_image
from i18n import N_

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
