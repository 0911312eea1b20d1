"""Sliding-window page: server time of a rerun after a widget change, and figure JSON sizes,
at the seed's 3×3 input and at 16×16 with a 3×3 kernel.

A "new geometry" rerun sets a padding never used before in the loop, so the cached trace
does not help: the time includes the trace, every figure and Streamlit's own work. A
"cell picker" rerun moves the output-cell slider (trace cached, figures rebuilt).
"""

from __future__ import annotations

import time

from bench.common import Row, apptest, figure_sizes

PAGE = "pages/sliding_window.py"
RERUN_MS, FIGURE_MB = 150, 1.0
#: (padding h, padding w), each used once per timed loop: a fresh cache key every rerun.
FRESH = [(0, 1), (1, 0), (1, 1), (2, 0), (0, 2), (2, 1), (1, 2), (2, 2)]
CASES = (
    ("3×3 seed", {}),
    ("16×16, 3×3 kernel", {"sw_x": "random integers", "sw_rows": "16", "sw_cols": "16",
                           "sw_k": "preset", "sw_kpreset": "Sobel x"}),
)


def _timed(at, change) -> float:
    """Server time (s) of one rerun after ``change(at)``."""
    change(at)
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def _new_geometry(at) -> float:
    """Best time (s) over reruns, each with a padding pair not seen before."""
    best = float("inf")
    for h, w in FRESH:
        def change(at, h=h, w=w):
            at.slider(key="sw_pad_h").set_value(h)
            at.slider(key="sw_pad_w").set_value(w)
        best = min(best, _timed(at, change))
    return best


def _cell_picker(at) -> float:
    best = float("inf")
    for value in (1, 0, 1, 0, 1):
        best = min(best, _timed(at, lambda at, v=value: at.slider(key="sw_c").set_value(v)))
    return best


def measure() -> list[Row]:
    rows = []
    for label, query in CASES:
        at = apptest(PAGE, query)
        assert not at.exception, [e.value for e in at.exception]
        for what, fn in (("new padding", _new_geometry), ("cell picker", _cell_picker)):
            ms = fn(at) * 1e3
            rows.append(Row("sliding", f"rerun after {what}, {label}", ms, "ms",
                            f"< {RERUN_MS} ms", ms < RERUN_MS))
        # Largest figure: the animation (padding 1 on both axes: 18² padded, 256 frames).
        at.slider(key="sw_pad_h").set_value(1)
        at.slider(key="sw_pad_w").set_value(1)
        at.run()
        sizes = figure_sizes(at)
        mb = max(sizes) / 2**20
        rows.append(Row("sliding", f"animation figure JSON, {label}, padding 1", mb, "MB",
                        f"< {FIGURE_MB} MB", mb < FIGURE_MB))
        rows.append(Row("sliding", f"all figures JSON, {label}, padding 1",
                        sum(sizes) / 2**20, "MB"))
    return rows
