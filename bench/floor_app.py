"""The framework's floor for the browser bench (bench/bench_browser.py): the smallest page with
what every ConvScope page has, one slider and one Plotly heatmap that the slider changes.

Not part of the app (not under pages/, not in the menu): the bench serves it with its own
``streamlit run bench/floor_app.py`` and times the same key press on its slider as on the
app's pages. Whatever a page costs above this is ours; this much is Streamlit's, Plotly's
and the browser's.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

ROWS, COLS = 6, 8  # the seed notebook's X

st.title("Floor")
v = st.slider("v", 0, 10, 5, key="fl_v")
# A changed figure is a new chart element, as on the app's pages: the slider redraws it.
Z = np.arange(ROWS * COLS, dtype=float).reshape(ROWS, COLS) % (v + 1)
fig = go.Figure(go.Heatmap(z=Z, texttemplate="%{z:g}", showscale=False))
fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(fig, key="fl_fig", config={"displayModeBar": False})
