"""The projector view (课堂投影): ``view=class`` in the link, for a teacher at a projector.

In it every page keeps only its essentials (``Frame.essentials_end``: what follows is for a
learner at their own screen), drops its intro and captions, and writes larger headings; its
grids write their numbers at ``MIN_FONT_PX`` or larger (at a 1280×720 screen), with thicker
window outlines (the figure builders take ``projector`` as a plain flag); app.py starts the
sidebar collapsed; ← → step an animation and the space bar plays or pauses it
(``keyboard_steps``), in the browser, with no round trip to the server.

The flag works like the language (``ui.lang``): the link's ``view`` comes first, and without
one the session keeps the view it had (a page change drops the link's parameters); a value
that is no view is noted under the page's intro (``ui.url.note_invalid``) and replaced by the
ordinary view. The projector view is written back into the link on every run, so the share
link and its QR code open it for the class; the ordinary view stays out of the link. The
switch at the top of the sidebar (``switch``) turns it on or off.
"""

from __future__ import annotations

import streamlit as st

from i18n import N_
from ui.url import note_invalid
from viz.grid import PROJECTOR_FONT_PX

#: The link's parameter and its values (ids, the same in every language).
PARAM = "view"
NORMAL, CLASS = "normal", "class"
VIEWS = (NORMAL, CLASS)
#: Smallest type size of a number in a grid cell in the projector view, in CSS pixels at a
#: 1280×720 screen (viz.grid.PROJECTOR_FONT_PX; tests/e2e/test_projector.py measures it).
MIN_FONT_PX = PROJECTOR_FONT_PX
#: Session keys: the view this session has (not a widget), and the switch widget.
CHOSEN = "_view"
SWITCH = "view_switch"
LABEL = N_("Projector view")
HELP = N_("For a class at a projector: large numbers, the essentials only, the sidebar "
          "closed; ← → step the animation and the space bar plays or pauses it. The link "
          "keeps it: share it, or show its QR code.")


def current() -> str:
    """This session's view (``NORMAL`` or ``CLASS``), from the link or the session.

    Idempotent within a run (app.py and the page's frame both ask): it leaves the link
    holding the answer.
    """
    raw = st.query_params.get_all(PARAM)
    view = st.session_state.get(CHOSEN, NORMAL)
    if raw:
        if raw[-1] in VIEWS:
            view = raw[-1]
        else:
            note_invalid(PARAM, raw[-1], NORMAL)
            view = NORMAL
    st.session_state[CHOSEN] = view
    if view == CLASS and raw != [CLASS]:
        st.query_params[PARAM] = CLASS
    elif view == NORMAL and raw:
        del st.query_params[PARAM]
    return view


def projector() -> bool:
    """Whether this session shows the projector view."""
    return current() == CLASS


def sidebar_state() -> str:
    """``st.set_page_config``'s ``initial_sidebar_state`` for this session's view."""
    return "collapsed" if projector() else "auto"


def _switched() -> None:
    st.session_state[CHOSEN] = CLASS if st.session_state.get(SWITCH) else NORMAL
    if st.session_state[CHOSEN] == CLASS:
        st.query_params[PARAM] = CLASS
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def switch() -> bool:
    """The projector view's switch in the sidebar; returns whether the view is on."""
    from ui.lang import gettext_for_session  # ui.lang notes through ui.url, as this does

    _ = gettext_for_session().gettext
    on = projector()
    if st.session_state.get(SWITCH) != on:
        st.session_state[SWITCH] = on
    st.sidebar.toggle(_(LABEL), key=SWITCH, on_change=_switched, help=_(HELP))
    if on:
        st.html(CSS)
    return on


#: The projector view's style sheet (static text): larger headings and text in the main
#: column, no captions there (legends, hints and sources are for a learner at a screen).
CSS = """<style>
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMain"] h2 { font-size: 2.4rem; }
[data-testid="stMain"] h3 { font-size: 2rem; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.4rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { display: none; }
</style>"""

#: Keyboard stepping of a Plotly animation (``keyboard_steps``): markup, style and script are
#: constants; the figure's key reaches the script as data. The script runs in the page's own
#: document (a v2 component has no iframe) and drives the figure with Plotly.js's own
#: ``Plotly.animate`` (Streamlit's Plotly bundle sets ``window.Plotly``), taking each step's
#: arguments from the figure's slider and the play arguments from its play button, so any
#: animated figure with a step slider and ▶ buttons can use it.
_KEYS_HTML = '<span class="keys" aria-hidden="true"></span>'
_KEYS_CSS = ".keys { display: none; }"
_KEYS_JS = """
export default function ({ data }) {
  const registry = (window.__convscopeKeys = window.__convscopeKeys || {});
  if (registry[data.key]) document.removeEventListener("keydown", registry[data.key]);
  const typing = (el) => el && (el.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(el.tagName) ||
    el.getAttribute("role") === "slider");
  const handler = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (!["ArrowLeft", "ArrowRight", " "].includes(event.key)) return;
    const gd = document.querySelector(`.st-key-${data.key} .js-plotly-plot`);
    const Plotly = window.Plotly;
    const slider = gd && gd.layout && gd.layout.sliders && gd.layout.sliders[0];
    if (!Plotly || !slider || !slider.steps || !slider.steps.length) return;
    event.preventDefault();
    const steps = slider.steps, last = steps.length - 1;
    const active = Math.min(Math.max(slider.active || 0, 0), last);
    const playing = Boolean(gd._transitionData && gd._transitionData._animationRaf);
    if (event.key === " ") {
      const menu = (gd.layout.updatemenus || [])[0];
      const buttons = (menu && menu.buttons) || [];
      if (playing) {
        const pause = buttons.find((b) => Array.isArray(b.args && b.args[0]) &&
                                          b.args[0][0] === null);
        Plotly.animate(gd, [null], pause ? pause.args[1] : { mode: "immediate" });
        return;
      }
      const play = buttons[data.play] || buttons.find((b) => b.args && b.args[0] === null);
      if (!play) return;
      if (active === last) {  // at the end: play again from the first step
        Plotly.animate(gd, ...steps[0].args).then(() => Plotly.animate(gd, ...play.args));
      } else {
        Plotly.animate(gd, ...play.args);
      }
      return;
    }
    if (playing) Plotly.animate(gd, [null], { mode: "immediate" });
    const next = Math.min(Math.max(active + (event.key === "ArrowRight" ? 1 : -1), 0), last);
    if (next !== active) Plotly.animate(gd, ...steps[next].args);
  };
  registry[data.key] = handler;
  document.addEventListener("keydown", handler);
  return () => {
    document.removeEventListener("keydown", handler);
    if (registry[data.key] === handler) delete registry[data.key];
  };
}
"""

_keys = st.components.v2.component("convscope_keyboard_steps", html=_KEYS_HTML, css=_KEYS_CSS,
                                   js=_KEYS_JS)


def keyboard_steps(figure_key: str, *, play: int = 0) -> None:
    """← → step the Plotly animation drawn with ``st.plotly_chart(..., key=figure_key)`` one
    frame (its slider's steps), the space bar plays it (its play button number ``play``) or
    pauses it; keys typed into a widget are left alone. All in the browser: no round trip."""
    _keys(key=f"{figure_key}_keys", data={"key": figure_key, "play": play})
