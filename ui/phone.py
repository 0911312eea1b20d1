"""The app's narrow-screen rules (a phone at 390 px and the like): one static style sheet.

Below 640 px Streamlit already stacks st.columns; these rules make the rest fit the column:
code and tables wrap instead of hiding their right end, wide formulas scroll inside their
own box, and a block made for phones (a container keyed ``phone_…``) replaces a wide table
there (``desk_…`` keys are its wide twins). Figures are sized for both widths in viz
(viz.grid.NARROW_PX).
"""

import streamlit as st

from viz.grid import MAIN_PX, NARROW_PX

#: Widest screen (CSS px) that gets the narrow layout: where Streamlit stacks st.columns.
NARROW_MAX_PX = 640

CSS = f"""<style>
div[class*="st-key-phone_"] {{ display: none; }}
@media (max-width: {NARROW_MAX_PX}px) {{
  div[class*="st-key-phone_"] {{ display: block; }}
  div[class*="st-key-desk_"] {{ display: none; }}
  [data-testid="stCode"] pre, [data-testid="stCode"] code {{
    white-space: pre-wrap !important; overflow-wrap: anywhere; }}
  [data-testid="stMarkdownContainer"] table, [data-testid="stTable"] table {{
    width: 100%; table-layout: fixed; font-size: 0.8rem; }}
  [data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td,
  [data-testid="stTable"] th, [data-testid="stTable"] td {{
    padding: 0.25rem 0.3rem; overflow-wrap: anywhere; white-space: normal; }}
  .katex-display {{ overflow-x: auto; overflow-y: hidden; }}
}}
</style>"""


def narrow_rules() -> None:
    """Add the narrow-screen style sheet to the page (static text, nothing a user typed)."""
    st.html(CSS)


def twins(make, key: str, **chart):
    """A figure made twice, ``make(width=MAIN_PX)`` shown on wide screens and
    ``make(width=NARROW_PX)`` on phones (keys ``key`` and ``key + "_phone"``), each in its own
    container; yields each figure inside its container, for what goes under it. For a sheet
    whose captions are sized in pixels: squeezed into a phone's column they run together."""
    for prefix, width, k in (("desk_", MAIN_PX, key), ("phone_", NARROW_PX, f"{key}_phone")):
        fig = make(width=width)
        with st.container(key=prefix + key):
            st.plotly_chart(fig, key=k, **chart)
            yield fig
