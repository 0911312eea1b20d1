"""The app's narrow-screen rules (a phone at 390 px and the like): one static style sheet.

Figures choose their own layout from the measured width (ui.viewport.main_width); these rules
only make the page's text blocks fit a phone's column: code wraps instead of running past the
screen, Markdown and st.table tables wrap their cells (an st.table of five columns or more
puts the fifth and later under each row), and a wide formula scrolls inside its own box.
One style sheet per page, nothing drawn twice; desktop widths are untouched.
"""

import streamlit as st

#: Widest screen (CSS px) that gets these rules: where Streamlit stacks st.columns.
NARROW_MAX_PX = 640

CSS = f"""<style>
@media (max-width: {NARROW_MAX_PX}px) {{
  [data-testid="stCode"] pre, [data-testid="stCode"] code {{
    white-space: pre-wrap !important; overflow-wrap: anywhere; }}
  /* Columns as wide as their text asks (a header stays whole while the row fits: no
     "kernel_siz e"); any word still breaks where it must (overflow-wrap below). */
  [data-testid="stMarkdownContainer"] table, [data-testid="stTable"] table {{
    width: 100%; table-layout: auto; font-size: 0.8rem; }}
  [data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td,
  [data-testid="stTable"] th, [data-testid="stTable"] td {{
    padding: 0.25rem 0.3rem; overflow-wrap: anywhere; white-space: normal; }}
  /* (Streamlit's Markdown in a cell sets its own overflow-wrap) */
  [data-testid="stTable"] td *, [data-testid="stTable"] th * {{
    overflow-wrap: anywhere !important; }}
  /* Five columns or more: the first four side by side, each later one (the long text:
     the Cost table's nn.Conv2d lines) the row's full width under them. */
  [data-testid="stTable"] tr:has(> :nth-child(5)) {{
    display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); }}
  [data-testid="stTable"] tr:has(> :nth-child(5)) > :nth-child(n+5) {{ grid-column: 1 / -1; }}
  .katex-display {{ overflow-x: auto; overflow-y: hidden; }}
}}
</style>"""


def narrow_rules() -> None:
    """Add the narrow-screen style sheet to the page (static text, nothing a user typed)."""
    st.html(CSS)
