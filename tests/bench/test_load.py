"""bench.load's scenarios, targets and 1-vs-2 comparison, on made-up numbers (no server)."""

from __future__ import annotations

import math
from contextlib import contextmanager

import pytest

from bench import load


def _report(**over) -> load.Report:
    """A clean report: every latency 100 ms, 400 MB, 20 ms CPU per run, 10 runs/s."""
    lat = {"p95": 0.1}
    base = dict(
        sessions=60, seconds=120, think=3.0, options={}, pages=[""], via="test", processes=1,
        cold_start_s=1.0, warm_up_s={}, rss_start_mb=70, rss_warm_mb=400, rss_peak_mb=400,
        rss_end_mb=400, rss_peak_per_process_mb=[400.0], server_cpu_s=24.0,
        server_cores_busy=0.2, proxy_cpu_s=math.nan, client_cpu_s=1.0, runs=1210,
        load_runs=1200, runs_per_s=10.0, interactions=1000, trainings=100, shares=40,
        link_checks=1200,
        errors=[], leaks=[], page_set_params={}, error_alerts={}, server_tracebacks=0,
        latency={"all change": lat, "all train": lat, load.ALL: lat}, scenario="class")
    return load.Report(**(base | over))


def test_the_class_scenario_is_60_sessions_for_two_minutes_with_every_target():
    sc = load.SCENARIOS["class"]
    assert (sc.sessions, sc.seconds, sc.think) == (60, 120, 3.0)
    assert set(sc.targets) == set(load.TARGETS)
    assert sc.sessions <= load.MAX_SESSIONS == 100


def test_a_clean_class_run_meets_every_target():
    r = _report()
    checks = r.check(load.SCENARIOS["class"].targets)
    assert [c.ok for c in checks] == [True] * 6
    assert load.passed(r)


@pytest.mark.parametrize("over, missed", [
    ({"latency": {"all change": {"p95": 0.5}, "all train": {"p95": 0.1}}}, "change p95"),
    ({"latency": {"all change": {"p95": 0.1}, "all train": {"p95": 1.2}}}, "training p95"),
    ({"rss_peak_per_process_mb": [400.0, 690.0]}, "peak server memory (per process)"),
    ({"server_cpu_s": 36.5}, "server CPU per script run"),  # 30.4 ms per run
    ({"leaks": ["s01 sees s02"]}, "leaks between sessions"),
    ({"server_tracebacks": 1}, "errors"),
])
def test_each_target_is_missed_on_its_own_number(over, missed):
    r = _report(**over)
    checks = r.check(load.SCENARIOS["class"].targets)
    assert [c.what for c in checks if c.ok is False] == [missed]
    assert not load.passed(r)


def test_numbers_not_measured_are_shown_as_such_not_failed():
    # A server started elsewhere (--base-url): no processes to measure.
    r = _report(processes=0, rss_peak_per_process_mb=[], server_cpu_s=math.nan)
    checks = {c.what: c.ok for c in r.check(load.SCENARIOS["class"].targets)}
    assert checks["peak server memory (per process)"] is None
    assert checks["server CPU per script run"] is None
    assert load.passed(r)


def test_two_processes_must_bring_1_7_times_the_runs_at_the_same_p95(capsys):
    one = _report(processes=1, sessions=10, runs_per_s=10.0)
    assert load.print_comparison([one, _report(processes=2, sessions=20, runs_per_s=18.0)])
    assert not load.print_comparison([one, _report(processes=2, sessions=20, runs_per_s=16.0)])
    slower = {k: {"p95": 0.2} for k in ("all change", "all train", load.ALL)}
    assert not load.print_comparison(
        [one, _report(processes=2, sessions=20, runs_per_s=19.0, latency=slower)])
    assert "1.80× the runs per second" in capsys.readouterr().out


def test_up_to_100_sessions_run_and_101_are_refused(monkeypatch):
    seen = {}

    @contextmanager
    def fake_served(**_):
        yield load.Served("http://127.0.0.1:1", "fake", [], [], 0.0)

    async def fake_warm(*_):
        return {}

    async def fake_drive(base, pages, sessions, *rest):
        seen["sessions"] = sessions

    monkeypatch.setattr(load, "served", fake_served)
    monkeypatch.setattr(load, "warm_up_all", fake_warm)
    monkeypatch.setattr(load, "drive", fake_drive)
    monkeypatch.setattr(load.time, "sleep", lambda s: None)
    load.run_load(sessions=100, seconds=1, pages=[""])
    assert seen["sessions"] == 100
    with pytest.raises(SystemExit):
        load.main(["--sessions", "101"])


def test_changes_are_binned_by_when_they_were_asked_for():
    # (start, seconds): two fast changes in the first window, one slow in the third
    starts = [(100.5, 0.1), (119.0, 0.2), (145.0, 1.5)]
    assert load.windows(starts, 100.0, 60) == [(0.0, 2, 0.2), (40.0, 1, 1.5)]
    assert load.windows([], 100.0, 60) == []
