"""Practice page: what a class checking answers costs the server, on a real `streamlit run`
spoken to as the browser does (bench/streamlit_client.py), one session, nothing else running.

Each exercise is an st.fragment (ui/practice.py): a Check, or opening a worked solution,
reruns that exercise alone. Counted here: the elements (deltas) the server sends for a run
of the whole page (a new exercise set) and for one Check and one solution opened; and the
server's CPU per Check as a share of its CPU per whole-page run (CPU seconds of the process
over ROUNDS runs each, interleaved, so a busy moment weighs on both).
"""

from __future__ import annotations

import asyncio

from bench.common import Row
from bench.load import Server, cpu_seconds
from bench.streamlit_client import Session, WidgetState, click

PAGE = "practice"
EXERCISE = "shape_book"  # the book's exercise: input 8×8, kernel 3×5, answer 2×2
#: Wrong answers only, each a named slip: a first right answer would rerun the whole page
#: once (the sidebar counts what is solved), which is not what a Check costs.
WRONG = ("1×1", "3×3")
ROUNDS = 30
#: A Check must cost a small part of a whole-page run (it was the whole page before).
CHECK_DELTAS, CHECK_SHARE = 20, 0.25


async def _measure(url: str, pid: int) -> dict[str, float]:
    sess = Session(url, timeout=60)
    await sess.connect()
    try:
        first = await sess.open(PAGE)
        box = sess.widgets[f"pr_ans_{EXERCISE}"]
        check = next(w for w in sess.widgets.values()
                     if getattr(w.proto, "form_id", "") == f"pr_form_{EXERCISE}"
                     and w.kind == "button")
        seed = sess.widgets["pr_seed"]
        assert box.fragment and box.fragment == check.fragment, "the exercise is a fragment"
        whole = checks = 0.0
        whole_deltas, check_deltas = [], []
        for i in range(ROUNDS):
            c0 = cpu_seconds(pid)
            run = await sess.change([WidgetState(id=seed.id, double_value=i % 7 + 1)])
            c1 = cpu_seconds(pid)
            assert run.ok and run.status == "ok", run
            whole += c1 - c0
            whole_deltas.append(run.deltas)
            box = sess.widgets[f"pr_ans_{EXERCISE}"]
            answer = WidgetState(id=box.id, string_value=WRONG[i % 2])
            run = await sess.change([answer, click(check)], fragment=box.fragment)
            c2 = cpu_seconds(pid)
            assert run.ok and run.status == "fragment-ok", run
            assert any("Not quite" in t for t in run.texts), run.texts  # the slip was named
            checks += c2 - c1
            check_deltas.append(run.deltas)
        sol = sess.widgets[f"pr_sol_{EXERCISE}"]
        opened = await sess.change([WidgetState(id=sol.id, bool_value=True)],
                                   fragment=sol.fragment)
        assert opened.status == "fragment-ok" and any("⌊" in t for t in opened.texts)
        return {"first": first.deltas, "whole": max(whole_deltas), "check": max(check_deltas),
                "solution": opened.deltas, "share": checks / whole}
    finally:
        await sess.close()


def measure() -> list[Row]:
    with Server() as server:
        got = asyncio.run(_measure(server.url, server.proc.pid))
    return [
        Row(PAGE, "elements sent: first visit", got["first"], "count"),
        Row(PAGE, "elements sent: whole page (a new exercise set)", got["whole"], "count"),
        Row(PAGE, "elements sent: one Check (its exercise alone)", got["check"], "count",
            f"< {CHECK_DELTAS}", got["check"] < CHECK_DELTAS),
        Row(PAGE, "elements sent: a worked solution opened", got["solution"], "count",
            f"< {CHECK_DELTAS}", got["solution"] < CHECK_DELTAS),
        Row(PAGE, f"server CPU of a Check / of a whole-page run ({ROUNDS} each)",
            got["share"], "ratio", f"< {CHECK_SHARE}", got["share"] < CHECK_SHARE),
    ]
