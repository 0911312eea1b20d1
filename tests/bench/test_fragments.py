"""Fragments on a real server (counts of elements and the URL the browser would show, no
timing): the shapes page's three tabs (pages/shapes.py), where a change in one tab reruns
that tab alone and its setting still reaches the link; the share popover (ui/share.py),
whose opening, QR switch and closing rerun the popover alone and show the page's link; and
the load test's own changes (bench/load.py), which rerun a fragment's control as the
browser does."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load import Server, Tally, interact
from bench.streamlit_client import Session, WidgetState


def _in_session(steps) -> dict:
    """``steps(session)`` in one client session on a fresh server: what it returns."""

    async def go(url: str) -> dict:
        sess = Session(url, timeout=60)
        await sess.connect()
        try:
            return await steps(sess)
        finally:
            await sess.close()

    with Server() as server, ThreadPoolExecutor(1) as pool:
        # In its own thread: the browser tests' Playwright keeps an event loop on this one.
        return pool.submit(asyncio.run, go(server.url)).result()


async def _changes(sess: Session) -> dict:
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


@pytest.mark.slow
def test_a_change_in_one_tab_reruns_that_tab_alone_and_reaches_the_link():
    got = _in_session(_changes)
    fragments = {got[tab][0] for tab in ("calculator", "planner", "solver")}
    assert len(fragments) == 3 and "" not in fragments  # three fragments, none the page
    assert [got[tab][1] for tab in ("calculator", "planner", "solver")] == ["fragment-ok"] * 3
    # each tab sends its own elements only: together no more than the whole page
    deltas = [got[tab][2] for tab in ("calculator", "planner", "solver")]
    assert min(deltas) > 0 and sum(deltas) <= got["whole"], (deltas, got["whole"])
    assert [got[tab][3] for tab in ("calculator", "planner", "solver")] == ["2", "40", "9"]
    assert any("4 × 8" in t for t in got["calculator"][4])  # stride 2 on the rows of 8×8
    assert any("torch.zeros(1, 1, 40, 28)" in t for t in got["planner"][4])  # LeNet on 40×28


async def _share(sess: Session) -> dict:
    got = {"visit": (await sess.open("channels")).deltas}
    n = sess.widgets["ch_n"]
    state = WidgetState(id=n.id)
    state.double_array_value.data.append(5.0)
    await sess.change([state])
    popover = sess.widgets["ch_share"]
    for step, key, value in (("open", "ch_share", True), ("qr", "ch_share_qr", True),
                             ("close", "ch_share", False)):
        w = sess.widgets[key]
        run = await sess.change([WidgetState(id=w.id, bool_value=value)], fragment=w.fragment)
        got[step] = (w.fragment, run.status, run.deltas,
                     [t for t in run.texts if t.startswith(sess.base)])
    got["popover"] = popover.fragment
    return got


@pytest.mark.slow
def test_the_share_popover_reruns_alone_and_shows_the_pages_current_link():
    got = _in_session(_share)
    assert got["popover"]  # drawn by a fragment, not by the page
    for step in ("open", "qr", "close"):
        fragment, status, deltas, _ = got[step]
        assert (fragment, status) == (got["popover"], "fragment-ok"), step
        assert 0 < deltas < got["visit"] / 2, (step, deltas, got["visit"])
    links = got["open"][3]
    assert len(links) == 1 and "ch_n=5" in links[0] and "lang=en" in links[0]
    assert got["close"][3] == []  # closed: the link is no longer written


async def _load_changes(sess: Session) -> list[tuple[str, str, str]]:
    await sess.open("shapes")
    rng, tally, done = random.Random(3), Tally(), []
    for _ in range(12):
        w, run = await interact(sess, 0, "shapes", rng, tally)
        done.append((w.key, w.fragment, run.status))
    assert tally.errors == [] and tally.interactions == 12
    return done


@pytest.mark.slow
def test_the_load_tests_changes_rerun_a_fragments_control_as_the_browser_does():
    done = _in_session(_load_changes)
    in_tabs = [(key, status) for key, fragment, status in done if fragment]
    assert len(in_tabs) >= 6, done  # most of the page's controls are in its tabs
    assert all(status == "fragment-ok" for _, status in in_tabs), done
    assert all(status == "ok" for key, fragment, status in done if not fragment), done
