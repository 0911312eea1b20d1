"""Hosting ConvScope for a class: several Streamlit processes behind nginx (deploy/serve.py)."""
