"""Settings of the server process, applied once (st.cache_resource), not per visitor.

- ``one_torch_thread``: PyTorch computes on one intra-op thread. The tensors here are small
  (pictures of at most 512 pixels a side, small kernels), and the server's threads serve
  many visitors at once: extra OpenMP threads only spin between tiny ops and fight the
  event loop and the other sessions for the cores. Measured in chromium on the project's
  2-core machine: the learning page's warm redraw fell from a median of 189 to 141 ms
  (docs/perf.md).
- ``freeze_once``: move the heap built by imports out of the cyclic GC's way. With
  ``runner.postScriptGC = false`` (see .streamlit/config.toml) Python's own full collections
  still come, every few dozen reruns, and each walks every container object alive: after
  torch, plotly, pandas and Streamlit are imported that is about 300 000 objects, and the
  visitor whose rerun it lands in waits 0.2–0.6 s (measured on the project machine, see
  docs/perf.md). Those objects live as long as the process, so ``gc.freeze()`` parks them
  in the permanent generation, where collections no longer walk them; objects created later
  (sessions, figures) are collected as before. Before freezing it makes the meta device's
  first shape check (``first_meta_check``): torch imports its symbolic-shapes module and
  sympy then, so that no visitor waits for them and their objects are frozen too.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

import streamlit as st
import torch

from core.formula import ConvGeometry, torch_output_shape

#: Seconds after the first finished run: the first page is on screen by then.
DELAY_S = 1.0
#: Packages whose modules are imported before freezing, so a page visited later does not
#: add its imports to what every full collection walks.
PACKAGES = ("core", "viz")


def import_all() -> None:
    """Import every module of PACKAGES.

    Not pandas, though it would be worth freezing: this runs on a timer thread while visitors'
    scripts run, and Plotly looks pandas up in ``sys.modules`` without importing it, so a
    figure built while pandas is half imported fails with "partially initialized module
    'pandas'" (seen in 2 of 3 runs 0.5 s after a first visit). A module imported the usual
    way waits for another thread's import to finish.
    """
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.{info.name}")


def first_meta_check() -> None:
    """One shape check on the meta device, as the shapes page makes above its size limit.
    The first in a process imports torch's symbolic-shapes module and sympy: 0.7 s and about
    39 000 objects on the project machine (a visitor's run waited for them, and they landed
    after the freeze, in what every full collection walks)."""
    torch_output_shape(ConvGeometry((8, 8), (3, 3)), meta=True)


def freeze_imports() -> int:
    """Import the app's modules and make the first meta check, collect, then freeze what is
    left; returns how many objects the permanent generation now holds."""
    import_all()
    first_meta_check()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@st.cache_resource(show_spinner=False)
def one_torch_thread() -> None:
    """One intra-op thread for every torch op in this process (new threads take the count
    from the process-wide default when they first compute)."""
    torch.set_num_threads(1)


@st.cache_resource(show_spinner=False)
def freeze_once() -> None:
    """Schedule ``freeze_imports`` once per server process (st.cache_resource), on a daemon
    timer so that neither the first visitor's page nor a test waits for it."""
    timer = threading.Timer(DELAY_S, freeze_imports)
    timer.daemon = True
    timer.start()
