"""One exercise of the practice page: the answer box, the check by ``core.practice``, feedback
that names the slip, the worked solution on request, and the session's progress.

An answer is typed in a form (it stays as typed, right or wrong) and is never bound to the
URL: a shared link carries the exercises (their seed), not anyone's answers. Progress
(attempts, solved) lives in ``st.session_state`` only; nothing is stored on the server.

Each exercise is a fragment: Check, and opening its worked solution, rerun that exercise
alone, not the page's twenty others (a class checking answers at once is the load this
page carries). A solution is written only while its expander is open. The page shows one
section of exercises at a time (lazy tabs); an answer checked in another section, and an
open worked solution, are given back when that section is opened again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
import torch

from core import practice as pr
from core.errors import CoreError
from core.practice import MISTAKES, Verdict
from i18n import Texts, count, error_text, fmt
from ui.url import section

#: Session key of the progress: {exercise id: {"attempts": n, "solved": bool}}.
PROGRESS = "pr_progress"
#: Session key of the answers last checked: {exercise id: the text checked}. While the box
#: still holds that text, its verdict stays on the page, through any rerun.
CHECKED = "pr_checked"


def progress() -> dict[str, dict[str, Any]]:
    """This session's progress (made on first use)."""
    return st.session_state.setdefault(PROGRESS, {})


def _record(exercise: str, right: bool) -> bool:
    """Count an attempt; True when it solved the exercise for the first time."""
    entry = progress().setdefault(exercise, {"attempts": 0, "solved": False})
    entry["attempts"] += 1
    newly = right and not entry["solved"]
    entry["solved"] = entry["solved"] or right
    return newly


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


@st.fragment
def exercise(t: Texts, exercise_id: str, *, label: str,
             check: Callable[[str], tuple[Verdict, Any]],
             show: Callable[[Verdict, Any], None], solution: Callable[[], None],
             area: bool = False, placeholder: str = "") -> None:
    """An answer box with a Check button. ``check(text)`` returns the verdict and anything
    ``show`` needs besides (a grid's marks). An answer it cannot read (a
    core.practice.AnswerError, a grid core.grids refuses) is said as a warning and not
    counted as an attempt. ``solution()`` writes the worked solution, behind an expander that
    runs it only when open. The whole exercise is a fragment (see the module's doc)."""
    _ = t.gettext
    checked = st.session_state.setdefault(CHECKED, {})
    key = f"pr_ans_{exercise_id}"
    if key not in st.session_state and exercise_id in checked:
        # Back in a section that was closed (the page's tabs): Streamlit dropped the box's
        # state when it was not drawn; the answer last checked comes back, with its verdict.
        st.session_state[key] = checked[exercise_id]
    with st.form(f"pr_form_{exercise_id}", border=False):
        box = st.text_area if area else st.text_input
        text = box(label, key=key, placeholder=placeholder)
        pressed = st.form_submit_button(_("Check"))
    if pressed or checked.get(exercise_id) == text:
        try:
            verdict, extra = check(text)
        except CoreError as e:  # an unreadable answer (core.practice.AnswerError, a grid's)
            st.warning(error_text(t, e), icon="✍️")
            verdict = None
        if pressed:
            checked[exercise_id] = text
            if verdict is not None and _record(exercise_id, verdict.right):
                st.rerun(scope="app")  # newly solved: the sidebar's count, then this again
        if verdict is not None:
            show(verdict, extra)
    entry = progress().get(exercise_id)
    if entry:
        st.caption(count(t, "{n} attempt", "{n} attempts", entry["attempts"])
                   + (" · " + _("solved") if entry["solved"] else ""))
    worked = section(_("Worked solution"), key=f"pr_sol_{exercise_id}", link=False)
    if worked.open:
        with worked:
            solution()


def grid_text(T: torch.Tensor) -> str:
    """A grid as the answer boxes take it: rows separated by “;”."""
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in T.tolist())


def show_marks(t: Texts, verdict: Verdict, marks: list[list[bool]]) -> None:
    """The verdict, then which cells of a typed grid are right."""
    say(t, verdict)
    if not verdict.right:
        st.markdown(t.gettext("Cell by cell (✓ right, ✗ wrong):"))
        st.code("\n".join(" ".join("✓" if m else "✗" for m in row) for row in marks),
                language=None)


def shape_question(t: Texts, task: pr.ShapeTask, exercise_id: str, heading: str) -> None:
    """A convolution's output-shape exercise, its padding per side or total as the task says."""
    _ = t.gettext
    where = (_("per side (PyTorch's `padding`)") if task.convention == "torch"
             else _("in total over both sides (the book's p_h, p_w)"))
    st.markdown(f"**{heading}** " + fmt(
        t, "Input {nh}×{nw}, kernel {kh}×{kw}, padding ({ph}, {pw}) {where}, stride "
           "({sh}, {sw}). What is the output's shape?",
        nh=task.n[0], nw=task.n[1], kh=task.k[0], kw=task.k[1], ph=task.p[0], pw=task.p[1],
        where=where, sh=task.s[0], sw=task.s[1]))

    def solution() -> None:
        rule = ("⌊(n + 2p − k)/s⌋ + 1" if task.convention == "torch" else "⌊(n − k + p + s)/s⌋")
        st.markdown(fmt(t, "Along each axis, {rule}:", rule=rule))
        for axis, n, k, p, s, out in zip((_("height"), _("width")), task.n, task.k, task.p,
                                         task.s, task.answer()):
            shown = (f"⌊({n} + 2·{p} − {k})/{s}⌋ + 1" if task.convention == "torch"
                     else f"⌊({n} − {k} + {p} + {s})/{s}⌋")
            st.markdown(fmt(t, "- {axis}: {formula} = **{out}**", axis=axis, formula=shown,
                            out=out))

    exercise(t, exercise_id, label=_("Output shape (height × width)"), placeholder="h×w",
             check=lambda text: (task.check(text), None), show=lambda v, _x: say(t, v),
             solution=solution)


def trans_question(t: Texts, task: pr.TransShapeTask, exercise_id: str, heading: str) -> None:
    """A transposed convolution's output-shape exercise (padding per side, as PyTorch's)."""
    _ = t.gettext
    st.markdown(f"**{heading}** " + fmt(
        t, "`nn.ConvTranspose2d(1, 1, kernel_size=({kh}, {kw}), stride=({sh}, {sw}), "
           "padding=({ph}, {pw}))` on a {nh}×{nw} input: what is the output's shape?",
        kh=task.k[0], kw=task.k[1], sh=task.s[0], sw=task.s[1], ph=task.p[0], pw=task.p[1],
        nh=task.n[0], nw=task.n[1]))

    def solution() -> None:
        st.markdown(_("Along each axis, (n − 1)·s − 2p + k:"))
        for axis, n, k, p, s, out in zip((_("height"), _("width")), task.n, task.k, task.p,
                                         task.s, task.answer()):
            st.markdown(fmt(t, "- {axis}: {formula} = **{out}**", axis=axis,
                            formula=f"({n} − 1)·{s} − 2·{p} + {k}", out=out))

    exercise(t, exercise_id, label=_("Output shape (height × width)"), placeholder="h×w",
             check=lambda text: (task.check(text), None), show=lambda v, _x: say(t, v),
             solution=solution)
