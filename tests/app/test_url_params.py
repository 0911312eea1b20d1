"""Every URL parameter of every page: a value the widget cannot take falls back to its default,
with a note that names it; a name the page does not know gets a note too.

The table is read from the pages, never written by hand: each page is opened on its default
view and then once per choice of each option widget (select boxes, radios, toggles, tabs);
every widget bound to the URL on any of those views is a row, with the link that shows it.
A new parameter is in the table as soon as a page binds it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import cycle
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, assert_clean, run_page
from ui.nav import PAGES
from ui.url import LINKED

BUILT = [f for f, *_ in PAGES if (ROOT / "pages" / f).exists()]
#: Text widgets take any string: the page's own parser judges it (each page's tests do).
TEXT = ("TextInput", "TextArea")
NUMBERS = ("Slider", "NumberInput")
#: How far from the default view the exploration goes (a widget shown once another is set).
DEPTH = 2
#: Bad numbers, dealt in turn to the numeric rows, so the table meets each kind of bad value.
#: None stands for "just past the widget's range"; inf and 1e309 once crashed an int
#: number_input (Streamlit 1.67) before any page code ran.
BAD_NUMBERS = (None, "abc", "inf", "-inf", "nan", "1e309", "below")


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def bound(at: AppTest) -> list[str]:
    """The URL parameters a widget is bound to after this run, in page order, then those of
    the choices drawn (``ui.url.choice``: widgets whose link carries the option's id, not its
    translated label; they are not bound, and the page writes their parameter itself)."""
    with at.session_state._state.query_params() as qp:
        keys = list(qp._bindings_by_param)
    linked = at.session_state[LINKED] if LINKED in at.session_state else {}
    return keys + [k for k, (drawn, _) in linked.items() if drawn and k not in keys]


def widget(at: AppTest, key: str):
    """The element with this key (a tab set is the block holding its tabs)."""
    return next(e for e in _walk(at._tree) if getattr(e, "key", None) == key)


def choices(w) -> list[str]:
    """The values an option widget can take, as a link writes them; [] for other widgets."""
    kind = type(w).__name__
    if kind in ("Toggle", "Checkbox"):
        return ["true", "false"]
    if kind == "Block":  # st.tabs: its tabs' labels
        return [str(t.label) for t in _walk(w) if type(t).__name__ == "Tab"]
    if kind in ("Selectbox", "Radio", "ButtonGroup", "SelectSlider"):
        return [str(o) for o in w.options]
    return []


@dataclass(frozen=True)
class Row:
    page: str
    key: str
    kind: str
    link: tuple[tuple[str, str], ...]  # the link that shows the widget
    default: Any  # its value there
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def __str__(self) -> str:
        return f"{self.page}:{self.key}"


def _row(page: str, link: dict[str, str], at: AppTest, key: str) -> Row:
    w = widget(at, key)
    kind = type(w).__name__
    value = at.session_state[key]
    if kind in NUMBERS and not isinstance(value, (list, tuple)):
        return Row(page, key, kind, tuple(link.items()), value, w.min, w.max,
                   isinstance(value, int) and not isinstance(value, bool))
    return Row(page, key, kind, tuple(link.items()), value)


@cache
def table(page: str) -> tuple[Row, ...]:
    """Every URL-bound widget of ``page``, found by opening it on each choice of its options."""
    rows: dict[str, Row] = {}
    views = [({}, 0)]
    while views:
        link, depth = views.pop(0)
        at = run_page(f"pages/{page}", link)
        assert_clean(at)
        for key in bound(at):
            if key in rows:
                continue
            rows[key] = _row(page, link, at, key)
            if depth < DEPTH:
                shown = str(at.session_state[key]).lower()
                views += [({**link, key: c}, depth + 1)
                          for c in choices(widget(at, key)) if c.lower() != shown]
    return tuple(rows.values())


def bad_values(row: Row, turn: str | None) -> list[str]:
    """Values ``row``'s widget cannot take: one per row, and inf for every number box too."""
    if row.kind in ("Toggle", "Checkbox"):
        return ["maybe"]
    if row.kind not in NUMBERS:
        return ["no-such-option"]
    if row.high is None:  # a range slider (two thumbs)
        return ["abc"]
    step = 1 if row.integer else 0.5
    num = int if row.integer else float
    bad = {None: str(num(row.high + step)), "below": str(num(row.low - step))}.get(turn, turn)
    return [bad, "inf"] if row.kind == "NumberInput" and bad not in ("inf", "1e309") else [bad]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b)
    return a == b


def problem(row: Row, bad: str) -> str | None:
    """What is wrong when ``row``'s parameter is given ``bad`` in a link; None when all is well."""
    at = run_page(f"pages/{row.page}", {**dict(row.link), row.key: bad})
    if at.exception:
        return f"{row.key}={bad}: {[e.value for e in at.exception]}"
    note = " ".join(str(w.value) for w in at.warning)
    if f"`{row.key}={bad}` from the link is not a valid value" not in note:
        return f"{row.key}={bad}: no note naming it (notes: {note!r})"
    if not same(at.session_state[row.key], row.default):
        return f"{row.key}={bad}: {at.session_state[row.key]!r}, not the default {row.default!r}"
    return None


def settings_of(page: str) -> tuple[Row, ...]:
    rows = table(page)
    if not rows:
        pytest.skip(f"{page} binds no URL parameter")
    return rows


# The table is built when a test runs, not when pytest collects: collecting stays instant.
@pytest.mark.parametrize("page", BUILT)
def test_every_link_parameter_takes_a_bad_value_with_a_note_and_the_default(page: str):
    numbers = cycle(BAD_NUMBERS)
    problems = [problem(row, bad)
                for row in settings_of(page) if row.kind not in TEXT
                for bad in bad_values(row, next(numbers) if row.kind in NUMBERS else None)]
    assert not [p for p in problems if p], [p for p in problems if p]


@pytest.mark.parametrize("page", BUILT)
def test_a_name_the_page_does_not_know_gets_a_note(page: str):
    prefixes = Counter(row.key.split("_")[0] + "_" for row in settings_of(page))
    prefix = prefixes.most_common(1)[0][0]
    at = run_page(f"pages/{page}", {f"{prefix}zzz": "1", "utm_source": "mail"})
    assert_clean(at)
    note = " ".join(str(w.value) for w in at.warning)
    assert f"`{prefix}zzz` is not a setting of this page" in note
    assert "utm_source" not in note


def test_the_exploration_reaches_widgets_shown_only_once_another_is_set():
    keys = {row.key: row.link for page in BUILT for row in table(page)}
    assert keys["sw_kpreset"] == (("sw_k", "preset"),)
    assert keys["ed_custom"] == (("ed_kernel", "Custom kernel"),)
    assert keys["lk_kh"] == (("lk_same", "false"),)
