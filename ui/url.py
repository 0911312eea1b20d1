"""Settings in the URL: widgets use ``bind="query-params"``; this module notices what the
binding silently dropped and tells the visitor.

Streamlit drops a bound parameter whose value the widget cannot take (not a number,
out of range, not an option). ``UrlCheck`` remembers the raw values before the widgets
run and, after them, names every parameter whose value did not survive.

Only values that came from a link are judged. On every rerun the browser sends the URL the
previous run left, so a value the page itself wrote (and a callback or a clamp has changed
since) looks like a link value that "did not survive". A bound widget reads the URL only
when it is first drawn on a page visit; before that it has no binding. So a parameter is
judged only while no widget is bound to it yet (the session's first run, a page entered by
navigation or history), and an unknown one once per session and value.

Notes are kept as data (the parameter, the link's value, the value used) and worded when shown,
in the visitor's language of that moment. Parameters in ``GLOBAL`` belong to every page (the
language, ``ui.lang``): their notes show on whichever page is open.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from i18n import N_, count, fmt

_NOTES = "_url_notes"
#: (key, values) of unknown parameters already named this session: they stay in the URL.
_NAMED = "_url_named"
#: What every widget bound to the URL passes: ``st.slider(..., **BIND)``.
BIND: dict[str, Any] = {"bind": "query-params"}
#: Old parameter names kept working after a rename: {old: new}.
ALIASES: dict[str, str] = {}
#: Parameters of every page, not of one (no page prefix): judged by their own module.
GLOBAL: frozenset[str] = frozenset({"lang"})
#: The notes' wording, by kind: a parameter no page has, a value its widget could not take.
_UNKNOWN = N_("`{key}` is not a setting of this page; ignored.")
_INVALID = N_("`{key}={shown}` from the link is not a valid value; the page used `{used}` instead.")
#: Parameters that no longer exist and whose old links open the same view: dropped silently.
RETIRED: frozenset[str] = frozenset({
    "lk_slow",  # issue 12's slow-motion length: the browser now plays a run at its own speeds
})


def _same(raw: list[str], value: Any) -> bool:
    """Whether the URL's raw strings describe the widget's current value."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(raw) != len(values):
        return len(raw) > 1 and len(values) == 1 and _same(raw[-1:], value)
    for r, v in zip(raw, values):
        if isinstance(v, bool):
            ok = r.strip().lower() == str(v).lower()
        elif isinstance(v, (int, float)):
            try:
                f = float(r)
            except ValueError:
                return False
            ok = math.isclose(f, float(v), rel_tol=1e-9, abs_tol=1e-12)
        else:
            ok = r == str(v)
        if not ok:
            return False
    return True


def _non_finite(text: str) -> bool:
    try:
        return not math.isfinite(float(text))
    except (ValueError, OverflowError):
        return False


def _is_bound(key: str) -> bool:
    from streamlit.runtime.state.session_state_proxy import get_session_state

    with get_session_state().query_params() as qp:
        return qp.is_bound(key)


def note_invalid(key: str, raw: str, used: object) -> None:
    """Note that the link's ``key={raw}`` could not be used and ``used`` was (for a parameter
    no widget is bound to, such as ``lang``); shown by the page's ``UrlCheck.report``."""
    notes = st.session_state.setdefault(_NOTES, {})
    notes[key] = (_INVALID, {"key": key, "shown": raw[:40], "used": used})


class UrlCheck:
    """Call ``UrlCheck(prefix)`` under the page's intro, before its widgets, and
    ``.report()`` after them; the note shows where the check was made."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        # An empty placeholder takes no room; report() fills it, wherever it is called from.
        self._slot = st.empty()
        self._apply_aliases()
        self.raw = {
            k: st.query_params.get_all(k) for k in st.query_params if k.startswith(prefix)
        }
        # A bound parameter holds what the page's widget wrote on the run before, not a link.
        self.raw = {k: v for k, v in self.raw.items() if not _is_bound(k)}
        self._drop_non_finite()

    def _apply_aliases(self) -> None:
        """Give a renamed parameter's old value to its new name, so old links keep working;
        drop a retired one.

        Bound widgets seed from the session's copy of the URL as first opened, so the value
        is moved there as well as in the visible URL.
        """
        from streamlit.runtime.state.session_state_proxy import get_session_state

        for old in RETIRED & set(st.query_params):
            if old.startswith(self.prefix):
                del st.query_params[old]
        moves = [(old, new) for old, new in ALIASES.items()
                 if new.startswith(self.prefix) and old in st.query_params
                 and new not in st.query_params]
        for old, new in moves:
            values = st.query_params.get_all(old)
            with get_session_state().query_params() as qp:
                qp._initial_query_params[new] = values
                qp._initial_query_params.pop(old, None)
            del st.query_params[old]
            if not _is_bound(new):
                st.query_params[new] = values

    def _drop_non_finite(self) -> None:
        """Forget this page's URL values that are numbers but not finite (inf, nan, 1e309).

        Works around Streamlit 1.67: a whole-number ``st.number_input`` bound to the URL
        raises OverflowError on ``?key=inf`` while seeding itself, before any page code
        can catch it. The seed value comes from the session's copy of the URL as first
        opened, so that copy is where the value must go; ``report()`` then names it.
        """
        from streamlit.runtime.state.session_state_proxy import get_session_state

        bad = [k for k, vs in self.raw.items() if any(_non_finite(v) for v in vs)]
        if not bad:
            return
        with get_session_state().query_params() as qp:
            for key in bad:
                qp._initial_query_params.pop(key, None)
        for key in bad:
            if key in st.query_params and not _is_bound(key):
                del st.query_params[key]

    def report(self) -> None:
        """Show (and keep for this session) a note for every URL value that was not used."""
        notes = st.session_state.setdefault(_NOTES, {})
        named = st.session_state.setdefault(_NAMED, set())
        for key, raw in self.raw.items():
            shown = ", ".join(raw)[:40]
            if key not in st.session_state:
                if (key, tuple(raw)) not in named:  # Dismiss must hold on later runs
                    named.add((key, tuple(raw)))
                    notes[key] = (_UNKNOWN, {"key": key})
            elif not _same(raw, st.session_state[key]):
                notes[key] = (_INVALID, {"key": key, "shown": shown,
                                         "used": st.session_state[key]})
            else:  # used after all (a widget that shows only once another is set)
                notes.pop(key, None)
        mine = {k: v for k, v in notes.items() if k.startswith(self.prefix) or k in GLOBAL}
        if mine:
            from ui.lang import gettext_for_session  # ui.lang notes through this module

            t = gettext_for_session()
            with self._slot.container(key=f"{self.prefix}url_notes"):
                st.warning(
                    count(t, "A setting in the link could not be used:",
                          "{n} settings in the link could not be used:", len(mine)) + "\n\n"
                    + "\n".join(f"- {fmt(t, message, **fields)}"
                                 for message, fields in mine.values()),
                    icon="⚠️",
                )
                if st.button(t.gettext("Dismiss"), key=f"{self.prefix}dismiss_url_notes"):
                    for k in mine:
                        notes.pop(k, None)
                    st.rerun()
