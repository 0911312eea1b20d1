"""A grid of numbers a visitor can type: a compact text field (bound to the URL) plus a
cell editor (``st.data_editor``) that writes back into it.

The text is the single source of truth, so a share link carries the grid. The editor is
built from the text and then kept, with the same data, for as long as the text is what the
editor itself wrote: ``st.data_editor`` reports edits relative to the data it was first given,
so feeding it the edited grid back would make its next edit vanish. A text changed any other
way (typed, from a link) gives a fresh editor.

The editor's cells are text, not numbers, so a mistyped letter stays in its cell (and in the
text) where it can be seen and corrected, and the editor stays on screen while a cell is wrong.
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd
import streamlit as st
import torch

from core import format_grid
from core.grids import GridError, cells_to_tensor, split_cells
from i18n import fmt
from ui.lang import gettext_for_session
from ui.url import BIND

#: A cell as the editor holds it: its text, or None when empty.
Cell = str | None


class _Editor(TypedDict):
    """What a grid keeps of its editor between reruns (in st.session_state)."""

    version: int  # part of the widget key: a new version is a fresh editor
    base: list[list[Cell]]  # the data the editor was built from
    fixed: bool  # no rows to add (the grid had its maximum number of rows)
    text: str | None  # what the editor last wrote into the text field; None: rebuild


def _state_key(key: str) -> str:
    return f"{key}_editor"


def _editor_key(key: str, version: int) -> str:
    return f"{key}_ed{version}"


def _editor_cells(rows: list[list[str]]) -> list[list[Cell]]:
    """Cells for the editor: "_" (the text form of an empty cell) shown empty, short rows
    padded with empty cells so a ragged grid still has its rectangle to fix it in."""
    width = max(len(r) for r in rows)
    return [[None if c.strip() == "_" else c for c in r] + [None] * (width - len(r))
            for r in rows]


def _cell_text(v: object) -> str:
    """One editor cell in the text form: as typed, "_" when empty."""
    if v is None or (isinstance(v, float) and v != v):
        return "_"
    return (f"{v:g}" if isinstance(v, (int, float)) else str(v)).strip() or "_"


def _editor_changed(key: str) -> None:
    """Apply the editor's edits (relative to its base) and write the grid into the text."""
    ed: _Editor = st.session_state[_state_key(key)]
    state = st.session_state[_editor_key(key, ed["version"])]
    rows = [list(r) for r in ed["base"]]
    for i, changes in state.get("edited_rows", {}).items():
        for col, v in changes.items():
            rows[int(i)][int(col)] = v
    width = len(rows[0])
    for added in state.get("added_rows", []):
        rows.append([added.get(str(c), None) for c in range(width)])
    deleted = sorted({int(i) for i in state.get("deleted_rows", [])}, reverse=True)
    kept_one = len(deleted) >= len(rows)  # a grid keeps a row: the editor must be redrawn
    for i in deleted[:len(rows) - 1]:
        rows.pop(i)
    text = "; ".join(" ".join(_cell_text(v) for v in r) for r in rows)
    st.session_state[key] = text
    ed["text"] = None if kept_one else text


def grid_input(
    label: str, *, key: str, default: str, max_rows: int, max_cols: int, help: str | None = None,
    editor: bool = True,
) -> tuple[torch.Tensor | None, GridError | None]:
    """Render the grid input; return (tensor, None) or (None, the rejection).

    The rejection is a :class:`core.grids.GridError` (a ``ValueError``: ``str()`` is the
    readable message, its attributes the numbers). The text field's key is ``key`` (also its
    URL parameter). The editor is drawn whenever the text can be cut into cells, typos
    included, so it does not vanish (and move what is below it) while a cell is wrong.
    ``label`` and ``help`` come translated; the default help is worded in the session's language.
    """
    text = st.text_input(
        label, value=default, key=key, **BIND,
        help=help or fmt(gettext_for_session(),
                         "Rows separated by “;”, numbers by spaces or commas (full-width ；，、 "
                         "work too), or the book's [[0, 1], [2, 3]] or torch.tensor(...); up to "
                         "{max_rows}×{max_cols}.", max_rows=max_rows, max_cols=max_cols),
        max_chars=20 * max_rows * max_cols,
    )
    try:
        rows = split_cells(text, name=label, max_rows=max_rows, max_cols=max_cols)
    except GridError as e:  # no cells to show (empty, unreadable brackets, far too long)
        return None, e
    try:
        T, error = cells_to_tensor(rows, name=label, max_rows=max_rows, max_cols=max_cols), None
    except GridError as e:
        T, error = None, e
    if editor:
        _cell_editor(key, text, rows, max_rows=max_rows, max_cols=max_cols)
    return T, error


def _cell_editor(key: str, text: str, rows: list[list[str]], *, max_rows: int,
                 max_cols: int) -> None:
    """The editor for ``rows`` (the cells of ``text``); every column holds text."""
    ed: _Editor | None = st.session_state.get(_state_key(key))
    if ed is None or ed["text"] != text:  # first run, or the text did not come from the editor
        if not rows or len(rows) > max_rows or not 0 < max(map(len, rows)) <= max_cols:
            return
        ed = _Editor(version=ed["version"] + 1 if ed else 0, base=_editor_cells(rows),
                     fixed=len(rows) >= max_rows, text=text)
        st.session_state[_state_key(key)] = ed
    columns = [str(c) for c in range(len(ed["base"][0]))]
    st.data_editor(
        pd.DataFrame(ed["base"], columns=columns, dtype=object),
        column_config={c: st.column_config.TextColumn(c, alignment="right") for c in columns},
        key=_editor_key(key, ed["version"]), on_change=_editor_changed, args=(key,),
        num_rows="fixed" if ed["fixed"] else "dynamic", hide_index=True, width="stretch",
        placeholder="",  # an empty cell looks empty, not "None"
    )


__all__ = ["format_grid", "grid_input"]
