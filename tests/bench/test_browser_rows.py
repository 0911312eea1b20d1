"""The browser bench's own logic, without a browser: how its rows judge their targets, the
floor ratios, the URL that opens the learning page on a set-up, and the floor page itself."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl

import numpy as np
import pytest

from bench.bench_browser import (
    FIRST_VISIT,
    FLOOR_APP,
    FLOOR_KEY,
    FLOOR_RATIO,
    RETRAIN,
    WARM,
    Target,
    floor_ratios,
    setup_query,
    summary,
    timed,
)
from tests.apptest import decode, figures, run_page


def test_the_targets_are_the_issues():
    assert (WARM.stat, WARM.op, WARM.limit) == ("p95", "<", 200)
    assert (FLOOR_RATIO.stat, FLOOR_RATIO.op, FLOOR_RATIO.limit) == ("p95", "≤", 1.5)
    assert (FIRST_VISIT.stat, FIRST_VISIT.limit) == ("median", 1.5)


def test_a_target_is_strict_or_not_as_written_and_no_data_never_meets_it():
    assert Target("p95", "<", 200).met(199.9) and not Target("p95", "<", 200).met(200)
    assert Target("p95", "≤", 1.5).met(1.5) and not Target("p95", "≤", 1.5).met(1.51)
    assert not Target("p95", "<", 200).met(math.nan)
    assert not Target("p95", "≤", 1.5).met(math.nan)


def test_summary_judges_the_target_on_its_own_statistic():
    xs = [100.0] * 11 + [250.0]  # median 100, p95 (nearest rank of 12) the slowest
    median, p95 = summary("browser", "warm x", xs, "ms", WARM)
    assert (median.value, median.ok, median.target) == (100.0, None, "")
    assert (p95.value, p95.ok, p95.target) == (250.0, False, "< 200")
    median, p95 = summary("browser", "visit x", [1.0, 1.2, 3.0], "s", FIRST_VISIT)
    assert (median.value, median.ok) == (1.2, True)  # one slow visit: the median still meets
    assert p95.ok is None


def test_no_data_is_one_row_that_misses_its_target():
    (row,) = summary("browser", "warm x", [], "ms", WARM)
    assert math.isnan(row.value) and row.ok is False and "no data" in row.what
    (row,) = summary("browser", "first visit x", [], "s")
    assert row.ok is None  # nothing to meet


def test_floor_ratio_is_each_p95_over_the_floors_p95():
    floor = [80.0] * 11 + [100.0]  # p95 100 ms
    rows = floor_ratios("floor", {"edges": [120.0] * 12, "shapes": [140.0] * 11 + [151.0]},
                        floor)
    assert [r.what for r in rows] == ["warm p95 ÷ floor p95, edges",
                                      "warm p95 ÷ floor p95, shapes"]
    assert [r.value for r in rows] == pytest.approx([1.2, 1.51])
    assert [r.ok for r in rows] == [True, False]
    assert rows[0].unit == "×" and rows[0].target == "≤ 1.5"


def test_floor_ratio_without_a_floor_or_a_page_sample_misses():
    (no_floor,) = floor_ratios("floor", {"edges": [120.0]}, [])
    (no_page,) = floor_ratios("floor", {"edges": []}, [100.0])
    for row in (no_floor, no_page):
        assert math.isnan(row.value) and row.ok is False


def test_a_change_counts_only_with_every_mark():
    full = {"t0": 1.0, "tRun": 2.0, "tEnd": 3.0, "t1": 4.0}
    assert timed(full)
    assert not timed(None)  # the control could not move
    for mark in full:  # e.g. t1 None: the page did not complete within the timeout
        assert not timed({**full, mark: None})


def test_setup_query_writes_what_bound_widgets_read():
    q = dict(parse_qsl(setup_query("lk_", {"same": True, "bias": False, "lr": 0.2,
                                            "steps": 400, "target": "Sobel x"})))
    assert q == {"lk_same": "true", "lk_bias": "false", "lk_lr": "0.2", "lk_steps": "400",
                 "lk_target": "Sobel x"}


@pytest.mark.slow
def test_the_retrain_url_opens_the_learning_page_on_its_set_up():
    from ui.learn_setups import SETUPS

    path, key, name = RETRAIN
    values = SETUPS[name].values
    at = run_page(f"pages/{path}.py", dict(parse_qsl(setup_query("lk_", values))))
    assert not at.exception
    assert at.number_input(key=key).value == values["steps"] == 400
    assert at.selectbox(key="lk_target").value == values["target"]
    assert at.selectbox(key="lk_input").value == values["input"]
    assert at.session_state["lk_run"].last_step == 400


def test_the_floor_is_one_slider_and_one_small_heatmap_outside_the_app():
    from ui.nav import PAGES

    assert not FLOOR_APP.startswith("pages/")
    assert all(file != FLOOR_APP.rsplit("/", 1)[-1] for file, *_ in PAGES)
    at = run_page(FLOOR_APP)
    assert not at.exception
    assert [s.key for s in at.slider] == [FLOOR_KEY]
    (fig,) = figures(at)
    (trace,) = fig["data"]
    assert trace["type"] == "heatmap"
    before = decode(trace["z"])
    assert before.shape == (6, 8)
    # The slider changes the figure, so a key press redraws it as on the app's pages.
    at.slider(key=FLOOR_KEY).set_value(at.slider(key=FLOOR_KEY).value + 1).run()
    assert not at.exception
    (fig,) = figures(at)
    assert not np.array_equal(decode(fig["data"][0]["z"]), before)
