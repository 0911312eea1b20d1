"""`make load` in miniature: 3 protocol-level sessions for 5 s on a fresh server.

No browser: bench.load speaks Streamlit's websocket protocol itself (its checks are tested
on made-up runs in test_load_checks.py).
"""

import pytest

from bench.load import run_load


@pytest.mark.slow
def test_three_sessions_five_seconds_no_errors_no_leaks():
    # In its own thread: the browser tests' Playwright keeps an event loop running on this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        r = pool.submit(run_load, sessions=3, seconds=5, think=0.3).result()
    assert r.errors == [], r.errors
    assert r.leaks == [], r.leaks
    assert r.server_tracebacks == 0
    assert r.interactions >= 3  # every session changed something
    assert r.link_checks >= 3  # ... and its share link was compared with its own state
    assert r.rss_peak_mb > 0
