"""Once per server process: move the heap built by imports out of the cyclic GC's way.

With ``runner.postScriptGC = false`` (see .streamlit/config.toml) Python's own full
collections still come, every few dozen reruns, and each walks every container object
alive: after torch, plotly, pandas and Streamlit are imported that is about 300 000
objects, and the visitor whose rerun it lands in waits 0.2–0.6 s (measured on the project
machine, see docs/perf.md). Those objects live as long as the process, so ``gc.freeze()``
parks them in the permanent generation, where collections no longer walk them; objects
created later (sessions, figures) are collected as before.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

import streamlit as st

#: Seconds after the first finished run: the first page is on screen by then.
DELAY_S = 1.0
#: Packages whose modules are imported before freezing, so a page visited later does not
#: add its imports to what every full collection walks.
PACKAGES = ("core", "viz")


def import_all() -> None:
    """Import every module of PACKAGES (pandas comes with st.table and st.data_editor)."""
    importlib.import_module("pandas")
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.{info.name}")


def freeze_imports() -> int:
    """Import the app's modules, collect, then freeze what is left; returns how many objects
    the permanent generation now holds."""
    import_all()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@st.cache_resource(show_spinner=False)
def freeze_once() -> None:
    """Schedule ``freeze_imports`` once per server process (st.cache_resource), on a daemon
    timer so that neither the first visitor's page nor a test waits for it."""
    timer = threading.Timer(DELAY_S, freeze_imports)
    timer.daemon = True
    timer.start()
