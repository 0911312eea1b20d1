"""Pooling page: server time of a rerun after a widget change, and figure JSON sizes, at the
book's 3×3 input and at 16×16 (average pooling, 3×3 windows), with the sliding window's
targets (bench/bench_sliding.py).

A "new padding" rerun sets a padding pair never used before in the loop, so the cached
trace does not help: the time includes the pooling, the trace, every figure and Streamlit's
own work. A "mode" rerun switches max ↔ average (both cached after the first two).
"""

from __future__ import annotations

import time

from bench.bench_sliding import FIGURE_MB, RERUN_MS
from bench.common import Row, apptest, figure_sizes

PAGE = "pages/pooling.py"
#: (padding h, padding w), each used once per timed loop (up to half the window: 1).
FRESH = [(0, 1), (1, 0), (1, 1), (0, 0)]
CASES = (
    ("book 3×3, window 2×2", {}),
    ("16×16, window 3×3", {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16",
                          "pl_mode": "avg", "pl_k_h": "3", "pl_k_w": "3", "pl_s_h": "1",
                          "pl_s_w": "1"}),
)


def _timed(at, change) -> float:
    """Server time (s) of one rerun after ``change(at)``."""
    change(at)
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def _new_padding(at) -> float:
    """Best time (s) over reruns, each with a padding pair not seen before."""
    best = float("inf")
    for h, w in FRESH:
        def change(at, h=h, w=w):
            at.slider(key="pl_p_h").set_value(h)
            at.slider(key="pl_p_w").set_value(w)
        best = min(best, _timed(at, change))
    return best


def _mode(at) -> float:
    best = float("inf")
    for mode in ("max", "avg", "max", "avg"):
        best = min(best, _timed(at, lambda at, m=mode: at.radio(key="pl_mode").set_value(m)))
    return best


def measure() -> list[Row]:
    rows = []
    for label, query in CASES:
        at = apptest(PAGE, query)
        assert not at.exception, [e.value for e in at.exception]
        for what, fn in (("new padding", _new_padding), ("mode switch", _mode)):
            ms = fn(at) * 1e3
            rows.append(Row("pooling", f"rerun after {what}, {label}", ms, "ms",
                            f"< {RERUN_MS} ms", ms < RERUN_MS))
        # Largest figure: the animation, padding 1 on both axes, ceil_mode on.
        at.slider(key="pl_p_h").set_value(1)
        at.slider(key="pl_p_w").set_value(1)
        at.toggle(key="pl_ceil").set_value(True)
        at.run()
        sizes = figure_sizes(at)
        mb = max(sizes) / 2**20
        rows.append(Row("pooling", f"animation figure JSON, {label}, padding 1, ceil_mode", mb,
                        "MB", f"< {FIGURE_MB} MB", mb < FIGURE_MB))
        rows.append(Row("pooling", f"all figures JSON, {label}, padding 1, ceil_mode",
                        sum(sizes) / 2**20, "MB"))
    return rows
