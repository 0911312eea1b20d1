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
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from i18n import N_, count, fmt

_NOTES = "_url_notes"
#: The choices (``choice``, ``tabs``) the session has drawn: {key: (drawn on the current run,
#: its id)}.
LINKED = "_url_linked"
#: (key, values) of unknown parameters already named this session: they stay in the URL.
_NAMED = "_url_named"
#: What every widget bound to the URL passes: ``st.slider(..., **BIND)``.
BIND: dict[str, Any] = {"bind": "query-params"}
#: The unlinked sections (``section``) open in this session, kept while they are not drawn.
_OPENED = "_url_sections_open"
#: Old parameter names kept working after a rename: {old: new}.
ALIASES: dict[str, str] = {}
#: Parameters of every page, not of one (no page prefix): judged by their own module (the
#: language, ``ui.lang``; the projector view, ``ui.view``).
GLOBAL: frozenset[str] = frozenset({"lang", "view"})
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


def _write_choice(key: str, value: Any, default: Any) -> None:
    """Put a choice's id into the link (the default stays out of it, as when bound), and note
    it as drawn on this run with that value."""
    if value is None or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != [str(value)]:
        st.query_params[key] = str(value)
    st.session_state.setdefault(LINKED, {})[key] = (True, value)


def _from_link(key: str, ids: list[str]) -> str:
    """The link's id for ``key`` on a first draw, or the first id when it has none (or a bad
    one, which the page's ``UrlCheck`` names)."""
    raw = st.query_params.get_all(key)
    return raw[-1] if raw and raw[-1] in ids else ids[0]


def _choice_changed(key: str, default: Any) -> None:
    """A choice's callback: the link follows the widget before the page runs."""
    _write_choice(key, st.session_state.get(key), default)


def choice(widget: Callable[..., Any], label: str, options: Sequence[str], *, key: str,
           format_func: Callable[[str], str], **kwargs: Any) -> Any:
    """A selectbox, radio or segmented control whose link carries the option, not its label.

    ``st.selectbox(..., bind="query-params")`` writes its ``format_func`` label into the link,
    so a translated label would make the link depend on the language. A choice is not bound:
    its options are ids (the English words old links carry), ``format_func`` shows them in the
    visitor's language, and the id goes into the link: on the first draw of a page visit the
    link's id seeds the widget (a value that is no option leaves the first option, and the
    page's ``UrlCheck`` names it, as for a bound widget); a change writes the new id into the
    link (the first option is left out, as a bound widget leaves its default out); a choice
    that is not drawn on a run loses its parameter, as an unmounted bound widget does
    (``UrlCheck.report``).
    """
    options = list(options)
    if key not in st.session_state:  # first drawn on this visit: the link's value, if valid
        st.session_state[key] = _from_link(key, options)
    elif st.session_state[key] not in options:  # the options changed under it
        st.session_state[key] = options[0]
    value = widget(label, options, key=key, format_func=format_func,
                   on_change=_choice_changed, args=(key, options[0]), **kwargs)
    _write_choice(key, value, options[0])
    return value


def _tab_changed(key: str, ids: list[str], labels: list[str]) -> None:
    label = st.session_state.get(key)
    if label in labels:
        st.session_state[f"_{key}_id"] = ids[labels.index(label)]
        _write_choice(key, ids[labels.index(label)], ids[0])


def tabs(ids: Sequence[str], *, key: str, format_func: Callable[[str], str]) -> list[Any]:
    """``st.tabs`` whose link carries the open tab's id, not its label (see ``choice``); lazy
    (each tab's ``.open`` says whether it is the open one).

    A tab set's value is its label, and a translated label changes with the language: the
    session keeps the open tab's id (``_<key>_id``) and gives the tab set that id's label in
    the visitor's language on every run, so a language switch keeps the open tab. A label of
    this run's language in the session (a tab opened, or set by ``st.session_state``) wins.
    """
    ids = list(ids)
    labels = [format_func(i) for i in ids]
    state = f"_{key}_id"
    if st.session_state.get(key) in labels:
        st.session_state[state] = ids[labels.index(st.session_state[key])]
    elif state not in st.session_state or key not in st.session_state:  # a first draw
        st.session_state[state] = _from_link(key, ids)
    if st.session_state[state] not in ids:
        st.session_state[state] = ids[0]
    st.session_state[key] = labels[ids.index(st.session_state[state])]
    sheets = st.tabs(labels, key=key, on_change=_tab_changed, args=(key, ids, labels))
    _write_choice(key, st.session_state[state], ids[0])
    return list(sheets)


def section(label: str, *, key: str, link: bool = True) -> Any:
    """``st.expander`` whose content the page runs only while it is open (``.open``): a
    section that costs nothing while closed. ``link``: bound to the URL (``key=true`` opens
    it); otherwise its state is the session's alone (it reruns the page, or the fragment it
    is in, when opened or closed).

    An expander's label is part of its identity to Streamlit, and the label is in the
    visitor's language: after a language switch it is a new expander, which would start
    closed. Handing the session's value to it first keeps it as the visitor left it. An
    unlinked section that is open is also remembered while it is not drawn (Streamlit drops
    an undrawn widget's state); a linked one has its state in the link.
    """
    opened = st.session_state.setdefault(_OPENED, set())
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
    elif not link and key in opened:
        st.session_state[key] = True  # not drawn for a while (a closed tab): open as it was left
    box = st.expander(label, key=key, **(BIND if link else {"on_change": "rerun"}))
    if not link:
        (opened.add if box.open else opened.discard)(key)
    return box


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
        # A bound parameter holds what the page's widget wrote on the run before, not a link;
        # so does the parameter of a choice drawn before (``choice``).
        linked = st.session_state.setdefault(LINKED, {})
        self.raw = {k: v for k, v in self.raw.items() if not _is_bound(k) and k not in linked}
        self._drop_non_finite()
        for key, (_, value) in linked.items():  # which choices this run draws (they mark it)
            linked[key] = (False, value)

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

    def _drop_undrawn_choices(self) -> None:
        """A choice not drawn this run (a widget shown only with another setting) leaves the
        link, as Streamlit drops an unmounted bound widget's parameter."""
        linked = st.session_state.setdefault(LINKED, {})
        for key in [k for k, (drawn, _) in linked.items()
                    if k.startswith(self.prefix) and not drawn]:
            del linked[key]
            if key in st.query_params:
                del st.query_params[key]

    def report(self) -> None:
        """Show (and keep for this session) a note for every URL value that was not used."""
        self._drop_undrawn_choices()
        notes = st.session_state.setdefault(_NOTES, {})
        named = st.session_state.setdefault(_NAMED, set())
        linked = st.session_state.setdefault(LINKED, {})
        for key, raw in self.raw.items():
            shown = ", ".join(raw)[:40]
            if key not in st.session_state:
                if (key, tuple(raw)) not in named:  # Dismiss must hold on later runs
                    named.add((key, tuple(raw)))
                    notes[key] = (_UNKNOWN, {"key": key})
                continue
            used = linked[key][1] if key in linked else st.session_state[key]  # a choice's id
            if not _same(raw, used):
                notes[key] = (_INVALID, {"key": key, "shown": shown, "used": used})
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
