"""bench/bench_pooling.py's set-ups open and hold the widgets its rows move (no timing here:
`make bench` measures)."""

from __future__ import annotations

import pytest

from bench import bench_pooling
from tests.apptest import assert_clean, run_page


@pytest.mark.parametrize("label, query", bench_pooling.CASES)
def test_each_case_opens_with_the_widgets_the_rows_move(label, query):
    at = run_page(bench_pooling.PAGE, query)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    for h, w in bench_pooling.FRESH:
        at.slider(key="pl_p_h").set_value(h)
        at.slider(key="pl_p_w").set_value(w).run()
        assert_clean(at)
        assert not at.error, (label, h, w, [e.value for e in at.error])
    at.radio(key="pl_mode").set_value("max")
    at.toggle(key="pl_ceil").set_value(True).run()
    assert_clean(at)
    assert not at.error and bench_pooling.FIGURE_MB == 1.0 and bench_pooling.RERUN_MS == 150
