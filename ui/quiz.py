"""Predict, then reveal: an animated page's output cells asked one at a time. The learner
types the value of the next cell, it is checked (``core.practice.CellTask``), and only then
shown, with its arithmetic; then the next cell. The sliding window uses it; pooling and the
transposed convolution can, with their own cells and figures.

The quiz's place (which cell, its score) is kept in ``st.session_state`` per configuration:
a changed setting starts the quiz again from the first cell. Answers are never in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from core.errors import CoreError
from core.practice import MISTAKES, CellTask
from i18n import Texts, error_text, fmt


def _state(key: str, setting: Hashable) -> dict[str, Any]:
    """The quiz's state for this configuration (a fresh one when the setting changed)."""
    state = st.session_state.get(key)
    if not state or state["setting"] != setting:
        state = st.session_state[key] = {"setting": setting, "n": 0, "shown": False,
                                         "right": 0, "asked": 0}
    return state


def _next(key: str) -> None:
    state = st.session_state[key]
    state.update(n=state["n"] + 1, shown=False)


def _restart(key: str) -> None:
    state = st.session_state[key]
    state.update(n=0, shown=False, right=0, asked=0)


def predict_then_reveal(t: Texts, *, key: str, setting: Hashable, cells: int,
                        name_of: Callable[[int], str], task_of: Callable[[int], CellTask],
                        figure_of: Callable[[int], Any], reveal_of: Callable[[int], str],
                        figure_config: dict | None = None) -> None:
    """Ask for output cell n of ``cells``: the figure with it hidden (``figure_of(n)``), an
    answer box, Check and Reveal; once right or revealed, its value and arithmetic
    (``reveal_of(n)``) and a button to the next cell."""
    _ = t.gettext
    state = _state(key, setting)
    n = min(state["n"], cells)
    if n == cells:
        st.success(fmt(t, "Done: {right} of {asked} cells right at the first try.",
                       right=state["right"], asked=state["asked"]), icon="🎉")
        st.button(_("Start again"), key=f"{key}_again", on_click=_restart, args=(key,))
        return
    st.plotly_chart(figure_of(n), key=f"{key}_fig", config=figure_config or {})
    name = name_of(n)
    st.markdown(f"### {name} = ?")
    task = task_of(n)
    if not state["shown"]:
        with st.form(f"{key}_form", border=False):
            text = st.text_input(fmt(t, "Your value of {name}", name=name),
                                 key=f"{key}_answer_{n}")
            c1, c2 = st.columns(2)
            checked = c1.form_submit_button(_("Check"))
            revealed = c2.form_submit_button(_("Reveal"))
        if checked:
            try:
                verdict = task.check(text)
            except CoreError as e:
                st.warning(error_text(t, e), icon="✍️")
            else:
                first = not state.get("tried")
                state["tried"] = True
                if verdict.right:
                    state.update(shown=True, right=state["right"] + first,
                                 asked=state["asked"] + 1, tried=False)
                    st.success(_("Right."), icon="✅")
                elif verdict.mistake:
                    st.error(_("Not quite.") + " " + _(MISTAKES[verdict.mistake]), icon="🔎")
                else:
                    st.error(_("Not quite: try again, or reveal it."), icon="❌")
        if revealed:
            state.update(shown=True, asked=state["asked"] + 1, tried=False)
    if state["shown"]:
        st.markdown(reveal_of(n))
        st.button(_("Next cell →"), key=f"{key}_next", on_click=_next, args=(key,),
                  type="primary")
    st.caption(fmt(t, "Cell {k} of {total} · {right} right at the first try so far.",
                   k=n + 1, total=cells, right=state["right"]))
