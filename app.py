"""ConvScope: the router. Page config and navigation over pages/, and once per server process
the heap freeze that keeps full garbage collections short (ui/heap.py); nothing else."""

from pathlib import Path

import streamlit as st

from ui.heap import freeze_once
from ui.nav import PAGES

ROOT = Path(__file__).parent

st.set_page_config(page_title="ConvScope", page_icon="🔍", layout="wide")
# A page whose file is not there yet is left out of the menu.
pages = [
    st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, icon, path) in enumerate(PAGES)
    if (ROOT / "pages" / file).exists()
]
st.navigation(pages).run()
freeze_once()  # after the first page has run: its imports are then done
