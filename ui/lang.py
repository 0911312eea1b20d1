"""The visitor's language on the Streamlit side: where it comes from, and the switch.

The link's ``lang`` (``zh`` / ``en``) comes first; without one the session keeps the language
it had (a page change drops the link's parameters), and a first visit follows the browser
(``st.context.locale``: ``zh-*`` → 中文, anything else → English). A value that is neither is
noted under the page's intro (``ui.url.note_invalid``) and replaced. The language is written
back into the link on every run, so a shared link opens in the language it was made in.

The switch (``switch()``, drawn by ``ui.frame.Frame`` on every page) is not bound to the URL:
a bound widget writes its ``format_func`` label into the link, and the link must carry the id.
Its callback writes the id into the session and the link; every other setting is a widget
bound by its own key, so a switch (a rerun with other labels) keeps them all.

Pages and ui helpers get the session's translation functions with ``gettext_for_session()``
(``_, ngettext = gettext_for_session()``); ``viz`` builders take the language as an argument.
"""

from __future__ import annotations

import streamlit as st

import i18n
from i18n import LANGS, NAMES, Texts
from ui.url import note_invalid
from viz.config import STREAMLIT_WORDS

#: The link's parameter.
PARAM = "lang"
#: Session keys: the language this session has (not a widget), and the switch widget.
CHOSEN = "_lang"
SWITCH = "lang_switch"


def current() -> str:
    """This session's language ("zh" or "en"), from the link, the session or the browser.

    Idempotent within a run (app.py and the page's frame both ask): it leaves the link
    holding the answer.
    """
    raw = st.query_params.get_all(PARAM)
    lang, bad = i18n.choose(raw, st.session_state.get(CHOSEN), st.context.locale)
    if bad is not None:
        note_invalid(PARAM, bad, lang)
    st.session_state[CHOSEN] = lang
    if raw != [lang]:
        st.query_params[PARAM] = lang
    return lang


def gettext_for_session() -> Texts:
    """The session's translation functions: ``_, ngettext = gettext_for_session()``, or keep
    the ``Texts`` and pass it (its ``lang`` too) to helpers and figure builders."""
    return i18n.texts(current())


def _switched() -> None:
    new = st.session_state.get(SWITCH)
    if new in LANGS:  # None: the selected language clicked again, nothing changes
        st.session_state[CHOSEN] = new
        st.query_params[PARAM] = new


def switch() -> str:
    """中文 | English at the top of the sidebar; returns the session's language."""
    lang = current()
    if st.session_state.get(SWITCH) != lang:
        st.session_state[SWITCH] = lang
    st.sidebar.segmented_control(
        "Language · 语言", LANGS, format_func=NAMES.__getitem__, key=SWITCH,
        on_change=_switched, label_visibility="collapsed", width="stretch",
    )
    return lang


#: Streamlit writes its file uploader's button and limits in English whatever the page's
#: language, and has no setting for them: in Chinese, CSS replaces those words (the English
#: text is shrunk to nothing and the translation drawn in its place). Scoped by the widget's key.
_UPLOADER_CSS = """<style>
.st-key-{key} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p,
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
.st-key-{key} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]
  p::after {{ content: "{button}"; font-size: 0.875rem; }}
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{limit}"; font-size: 0.875rem; }}
</style>"""


def uploader_words(key: str, *, types: str) -> None:
    """In Chinese, the file uploader ``key``'s own words (its button, its size limit and
    ``types``) in Chinese; in English, Streamlit's own. Call it next to the uploader."""
    t = gettext_for_session()
    if t.lang == "en":
        return
    limit = i18n.fmt(t, "At most {mb} MB per file · {types}",
                     mb=st.get_option("server.maxUploadSize"), types=types)
    st.html(_UPLOADER_CSS.format(key=key, button=t.gettext("Upload"), limit=limit))


#: Plotly draws a mode-bar button's tooltip as ``::after { content: attr(data-title) }``;
#: Streamlit titles its own full-screen button in English, outside Plotly's dictionary
#: (viz.config.chart_config translates the rest).
_MODEBAR_CSS = """<style>{rules}</style>"""
_MODEBAR_RULE = (".js-plotly-plot .plotly .modebar-btn[data-title=\"{word}\"]::after "
                 "{{ content: \"{text}\" !important; }}")


def plotly_words() -> None:
    """In Chinese, the words Streamlit adds to Plotly's mode bar (its full-screen button) in
    Chinese; in English, nothing. Call it once on a page whose charts show a mode bar."""
    t = gettext_for_session()
    if t.lang == "en":
        return
    rules = "\n".join(_MODEBAR_RULE.format(word=w, text=t.gettext(w)) for w in STREAMLIT_WORDS)
    st.html(_MODEBAR_CSS.format(rules=rules))
