"""The "share this view" control: the page's address with every setting in it, shown whole
(wrapped) and put on the clipboard by a visible button.

The link is the server's rendering of this session's ``st.query_params`` (the bound
widgets' values), shown with ``st.code`` and copied by a small ``st.components.v2``
button. The button's markup, style and script are constants; the link reaches the script
as JSON data and goes only to the clipboard, never into HTML. ``st.code`` escapes it for
display: a link can carry text a visitor typed (a grid, a layer stack). The button's words
come with the data too, in the visitor's language (the markup is registered once per process).
A QR code of the same link, drawn on the server, lets a class open it from their phones.
Nothing of this is written while the popover is closed (``share_link``).
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlencode

import segno
import streamlit as st

from i18n import N_
from ui.lang import gettext_for_session

LABEL = N_("🔗 Share this view")
COPY = N_("📋 Copy link")
COPIED = N_("✓ Copied")
REFUSED = N_("Not allowed here: select the link and copy it")

_HTML = """
<div class="row">
  <button type="button"></button>
  <span class="status" role="status" aria-live="polite"></span>
</div>
"""

# Streamlit passes its theme to components as --st-* CSS variables.
_CSS = """
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

# Runs when the popover opens (its content is mounted only then) and again with new data.
_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector(".status");
  button.textContent = data.copy;
  status.textContent = "";
  button.onclick = async () => {
    try {
      await navigator.clipboard.writeText(data.url);  // absent outside https and localhost
      status.textContent = data.copied;
      return;
    } catch (e) {}
    const area = document.createElement("textarea");  // the old way, for plain http
    area.value = data.url;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    parentElement.appendChild(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    status.textContent = copied ? data.copied : data.refused;
  };
}
"""

_copy_button = st.components.v2.component("convscope_copy_link", html=_HTML, css=_CSS, js=_JS)


#: Width of the QR code on screen, in CSS pixels: readable by a phone across a classroom
#: when projected.
QR_PX = 240


def qr_png(url: str) -> bytes:
    """``url`` as a QR code, a PNG drawn here by segno (nothing is fetched): error correction
    M (15 % of the code may be lost), a quiet zone of 4 modules as the standard asks."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


#: Settings of the showing screen, not of the view: a class scanning the projector's code
#: gets the ordinary view on their phones (the projector view is for the projector).
SCREEN_ONLY = ("view",)


def for_phones(url: str) -> str:
    """``url`` without the settings of the showing screen (SCREEN_ONLY).

    >>> for_phones("http://h/sliding_window?sw_c=1&view=class&lang=zh")
    'http://h/sliding_window?sw_c=1&lang=zh'
    """
    base, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in SCREEN_ONLY]
    return f"{base}?{urlencode(kept)}" if kept else base


def view_url() -> str:
    """This page's address with the current query parameters (the bound widgets' values)."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode(
        [(k, v) for k in st.query_params for v in st.query_params.get_all(k)], doseq=False
    )
    return f"{base}?{query}" if query else base


@st.fragment
def share_link(*, key: str) -> None:
    """A popover with the whole link to this exact view and a button that copies it.

    Its content is written only while it is open (``on_change="rerun"``: opening it reruns
    this fragment, and ``.open`` says so): most runs of most visitors never show the link, and
    a closed popover costs one element instead of five. A fragment: opening, closing and the QR
    switch rerun the popover alone, not the page (the link is the URL the page's widgets
    left, ``view_url``).
    """
    _ = gettext_for_session().gettext
    popover = st.popover(_(LABEL), key=key, width="stretch", on_change="rerun")
    if not popover.open:
        return
    url = view_url()
    with popover:
        st.caption(_("Everything you set is in this link: whoever opens it sees this view."))
        st.code(url, language=None, wrap_lines=True)
        _copy_button(key=f"{key}_copy", data={"url": url, "copy": _(COPY),
                                              "copied": _(COPIED), "refused": _(REFUSED)})
        # Drawn only when asked for: a code costs ≈ 7 ms of CPU, and the link changes with
        # every setting.
        if st.toggle(_("QR code, for phones"), key=f"{key}_qr"):
            st.image(qr_png(for_phones(url)), width=QR_PX)
            st.caption(_("Point a phone's camera at it to open this view.") + (
                " " + _("Phones get the ordinary view, not the projector's.")
                if for_phones(url) != url else ""))
