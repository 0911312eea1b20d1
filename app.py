"""ConvScope: the router. Page config and navigation over pages/ (titles in the visitor's
language, ui/lang.py), and the server process's own settings (ui/runtime.py: one torch
thread, the heap freeze); nothing else."""

from pathlib import Path

import streamlit as st

from ui import view
from ui.lang import gettext_for_session
from ui.nav import PAGES
from ui.runtime import freeze_once, one_torch_thread

ROOT = Path(__file__).parent

st.set_page_config(page_title="ConvScope", page_icon="🔍", layout="wide",
                   initial_sidebar_state=view.sidebar_state())  # collapsed at a projector
one_torch_thread()  # before any page computes
_ = gettext_for_session().gettext
# A page whose file is not there yet is left out of the menu. Absolute paths: Streamlit
# takes relative ones from the entry file's folder, which is cloud/ on Community Cloud.
pages = [
    st.Page(ROOT / "pages" / file, title=_(title), icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, icon, path) in enumerate(PAGES)
    if (ROOT / "pages" / file).exists()
]
st.navigation(pages).run()
freeze_once()  # after the first page has run: its imports are then done
