"""What every benchmark module shares: the Row record and small timing helpers."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    """One measured number: ``ok`` is None when there is no target."""

    group: str
    what: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None


def best_of(fn: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """Best wall time of ``number`` calls, over ``repeat`` tries, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t) / number)
    return best


def apptest(page: str, query: dict[str, str] | None = None):
    """A page run once in AppTest (warm: torch imported), from the repo root."""
    from streamlit.testing.v1 import AppTest

    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def rerun_time(at, change: Callable[[object], object], *, repeat: int = 5) -> float:
    """Best server time (s) of a rerun after ``change(at)`` (e.g. moving a slider)."""
    best = float("inf")
    for _ in range(repeat):
        change(at)
        t = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - t)
        assert not at.exception, [e.value for e in at.exception]
    return best


def reruns(at, changes: list[Callable[[], object]]) -> tuple[float, float]:
    """Best wall and best CPU time (s) of a rerun after each change. CPU time (all threads of
    this process) is what a rerun costs on an idle machine; wall time also counts waiting
    for other processes on a busy one."""
    wall = cpu = float("inf")
    for change in changes:
        change()
        t, c = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
        assert not at.exception, [e.value for e in at.exception]
    return wall, cpu


def best_rerun(at, key: str, values: list, kind: str = "slider") -> float:
    """Best server (wall) time (s) of a rerun after setting widget ``key`` (an AppTest
    ``kind``: slider, radio, …) to each of ``values`` in turn; a pair of keys joined by
    "+" (``"sw_pad_h+sw_pad_w"``) takes pairs of values, one for each."""
    keys = key.split("+")

    def setter(value):
        parts = value if len(keys) > 1 else (value,)
        return lambda: [getattr(at, kind)(key=k).set_value(v) for k, v in zip(keys, parts)]

    return reruns(at, [setter(v) for v in values])[0]


def figure_sizes(at) -> list[int]:
    """JSON size in bytes of every plotly figure on the page."""
    return [len(c.proto.spec.encode()) for c in at.get("plotly_chart")]


def dumps_size(obj) -> int:
    return len(json.dumps(obj).encode())
