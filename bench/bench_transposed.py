"""Transposed-convolution page: server time of a rerun after a new setting, and figure JSON
sizes of each view, at the book's 2×2 example and at the largest setting the page allows
(8×8 input, 5×5 kernel, stride 4, dilation 3, output padding 3: a 44×44 output, 64 stamps).
Same targets as the sliding window (bench/bench_sliding.py).

A "new setting" rerun moves to a setting never used before in the loop, so the cached
views do not help: the time includes core's three views, the open view's figures and
Streamlit's own work.
"""

from __future__ import annotations

from bench.bench_sliding import FIGURE_MB, RERUN_MS
from bench.common import Row, apptest, best_rerun, figure_sizes

PAGE = "pages/transposed.py"
VIEWS = ("Scatter", "As a convolution", "As a matrix")
LARGEST = {"tc_x": "random integers", "tc_rows": "8", "tc_cols": "8", "tc_k": "typed",
           "tc_kgrid": "; ".join(["1 2 3 4 5"] * 5), "tc_stride_h": "4", "tc_stride_w": "4",
           "tc_dil_h": "3", "tc_dil_w": "3", "tc_op_h": "3", "tc_op_w": "3"}
#: (label, link, slider to move, values it takes once each: a fresh cache key every rerun)
CASES = (
    ("book's 2×2", {}, "tc_stride_w", [2, 3, 4]),
    ("largest, 44×44 output", LARGEST, "tc_seed", [1, 2, 3, 4, 5, 6]),
)


def measure() -> list[Row]:
    rows = []
    for label, query, key, values in CASES:
        for view in VIEWS:
            at = apptest(PAGE, {**query, "tc_view": view})
            assert not at.exception, [e.value for e in at.exception]
            ms = best_rerun(at, key, values) * 1e3  # each value not drawn before
            assert not at.error, [e.value for e in at.error]
            rows.append(Row("transposed", f"rerun after a new setting, {view}, {label}", ms,
                            "ms", f"< {RERUN_MS} ms", ms < RERUN_MS))
            sizes = figure_sizes(at)
            mb = max(sizes) / 2**20
            rows.append(Row("transposed", f"largest figure JSON, {view}, {label}", mb, "MB",
                            f"< {FIGURE_MB} MB", mb < FIGURE_MB))
            rows.append(Row("transposed", f"all figures JSON, {view}, {label}",
                            sum(sizes) / 2**20, "MB"))
    return rows
