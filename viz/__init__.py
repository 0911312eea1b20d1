"""Plotly figure builders: tensors and numbers in, ``go.Figure`` out. Never imports streamlit."""

from viz.grid import heatmap, picture

#: Plotly config for a figure that is only looked at: no hover, no zoom, no mode bar.
STATIC = {"staticPlot": True}

__all__ = ["STATIC", "heatmap", "picture"]
