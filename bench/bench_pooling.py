"""Pooling page: server time of a rerun after a widget change, and figure JSON sizes, at the
book's 3×3 input and at 16×16 (average pooling, 3×3 windows), with the sliding window's
targets (bench/bench_sliding.py).

A "new padding" rerun sets a padding pair never used before in the loop, so the cached
trace does not help: the time includes the pooling, the trace, every figure and Streamlit's
own work. A "mode" rerun switches max ↔ average (both cached after the first two).
"""

from __future__ import annotations

from bench.bench_sliding import FIGURE_MB, RERUN_MS
from bench.common import Row, apptest, best_rerun, figure_sizes

PAGE = "pages/pooling.py"
#: (padding h, padding w), each used once per timed loop (up to half the window: 1).
FRESH = [(0, 1), (1, 0), (1, 1), (0, 0)]
CASES = (
    ("book 3×3, window 2×2", {}),
    ("16×16, window 3×3", {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16",
                          "pl_mode": "avg", "pl_k_h": "3", "pl_k_w": "3", "pl_s_h": "1",
                          "pl_s_w": "1"}),
)


def _new_padding(at) -> float:
    """Best time (s) over reruns, each with a padding pair not seen before."""
    return best_rerun(at, "pl_p_h+pl_p_w", list(FRESH))


def _mode(at) -> float:
    return best_rerun(at, "pl_mode", ["max", "avg", "max", "avg"], kind="radio")


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
