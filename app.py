"""ConvScope: the router. Page config and navigation over pages/, and the server process's
own settings (ui/runtime.py: one torch thread, the heap freeze) and the narrow-screen style
sheet (ui/phone.py); nothing else."""

from pathlib import Path

import streamlit as st

from ui.nav import PAGES
from ui.phone import narrow_rules
from ui.runtime import freeze_once, one_torch_thread

ROOT = Path(__file__).parent

st.set_page_config(page_title="ConvScope", page_icon="🔍", layout="wide")
one_torch_thread()  # before any page computes
narrow_rules()  # phones: code and tables wrap, wide tables get a narrow twin
# A page whose file is not there yet is left out of the menu. Absolute paths: Streamlit
# takes relative ones from the entry file's folder, which is cloud/ on Community Cloud.
pages = [
    st.Page(ROOT / "pages" / file, title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, icon, path) in enumerate(PAGES)
    if (ROOT / "pages" / file).exists()
]
st.navigation(pages).run()
freeze_once()  # after the first page has run: its imports are then done
