"""Server CPU per script run of one page, one session alone: a fresh ``streamlit run``, a
visit, ``--warm`` random changes not counted, then ``--changes`` random changes of the page's
controls (the load test's own choice of values, ``bench.streamlit_client.new_value``), and
the server's CPU time over them divided by the runs. Where a page's cost per run comes from,
beside the class load's average over every page (``bench.load``).

    .venv/bin/python -m bench.page_cpu learn                 # 100 changes, seed 1
    .venv/bin/python -m bench.page_cpu pooling --changes 150

A control in an ``st.fragment`` reruns its fragment alone, as in the browser. Unlike the load
test, no training button is pressed: every run is a control's change.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass

from bench.load import Server, built_pages, cpu_seconds
from bench.streamlit_client import CHANGEABLE, Session, new_value


@dataclass
class PageCpu:
    page: str
    runs: int
    cpu_ms_per_run: float
    deltas_per_run: float
    wall_ms_per_run: float
    failed: list[str]


async def _changes(session: Session, rng: random.Random, n: int) -> tuple[int, int, list[str]]:
    """n random changes; (runs, deltas sent, failures)."""
    runs = deltas = 0
    failed: list[str] = []
    while runs < n:
        widgets = [w for w in session.widgets.values() if w.kind in CHANGEABLE]
        if not widgets:
            raise RuntimeError("the page has no control to change")
        w = rng.choice(widgets)
        state = new_value(w, rng)
        if state is None:
            continue
        run = await session.change([state], fragment=w.fragment)
        runs, deltas = runs + 1, deltas + run.deltas
        if not run.ok:
            failed.append(f"{w.key}: {run.status} {run.exceptions[:1]}")
    return runs, deltas, failed


async def _measure(url: str, pid: int, page: str, changes: int, warm: int,
                   seed: int) -> PageCpu:
    session = Session(url, timeout=120)
    await session.connect()
    try:
        await session.open(page)
        rng = random.Random(seed)
        await _changes(session, rng, warm)
        c0, t0 = cpu_seconds(pid), time.perf_counter()
        runs, deltas, failed = await _changes(session, rng, changes)
        cpu, wall = cpu_seconds(pid) - c0, time.perf_counter() - t0
    finally:
        await session.close()
    return PageCpu(page, runs, cpu / runs * 1e3, deltas / runs, wall / runs * 1e3, failed)


def measure(page: str, *, changes: int = 100, warm: int = 20, seed: int = 1) -> PageCpu:
    """``page``: a URL path of ui/nav.py's PAGES ("" or "home": the home page)."""
    page = "" if page == "home" else page
    if page not in built_pages():
        raise SystemExit(f"no page {page!r}; pages: home {' '.join(built_pages()[1:])}")
    with Server() as server:
        return asyncio.run(_measure(server.url, server.proc.pid, page, changes, warm, seed))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.page_cpu", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("page", help="a page's URL path (learn, edges, …) or home")
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--warm", type=int, default=20, help="changes made first, not counted")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    r = measure(a.page, changes=max(1, min(a.changes, 1000)), warm=max(0, min(a.warm, 200)),
                seed=a.seed)
    print(f"{r.page or 'home'}: {r.runs} runs, server CPU {r.cpu_ms_per_run:.0f} ms/run, "
          f"{r.deltas_per_run:.1f} deltas/run, {r.wall_ms_per_run:.0f} ms/run wall, "
          f"{len(r.failed)} failed")
    for f in r.failed[:5]:
        print("  failed:", f, file=sys.stderr)
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
