"""bench.page_cpu on a fresh server: one session's random changes of one page, counted."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import page_cpu


@pytest.mark.slow
def test_ten_changes_of_the_pooling_page_are_ten_clean_runs_with_cpu_counted():
    # In its own thread: the browser tests' Playwright keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        r = pool.submit(page_cpu.measure, "pooling", changes=10, warm=2).result()
    assert r.failed == []
    assert r.runs == 10
    assert r.cpu_ms_per_run > 0  # the server's own CPU time was read
    assert r.deltas_per_run >= 1  # each change drew something


def test_an_unknown_page_is_refused_with_the_list_of_pages():
    with pytest.raises(SystemExit, match="learn"):
        page_cpu.measure("no-such-page")
