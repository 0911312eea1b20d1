"""ConvScope: the router. Page config and navigation over pages/ (titles in the visitor's
language: ui/nav.py's menu, ui/lang.py), and the server process's own settings (ui/runtime.py:
one torch thread, the heap freeze); nothing else."""

import streamlit as st

from ui import view
from ui.lang import gettext_for_session
from ui.nav import menu
from ui.runtime import freeze_once, one_torch_thread

st.set_page_config(page_title="ConvScope", page_icon="🔍", layout="wide",
                   initial_sidebar_state=view.sidebar_state())  # collapsed at a projector
one_torch_thread()  # before any page computes
st.navigation(menu(gettext_for_session())).run()
freeze_once()  # after the first page has run: its imports are then done
