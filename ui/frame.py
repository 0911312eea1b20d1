"""The frame every page opens and closes the same way, and the one way a page shows a rejection.

``Frame(prefix, title, intro)`` at the top of a page routes it through app.py
(``ui.nav.ensure_router``), puts the language switch (中文 | English, ``ui.lang``) and the
projector view's switch (``ui.view``; ``frame.projector``) at the top of the sidebar, writes
the title and the intro (none in the projector view; in the visitor's language: the page
translates them with ``ui.lang.gettext_for_session()``, which ``frame.texts`` also holds), and
starts the URL check (``ui.url.UrlCheck``) before any widget. ``frame.end()`` as the page's
last line, or ``frame.stop()`` instead of ``st.stop()`` to end early, puts the share link at the
foot of the sidebar and reports the link's unusable values in the slot under the intro: after
the widgets, whose values the report judges. ``st.stop()`` itself would not do: it raises at
the next element the page writes, so nothing could be reported after it.

``reject(error)`` shows what ``core`` refused (a ``core.errors.CoreError``: its message is
rebuilt from its numbers in the visitor's language, ``i18n.error_text``), optionally led by what
could not be made and followed by what to change.
"""

from __future__ import annotations

from typing import Any, Literal, NoReturn

import streamlit as st

from i18n import error_text, fmt
from ui.lang import gettext_for_session, switch
from ui.nav import ensure_router
from ui.phone import narrow_rules
from ui.share import share_link
from ui.url import UrlCheck
from ui.view import switch as view_switch


class Frame:
    """A page's frame; widget keys and URL parameters of the page start with ``prefix``.

    ``intro_as``: "markdown" or "caption". ``share``: whether the page has a share link (a page
    without settings has none); ``share_note``: a caption under it.
    """

    def __init__(self, prefix: str, title: str, intro: str, *,
                 intro_as: Literal["markdown", "caption"] = "markdown", share: bool = True,
                 share_note: str | None = None) -> None:
        ensure_router()
        self.lang = switch()
        #: The projector view (ui.view): pass it to the figure builders; no intro then.
        self.projector = view_switch()
        self.texts = gettext_for_session()
        self.prefix, self.share, self.share_note = prefix, share, share_note
        narrow_rules()  # code and tables fit a phone's column (CSS only)
        st.title(title)
        if not self.projector:
            (st.caption if intro_as == "caption" else st.markdown)(intro)
        self.check = UrlCheck(prefix)
        self._ended = False

    def end(self) -> None:
        """The page's last line: the share link, then the notes on the link's values (once)."""
        if self._ended:
            return
        self._ended = True
        if self.share:
            with st.sidebar:
                share_link(key=f"{self.prefix}share")
                if self.share_note:
                    st.caption(self.share_note)
        self.check.report()

    def essentials_end(self) -> None:
        """In the projector view the page ends here: what follows is for a learner at their
        own screen. Otherwise nothing happens."""
        if self.projector:
            self.stop()

    def stop(self) -> NoReturn:
        """End the page here (``st.stop``), with its share link and URL notes."""
        self.end()
        st.stop()


def reject(error: ValueError, *, lead: str = "", hint: str = "", where: Any = None) -> None:
    """Show a rejected setting: ``lead`` (what could not be made, bold), the error's message,
    then ``hint`` (what to change), in ``where`` (a column or container; the page by default).
    """
    t = gettext_for_session()
    text = fmt(t, "{message}.", message=error_text(t, error).rstrip("."))
    if lead:
        text = f"**{lead}** {text}"
    if hint:
        text += f"\n\n{hint}"
    (where if where is not None else st).error(text, icon="🚫")
