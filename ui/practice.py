"""One exercise of the practice page: the answer box, the check by ``core.practice``, feedback
that names the slip, the worked solution on request, and the session's progress.

An answer is typed in a form (it stays as typed, right or wrong) and is never bound to the
URL: a shared link carries the exercises (their seed), not anyone's answers. Progress
(attempts, solved) lives in ``st.session_state`` only; nothing is stored on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.errors import CoreError
from core.practice import MISTAKES, Verdict
from i18n import Texts, count, error_text

#: Session key of the progress: {exercise id: {"attempts": n, "solved": bool}}.
PROGRESS = "pr_progress"


def progress() -> dict[str, dict[str, Any]]:
    """This session's progress (made on first use)."""
    return st.session_state.setdefault(PROGRESS, {})


def _record(exercise: str, right: bool) -> None:
    entry = progress().setdefault(exercise, {"attempts": 0, "solved": False})
    entry["attempts"] += 1
    entry["solved"] = entry["solved"] or right


def say(t: Texts, verdict: Verdict) -> None:
    """The verdict in words: right, or wrong with the slip it comes from when known."""
    _ = t.gettext
    if verdict.right:
        st.success(_("Right."), icon="✅")
    elif verdict.mistake:
        st.error(_("Not quite.") + " " + _(MISTAKES[verdict.mistake]), icon="🔎")
    else:
        st.error(_("Not quite: no slip we know of gives this answer. Check each step, or open "
                   "the worked solution."), icon="❌")


def exercise(t: Texts, exercise_id: str, *, label: str,
             check: Callable[[str], tuple[Verdict, Any]],
             show: Callable[[Verdict, Any], None], solution: Callable[[], None],
             area: bool = False, placeholder: str = "") -> None:
    """An answer box with a Check button. ``check(text)`` returns the verdict and anything
    ``show`` needs besides (a grid's marks). An answer it cannot read (a
    core.practice.AnswerError, a grid core.grids refuses) is said as a warning and not
    counted as an attempt. ``solution()`` writes the worked solution, behind an expander."""
    _ = t.gettext
    with st.form(f"pr_form_{exercise_id}", border=False):
        box = st.text_area if area else st.text_input
        text = box(label, key=f"pr_ans_{exercise_id}", placeholder=placeholder)
        checked = st.form_submit_button(_("Check"))
    if checked:
        try:
            verdict, extra = check(text)
        except CoreError as e:  # an unreadable answer (core.practice.AnswerError, a grid's)
            st.warning(error_text(t, e), icon="✍️")
        else:
            _record(exercise_id, verdict.right)
            show(verdict, extra)
    entry = progress().get(exercise_id)
    if entry:
        st.caption(count(t, "{n} attempt", "{n} attempts", entry["attempts"])
                   + (" · " + _("solved") if entry["solved"] else ""))
    with st.expander(_("Worked solution")):
        solution()
