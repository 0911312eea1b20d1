"""The "copy link to this view" control: the page's URL with every setting in it."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st


def view_url() -> str:
    """This page's address with the current query parameters (the bound widgets' values)."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode(
        [(k, v) for k in st.query_params for v in st.query_params.get_all(k)], doseq=False
    )
    return f"{base}?{query}" if query else base


def share_link(*, key: str) -> None:
    """A popover with the link to this exact view; the code box has a copy button."""
    with st.popover("🔗 Copy link to this view", key=key):
        st.caption("Everything you set is in this address; opening it restores the view.")
        st.code(view_url(), language=None)
