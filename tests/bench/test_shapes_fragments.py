"""The shapes page's three tabs are fragments (pages/shapes.py): a change in one tab reruns
that tab alone, on a real server, and its setting still reaches the link (counts of
elements and the URL the browser would show, no timing)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load import Server
from bench.streamlit_client import Session, WidgetState


async def _changes(url: str) -> dict:
    sess = Session(url, timeout=60)
    await sess.connect()
    try:
        whole = await sess.open("shapes")
        got = {"whole": whole.deltas}
        for key, value, tab in (("sh_s_h", 2, "calculator"), ("sh_net_h", 40, "planner"),
                                ("sh_sol_n", 9, "solver")):
            w = sess.widgets[key]
            state = WidgetState(id=w.id)
            if w.kind == "slider":
                state.double_array_value.data.append(float(value))
            else:  # a whole-number box
                state.int_value = value
            run = await sess.change([state], fragment=w.fragment)
            got[tab] = (w.fragment, run.status, run.deltas, dict(sess.query).get(key), run.texts)
        return got
    finally:
        await sess.close()


@pytest.mark.slow
def test_a_change_in_one_tab_reruns_that_tab_alone_and_reaches_the_link():
    with Server() as server, ThreadPoolExecutor(1) as pool:
        # In its own thread: the browser tests' Playwright keeps an event loop on this one.
        got = pool.submit(asyncio.run, _changes(server.url)).result()
    fragments = {got[tab][0] for tab in ("calculator", "planner", "solver")}
    assert len(fragments) == 3 and "" not in fragments  # three fragments, none the page
    assert [got[tab][1] for tab in ("calculator", "planner", "solver")] == ["fragment-ok"] * 3
    # each tab sends its own elements only: together no more than the whole page
    deltas = [got[tab][2] for tab in ("calculator", "planner", "solver")]
    assert min(deltas) > 0 and sum(deltas) <= got["whole"], (deltas, got["whole"])
    assert [got[tab][3] for tab in ("calculator", "planner", "solver")] == ["2", "40", "9"]
    assert any("4 × 8" in t for t in got["calculator"][4])  # stride 2 on the rows of 8×8
    assert any("torch.zeros(1, 1, 40, 28)" in t for t in got["planner"][4])  # LeNet on 40×28
