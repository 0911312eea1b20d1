"""ConvScope on Streamlit Community Cloud: give Cloud ``cloud/streamlit_app.py`` as Main file path.

Cloud installs the dependency file in the entry file's folder before the root's, so this folder's
requirements.txt (the root pins, torch as the CPU build) serves Cloud while `make run` and
`make test` keep the root requirements.txt. Cloud runs ``streamlit run cloud/streamlit_app.py``
from the repository root; this file then runs the root app.py, the one router, after three
fixes for a run from this folder:

- the repository root on ``sys.path``: Streamlit adds only the entry file's folder (cloud/);
- the root also in ``PYTHONPATH``, which Streamlit's file watcher reads: it reloads modules in
  the entry file's folder or in PYTHONPATH, so without it a push to core/, viz/ or ui/ would
  leave the old modules running until a reboot (with the entry at the root they are watched);
- ``client.showErrorDetails`` back to what .streamlit/config.toml says ("none"): Cloud forces
  ``false``, which Streamlit 1.67 treats as "stacktrace", the exception type and traceback (our
  file paths and source lines) in the visitor's page. It is an option a script may set.
"""

import os
import runpy
import sys
import tomllib
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]


def configured(section: str, option: str) -> object:
    """The value .streamlit/config.toml gives ``section.option`` (None when it sets none)."""
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        return tomllib.load(f).get(section, {}).get(option)


show_errors = configured("client", "showErrorDetails")
if show_errors is not None:
    st.set_option("client.showErrorDetails", show_errors)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if str(ROOT) not in paths:
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, paths)])
runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
