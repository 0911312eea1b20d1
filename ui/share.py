"""The "share this view" control: the page's address with every setting in it, shown whole
and put on the clipboard by a visible button.

The bound widgets keep the address bar current (``bind="query-params"``), so the address
bar *is* the view. The server's copy of it can lag behind: a widget drawn after this
control may still correct its value in the same run (a clamp, a callback). So the link is
read in the browser, when the popover opens and again on the press, and what is shown is
exactly what is copied.

Safety: the address can carry text a visitor typed (a grid, a layer stack). It never goes
into HTML: the component's markup, style and script are constants, and the script sets the
link with ``textContent``, which the browser never parses as markup.
"""

from __future__ import annotations

import streamlit as st

LABEL = "🔗 Share this view"
COPY = "📋 Copy link"

_HTML = f"""
<div class="link" role="textbox" aria-readonly="true" aria-label="Link to this view"></div>
<div class="row">
  <button type="button">{COPY}</button>
  <span class="status" role="status" aria-live="polite"></span>
</div>
"""

# Streamlit passes its theme to components as --st-* CSS variables.
_CSS = """
.link {
  font-family: var(--st-code-font); font-size: 0.8rem; line-height: 1.45;
  color: var(--st-text-color); background: var(--st-secondary-background-color);
  border-radius: var(--st-base-radius); padding: 0.5rem 0.75rem; margin-bottom: 0.6rem;
  overflow-wrap: anywhere; word-break: break-all; user-select: all;
}
.row { display: flex; align-items: center; flex-wrap: wrap; gap: 0.4rem 0.75rem; }
button {
  font-family: var(--st-font); font-size: var(--st-base-font-size); cursor: pointer;
  color: #fff; background: var(--st-primary-color); border: 1px solid var(--st-primary-color);
  border-radius: var(--st-button-radius); padding: 0.3rem 0.9rem; min-height: 2.5rem;
}
button:hover { filter: brightness(0.92); }
button:focus-visible { outline: 2px solid var(--st-text-color); outline-offset: 2px; }
.status { font-family: var(--st-font); font-size: 0.875rem; color: var(--st-text-color); }
"""

# Mounted when the popover opens (its content is drawn only then), so the link shown is the
# address as it is at that moment; the press reads it again, shows it and copies it.
_JS = """
export default function ({ parentElement }) {
  const link = parentElement.querySelector(".link");
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector(".status");
  const current = () => { link.textContent = window.location.href; return link.textContent; };
  current();
  button.onclick = async () => {
    const url = current();
    try {
      await navigator.clipboard.writeText(url);  // absent outside https and localhost
      status.textContent = "✓ Copied";
      return;
    } catch (e) {}
    const range = document.createRange();  // fallback: select it for Ctrl+C
    range.selectNodeContents(link);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = document.execCommand("copy")
      ? "✓ Copied" : "Selected: press Ctrl+C (⌘C on a Mac) to copy";
  };
}
"""

_copy_box = st.components.v2.component("convscope_share_link", html=_HTML, css=_CSS, js=_JS)


def share_link(*, key: str) -> None:
    """A popover with the whole link to this exact view and a button that copies it."""
    with st.popover(LABEL, key=key, width="stretch"):
        st.caption("Everything you set is in this link: whoever opens it sees this view.")
        _copy_box(key=f"{key}_copy")
