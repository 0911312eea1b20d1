"""Channels page: server time of a rerun and figure JSON sizes, default vs largest settings.

The issue sets no target; these numbers are for watching (the compact view keeps the
largest setting's figures small).
"""

from __future__ import annotations

from bench.common import Row, apptest, figure_sizes, rerun_time

PAGE = "pages/channels.py"
LARGEST = {"ch_ci": "8", "ch_co": "8", "ch_n": "12", "ch_k": "5", "ch_pad": "3",
           "ch_values": "uniform", "ch_groups": "8"}


def nudge(at) -> None:
    """Move co by one, back and forth (3 ↔ 4, 8 ↔ 7): a real change on every rerun."""
    s = at.slider("ch_co")
    s.set_value(s.value + 1 if s.value % 2 and s.value < 8 else s.value - 1)


def measure() -> list[Row]:
    rows = []
    for name, query in (("default", None), ("largest", LARGEST)):
        at = apptest(PAGE, query)
        rows.append(Row("channels", f"rerun after changing co ({name})",
                        rerun_time(at, nudge) * 1e3, "ms"))
        sizes = figure_sizes(at)
        rows.append(Row("channels", f"figures, total JSON ({name})", sum(sizes) / 1e3, "kB"))
        rows.append(Row("channels", f"largest figure JSON ({name})", max(sizes) / 1e3, "kB"))
    return rows
