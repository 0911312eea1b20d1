"""AppTest helpers shared by the page tests: run a page, read its figures and text."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
#: The first run imports torch (seconds on a busy 2-core machine).
TIMEOUT = 60


def run_page(page: str, query: dict[str, str] | None = None, **session: Any) -> AppTest:
    """Run ``pages/<page>`` (or app.py) from the repo root with URL parameters and session state.

    AppTest reads .streamlit/config.toml from the current directory only, hence the chdir.
    """
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in session.items():
        at.session_state[k] = v
    return at.run()


def run_function(script: Any, query: dict[str, str] | None = None) -> AppTest:
    """Run a script given as a function (AppTest.from_function) from the repo root with URL
    parameters."""
    os.chdir(ROOT)
    at = AppTest.from_function(script, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def decode(value: Any) -> Any:
    """A Plotly JSON value as numpy when it is a typed array ({dtype, bdata, shape}); else as is."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            dims = [int(s) for s in str(shape).split(",")] if isinstance(shape, str) else shape
            arr = arr.reshape(dims)
        return arr
    return value


def figures(at: AppTest) -> list[dict]:
    """Every plotly chart on the page as its figure JSON."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def all_text(at: AppTest) -> str:
    """Markdown, captions, headers, code, alerts and metrics of the page, joined."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "code", "latex", "text",
                 "error", "warning", "info", "success"):
        parts += [str(e.value) for e in at.get(kind)]
    for m in at.get("metric"):
        parts += [str(m.label), str(m.value)]
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    """No uncaught exception on the page."""
    assert not at.exception, [e.value for e in at.exception]
