"""ConvScope: the router. Page config and navigation over pages/; nothing else."""

from pathlib import Path

import streamlit as st

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
