"""core.corr2d against F.conv2d (the speed limit) and d2l's double loop (what it replaces)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

import core
from bench.common import Row, best_of

SIZES = (8, 64, 256, 512, 1024)
LOOP_SIZES = (8, 64, 256)  # the loop takes ~1 s at 256²; beyond that it is hopeless


def measure() -> list[Row]:
    torch.manual_seed(0)
    K = torch.randn(3, 3)
    rows = []
    for n in SIZES:
        X = torch.randn(n, n)
        X4, K4 = X[None, None], K[None, None]
        repeat = 20 if n <= 256 else 7
        t_core = best_of(lambda X=X: core.corr2d(X, K), repeat=repeat, number=5)
        t_torch = best_of(lambda X4=X4, K4=K4: F.conv2d(X4, K4), repeat=repeat, number=5)
        ratio = t_core / t_torch
        target = "≤ 1.2" if n == 512 else ""
        rows.append(Row("core", f"corr2d / F.conv2d time at {n}²", ratio, "×", target,
                        ratio <= 1.2 if n == 512 else None))
        if n in LOOP_SIZES:
            t_loop = best_of(lambda X=X: core.corr2d_loop(X, K), repeat=3 if n == 256 else 5)
            speedup = t_loop / t_core
            rows.append(Row("core", f"corr2d_loop / corr2d time at {n}²", speedup, "×",
                            "≥ 1000" if n == 256 else "", speedup >= 1000 if n == 256 else None))
        rows.append(Row("core", f"corr2d time at {n}²", t_core * 1e3, "ms"))
    return rows
