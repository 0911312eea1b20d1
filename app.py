"""ConvScope: the router. Page config, navigation over pages/, nothing else."""

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).parent

#: (file in pages/, title, emoji icon, URL path). Emoji, not ":material/…:" icons, which
#: would fetch a font from the internet. A page whose file is missing is left out.
PAGES = [
    ("tour.py", "Notebook tour", "📓", "tour"),
    ("sliding_window.py", "Sliding window", "🔲", "sliding-window"),
    ("edges.py", "Edge detection", "🖼️", "edges"),
    ("learn.py", "Learn a kernel", "📉", "learn"),
    ("shapes.py", "Shapes & padding", "📐", "shapes"),
    ("channels.py", "Channels & 1×1", "🧱", "channels"),
]

st.set_page_config(page_title="ConvScope", page_icon="🔍", layout="wide")
pages = [
    st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, icon, path) in enumerate(PAGES)
    if (ROOT / "pages" / file).exists()
]
st.navigation(pages).run()
