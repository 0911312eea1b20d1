"""Plotly figure builders: tensors and numbers in, ``go.Figure`` out. Never imports streamlit."""

from viz.grid import heatmap, picture

__all__ = ["heatmap", "picture"]
