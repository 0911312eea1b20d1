"""Practice: the book's exercises, answered and checked by ``core``; a wrong answer is told
which slip it comes from. One seed in the link gives a whole class the same set."""

import random

import streamlit as st

from ui.frame import Frame
from ui.lang import gettext_for_session
from ui.practice import progress
from ui.practice_sections import SECTIONS, ExerciseSet
from ui.url import BIND, tabs

t = gettext_for_session()
_, ngettext = t

page = Frame("pr_", _("Practice"), _(
    "The exercises of the book's chapter, to try before you look: type an answer and press "
    "**Check**. A wrong answer is told which slip it comes from (dropping the + s, reading "
    "the padding as a total, rounding up, …); the worked solution, computed by the app, is "
    "under each exercise. Your answers and progress stay in this browser tab."))


def _new_variant() -> None:
    st.session_state.pr_seed = random.SystemRandom().randrange(1, 1_000_000)


with st.sidebar:
    seed = int(st.number_input(
        _("Exercise set"), 0, 999_999, 0, key="pr_seed", **BIND,
        help=_("The number in the link picks the exercises: a teacher's link gives every "
               "student the same set. 0 is the book's own numbers where it has them.")))
    st.button(_("New variant"), key="pr_new", on_click=_new_variant)
    solved = sum(entry["solved"] for entry in progress().values())
    st.caption(ngettext("{n} exercise solved in this tab", "{n} exercises solved in this tab",
                        solved).format(n=solved))

exercises = ExerciseSet(t, seed, page.projector)

# Lazy tabs (their ids in the URL, ``pr_tab``): a whole-page rerun (a new set, the language)
# runs the open section's exercises, not all twenty-one; a teacher's link opens the section
# it names. An answer checked in a closed section comes back with it (ui.practice.exercise).
NUMBER = {tab: n for n, tab in enumerate(SECTIONS, 1)}
for sheet, section in zip(tabs(list(SECTIONS), key="pr_tab",
                               format_func=lambda i: f"{NUMBER[i]} · {_(i)}"),
                          SECTIONS.values()):
    if sheet.open:
        with sheet:
            section(exercises)
page.end()
