"""The browser bench's in-page clock (bench_browser.WATCH), in chromium on the floor page: it
stops only when the page is visually complete, and it sees every rerun, fast ones too.

Checks facts, not times: the order of the marks, what the page held when the clock stopped,
and that no rerun went unseen.
"""

from __future__ import annotations

import pytest

from bench.bench_browser import FLOOR_APP, FLOOR_KEY, WATCH, _interaction, _visit, timed
from bench.load import Server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def floor_page():
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, need_chromium

    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, Server(script=FLOOR_APP) as server:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(WATCH)
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url.replace("127.0.0.1", "localhost"))
        yield page
        browser.close()


def test_a_visit_stops_when_the_slider_and_the_drawn_heatmap_are_there(floor_page):
    finished, complete = _visit(floor_page)
    assert 0 < finished <= complete
    # title, slider, chart; one figure: what the clock saw when it stopped
    assert floor_page.evaluate("window.__lt.sig") == "3/1"
    assert floor_page.locator(f".st-key-{FLOOR_KEY} [data-testid='stSlider']").count() == 1
    drawn = floor_page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => !!p._fullLayout"
        " && p.querySelectorAll('.main-svg g.mlayer > g').length)")
    assert drawn == [1]


def test_every_key_press_is_timed_from_input_to_complete_in_order(floor_page):
    _visit(floor_page)
    thumb = floor_page.locator(f".st-key-{FLOOR_KEY} [data-testid='stSlider'] "
                               "input[type='range']").first
    start = int(thumb.input_value())
    for i in range(8):  # the floor's reruns are fast: running and finished often share a render
        r = _interaction(floor_page, FLOOR_KEY, "slider", i % 2 == 0)
        assert timed(r), f"press {i}: {r}"
        assert r["t0"] <= r["tRun"] <= r["tEnd"] <= r["t1"]
        assert r["sig"] == "3/1"
        assert int(thumb.input_value()) == start + (i % 2 == 0)
