"""The width of the page's main column, as the browser reports it.

Streamlit 1.67's ``st.context`` knows no viewport size, so a figure cannot tell a phone
from a laptop. ``main_width`` mounts a tiny hidden component (``st.components.v2``, inline
JavaScript, nothing loaded from anywhere) that measures the main column and reports its
width to the server in steps of STEP pixels, once at first and again only when it changes
by a step or more (a resized window, a phone turned round). The value is the component's
state, kept in ``st.session_state`` under KEY; until the browser has reported it (the first
run of a session, and in AppTest) it is None, and pages draw their wide layout.
"""

from __future__ import annotations

import streamlit as st

#: The session-state key of the reported width (shared by every page).
KEY = "vp_width"
#: Widths are reported in steps of this many pixels, so that a scroll bar coming and going
#: does not rerun the page.
STEP = 20

_JS = """
export default function (component) {
  const { setStateValue, parentElement, data } = component;
  const here = parentElement.host ?? parentElement;
  const main = here.closest('[data-testid="stMainBlockContainer"]')
            ?? document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!main) return;
  // Nothing to show: its element's box would add a gap (1 rem) to the column.
  here.closest('[data-testid="stElementContainer"]')?.style.setProperty('display', 'none');
  let last = data.known;
  const report = () => {
    const style = getComputedStyle(main);
    const inner = main.clientWidth - parseFloat(style.paddingLeft)
                  - parseFloat(style.paddingRight);
    const px = Math.floor(inner / data.step) * data.step;
    if (px > 0 && (last === null || Math.abs(px - last) >= data.step)) {
      last = px;
      setStateValue('width', px);
      // When (page clock) the width last went to the server, on the page's root (it
      // outlives a remount of this element): a browser test waits for the run after it.
      document.documentElement.setAttribute('data-vp-reported', String(performance.now()));
    }
  };
  const watch = new ResizeObserver(report);
  watch.observe(main);
  report();
  return () => watch.disconnect();
}
"""

# Registered once per process: a definition, not state (each session mounts its own).
_MOUNT = st.components.v2.component("convscope_viewport", js=_JS, isolate_styles=False)


def main_width() -> int | None:
    """Pixels of the main column (a multiple of STEP), or None until the browser has said."""
    known = st.session_state.get(KEY)
    known = known.get("width") if isinstance(known, dict) else None
    result = _MOUNT(key=KEY, data={"known": known, "step": STEP}, default={"width": None},
                    on_width_change=lambda: None, height=0)
    width = getattr(result, "width", None)
    return int(width) if isinstance(width, (int, float)) and width > 0 else None
