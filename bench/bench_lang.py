"""What a rerun costs in 中文 against the same rerun in English (issue 15: ≤ 1.1 ×).

Per page, two AppTest sessions, one opened with ``lang=zh`` and one with ``lang=en``, make
the same changes of one control, turn by turn, each turn in the other order (zh then en, en
then zh, …), so that a drift of the machine's speed, and whatever the first of a pair pays
for the second, falls on both alike. The number is the median CPU time (this process, all
threads) of a rerun: what the server spends, which is what a translation could add to.
"""

from __future__ import annotations

import statistics
import time

from bench.common import Row, apptest

#: A page, and the change each turn makes: (widget kind, key, values to cycle through).
CHANGES: dict[str, tuple[str, str, list]] = {
    "pages/tour.py": ("", "", [None]),  # no setting: a plain rerun
    "pages/sliding_window.py": ("slider", "sw_c", [1, 0]),
    "pages/edges.py": ("slider", "ed_pad", [2, 1]),
    "pages/learn.py": ("toggle", "lk_log", [False, True]),
    "pages/shapes.py": ("slider", "sh_k_h", [5, 3]),
    "pages/channels.py": ("slider", "ch_ci", [3, 2]),
    "pages/pooling.py": ("slider", "pl_p_h", [1, 0]),
    "pages/transposed.py": ("slider", "tc_stride_h", [2, 1]),
}
#: 24 turns: with 8, a quiet machine gave the tour 0.93 × in one run and 1.14 × in the next.
TURNS, RATIO = 24, 1.1


def _change(at, kind: str, key: str, value) -> None:
    if kind:
        getattr(at, kind)(key=key).set_value(value)


def _cpu_of_rerun(at, kind: str, key: str, value) -> float:
    _change(at, kind, key, value)
    c = time.process_time()
    at.run()
    spent = time.process_time() - c
    assert not at.exception, [e.value for e in at.exception]
    return spent


def measure() -> list[Row]:
    rows = []
    for page, (kind, key, values) in CHANGES.items():
        sessions = {lang: apptest(page, {"lang": lang}) for lang in ("zh", "en")}
        spent: dict[str, list[float]] = {"zh": [], "en": []}
        for turn in range(TURNS + 2):
            value = values[turn % len(values)]
            for lang in ("zh", "en") if turn % 2 == 0 else ("en", "zh"):
                at = sessions[lang]
                cpu = _cpu_of_rerun(at, kind, key, value)
                if turn >= 2:  # the first two turns warm the caches of both
                    spent[lang].append(cpu)
        zh, en = (statistics.median(spent[lang]) for lang in ("zh", "en"))
        name = page.removeprefix("pages/").removesuffix(".py")
        what = f"rerun {name}" + (f" ({key})" if key else "")
        rows += [Row("lang", f"{what}, 中文 CPU median (n={TURNS})", zh * 1e3, "ms"),
                 Row("lang", f"{what}, English CPU median (n={TURNS})", en * 1e3, "ms"),
                 Row("lang", f"{what}, 中文 ÷ English", zh / en, "×", f"≤ {RATIO}",
                     zh / en <= RATIO)]
    return rows
