"""The app's pages: (file in pages/, title, emoji icon, URL path), in menu order.

Titles are message ids (English): app.py shows them in the visitor's language.

Emoji, not ":material/…:" icons, which would fetch a font from the internet. Each URL path
is the file's name without ".py": on a server's very first request Streamlit still names
pages after their files (see ensure_router), and a link must find its page both ways.
"""

from i18n import N_, Texts

PAGES = [
    ("tour.py", N_("Notebook tour"), "📓", "tour"),
    ("sliding_window.py", N_("Sliding window"), "🔲", "sliding_window"),
    ("edges.py", N_("Edge detection"), "🖼️", "edges"),
    ("learn.py", N_("Learn a kernel"), "📉", "learn"),
    ("shapes.py", N_("Shapes & padding"), "📐", "shapes"),
    ("channels.py", N_("Channels & 1×1"), "🧱", "channels"),
    ("pooling.py", N_("Pooling"), "🔽", "pooling"),
    ("transposed.py", N_("Transposed convolution"), "🔼", "transposed"),
    ("practice.py", N_("Practice"), "✏️", "practice"),
]


def menu(texts: Texts) -> list:
    """``st.navigation``'s pages, titled in ``texts``' language (``i18n.Texts``); a page whose
    file is not there yet is left out.

    Built once per session and language and kept in ``st.session_state``: an ``st.Page``
    resolves and checks its file, about a millisecond a run for the nine (4 % of a small
    page's CPU). Not shared between sessions: ``st.navigation`` marks the page it picks.
    Absolute paths: Streamlit takes relative ones from the entry file's folder, which is
    cloud/ on Community Cloud.
    """
    from pathlib import Path

    import streamlit as st

    key = f"_menu_{texts.lang}"
    if key not in st.session_state:
        root = Path(__file__).resolve().parents[1]
        _ = texts.gettext
        st.session_state[key] = [
            st.Page(root / "pages" / file, title=_(title), icon=icon, url_path=path,
                    default=(i == 0))
            for i, (file, title, icon, path) in enumerate(PAGES)
            if (root / "pages" / file).exists()
        ]
    return st.session_state[key]


def page_link(file: str, label: str) -> None:
    """A link to another page of the app (by its file in pages/), when that page is built.

    Run on its own (AppTest.from_file), a page has no navigation to resolve links
    against; it then gets a plain link to the page's URL path instead.
    """
    from pathlib import Path

    import streamlit as st
    from streamlit.errors import StreamlitAPIException

    root = Path(__file__).resolve().parents[1]
    if not (root / "pages" / file).exists():
        return
    try:
        st.page_link(root / "pages" / file, label=label)  # absolute: see app.py
    except StreamlitAPIException:
        path = next(p for f, _, _, p in PAGES if f == file)
        st.markdown(f"[{label}](/{path})")


def ensure_router() -> None:
    """Make sure this page runs under app.py's navigation, even on a server's first deep link.

    Streamlit decides once per server whether the app uses the old automatic ``pages/``
    mode: until some session has run app.py's ``st.navigation``, a link straight to
    /channels runs pages/channels.py on its own, without the app's menu or page config.
    Flip that switch and rerun, so app.py routes this request like every later one.
    """
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
