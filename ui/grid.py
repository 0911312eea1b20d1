"""A grid of numbers a visitor can type: a compact text field (bound to the URL) plus a
cell editor (``st.data_editor``) that writes back into it.

The text is the single source of truth, so a share link carries the grid; the editor
is rebuilt from it whenever the text is changed by hand.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from core import format_grid, parse_grid


def _version_key(key: str) -> str:
    return f"{key}_v"


def _editor_key(key: str) -> str:
    return f"{key}_ed{st.session_state.get(_version_key(key), 0)}"


def _text_changed(key: str) -> None:
    # A new editor key gives a fresh editor built from the new text.
    st.session_state[_version_key(key)] = st.session_state.get(_version_key(key), 0) + 1


def _editor_changed(key: str, base: list[list[float]]) -> None:
    """Apply the editor's edits to ``base`` and write the result into the text field."""
    state = st.session_state[_editor_key(key)]
    rows = [list(r) for r in base]
    for i, changes in state.get("edited_rows", {}).items():
        for col, v in changes.items():
            rows[int(i)][int(col)] = v
    width = len(rows[0]) if rows else 1
    for added in state.get("added_rows", []):
        rows.append([added.get(str(c), None) for c in range(width)])
    for i in sorted(state.get("deleted_rows", []), reverse=True):
        if len(rows) > 1:
            rows.pop(int(i))

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "_"
        return f"{float(v):g}" if isinstance(v, (int, float)) else str(v).strip() or "_"

    st.session_state[key] = "; ".join(" ".join(cell(v) for v in r) for r in rows)


def grid_input(
    label: str, *, key: str, default: str, max_rows: int, max_cols: int, help: str | None = None,
    editor: bool = True,
) -> tuple[torch.Tensor | None, str | None]:
    """Render the grid input; return (tensor, None) or (None, readable error).

    The text field's key is ``key`` (also its URL parameter); rows are separated by ";".
    """
    text = st.text_input(
        label, value=default, key=key, bind="query-params", on_change=_text_changed, args=(key,),
        help=help or f"Rows separated by “;”, numbers by spaces, up to {max_rows}×{max_cols}.",
        max_chars=20 * max_rows * max_cols,
    )
    try:
        T = parse_grid(text, name=label, max_rows=max_rows, max_cols=max_cols)
    except ValueError as e:
        return None, str(e)
    if editor:
        base = T.tolist()
        st.data_editor(
            pd.DataFrame(base, columns=[str(c) for c in range(T.shape[1])]),
            key=_editor_key(key), on_change=_editor_changed, args=(key, base),
            num_rows="dynamic" if T.shape[0] < max_rows else "fixed", hide_index=True,
            width="stretch",
        )
    return T, None


__all__ = ["format_grid", "grid_input"]
