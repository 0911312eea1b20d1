"""bench/bench_practice.py on a real server, two rounds: the client sees each exercise as a
fragment, and a Check or an opened solution reruns that exercise alone (counts of elements,
no timing here: `make bench` measures the CPU share)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import bench_practice
from bench.load import Server


@pytest.mark.slow
def test_a_check_and_a_solution_rerun_their_exercise_alone(monkeypatch):
    monkeypatch.setattr(bench_practice, "ROUNDS", 2)
    with Server() as server, ThreadPoolExecutor(1) as pool:
        # In its own thread: the browser tests' Playwright keeps an event loop on this one.
        got = pool.submit(asyncio.run,
                          bench_practice._measure(server.url, server.proc.pid)).result()
    assert got["whole"] > 2 * bench_practice.CHECK_DELTAS  # the open section's five exercises
    assert 0 < got["check"] < bench_practice.CHECK_DELTAS
    assert 0 < got["solution"] < bench_practice.CHECK_DELTAS
