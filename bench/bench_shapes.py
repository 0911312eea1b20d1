"""Shapes page: rerun times (all three tabs run on every rerun) and the window picture's size.

The issue sets no target; these are numbers to watch. Each timed rerun uses a setting not
seen before, so the cached PyTorch checks do not help.
"""

from __future__ import annotations

from bench.common import Row, apptest, best_of, figure_sizes, reruns
from core.layers import MAX_LAYERS
from core.padding import solve_padding
from core.plan import plan_text


def measure() -> list[Row]:
    rows: list[Row] = []
    at = apptest("pages/shapes.py")
    wall, cpu = reruns(at, [lambda s=s: at.slider(key="sh_s_h").set_value(s)
                             for s in (2, 3, 4, 5, 6)])
    rows += [Row("shapes", "rerun after a stride change (wall)", wall * 1e3, "ms"),
             Row("shapes", "rerun after a stride change (CPU)", cpu * 1e3, "ms")]
    stacks = [f"conv:{c},3,1,1;pool:max,2;conv:{2 * c},3,1,1;pool:avg,2" for c in (5, 7, 9, 11)]
    wall, cpu = reruns(at, [lambda t=t: at.text_area(key="sh_layers").input(t)
                             for t in stacks])
    rows += [Row("shapes", "rerun after a new layer stack, export run (wall)", wall * 1e3, "ms"),
             Row("shapes", "rerun after a new layer stack, export run (CPU)", cpu * 1e3, "ms")]
    rows.append(Row("shapes", "window picture JSON, default 8×8", figure_sizes(at)[0] / 1e3, "kB"))
    big = apptest("pages/shapes.py", {"sh_in_h": "32", "sh_in_w": "32", "sh_p_h": "4",
                                      "sh_p_w": "4"})
    rows.append(Row("shapes", "window picture JSON, 40×40 padded", figure_sizes(big)[0] / 1e3,
                    "kB"))
    deep = ";".join(["conv:64,3,1,1"] * MAX_LAYERS)
    rows.append(Row("shapes", f"plan of {MAX_LAYERS} layers (core)",
                    best_of(lambda: plan_text((3, 224, 224), deep), number=20) * 1e6, "µs"))
    rows.append(Row("shapes", "padding solver, 15 kernels × 8 strides (core)",
                    best_of(lambda: solve_padding(224, 112, kernels=(1, 15), strides=(1, 8)),
                            number=20) * 1e6, "µs"))
    return rows
