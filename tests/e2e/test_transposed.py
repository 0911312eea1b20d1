"""The transposed-convolution page in a real browser: the scatter plays without the server, and
a link (settings and the open view) reproduces the page in a fresh browser, in 中文 and in
English. Nothing leaves localhost (the ``page`` fixture checks that)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import torch

from core.transposed import trans_conv_matrix
from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

ANIMATION = '[data-testid="stPlotlyChart"] .js-plotly-plot'
#: The animated chart's slider state: (active step, number of steps).
STEP_JS = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
                       .find(p => p.layout && p.layout.sliders && p.layout.sliders.length);
                     return g ? [g.layout.sliders[0].active, g.layout.sliders[0].steps.length]
                              : null; }"""
#: The text of every Plotly chart's SVG on the page, joined.
CHART_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot')]
                       .map(p => p.textContent).join(' ')"""


def _open(page, url: str) -> None:
    goto(page, url)
    page.wait_for_selector(ANIMATION, timeout=20_000)


def test_the_scatter_plays_in_the_browser_alone(server, page):
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    _open(page, f"{server}/transposed?lang=en")
    page.wait_for_function(f"({STEP_JS})() !== null", timeout=20_000)
    assert_no_errors(page)
    assert page.evaluate(STEP_JS) == [0, 4]
    chart = page.locator(ANIMATION).first
    assert "X[0, 0] = 0: 0 × K is added to Y at rows 0 to 1, columns 0 to 1" in chart.inner_text()
    for title in ("input X", "kernel K", "output Y (running sum)"):
        assert title in chart.inner_text()
    screenshot(page, "transposed")

    before = len(sent)
    assert before > 0  # the listener works: loading the page asked the server for a run
    page.locator(".updatemenu-button", has_text="▶ Play").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 1", timeout=10_000)
    page.wait_for_function(f"({STEP_JS})()[0] == 3", timeout=15_000)
    # The last stamp, X[1, 1] = 3, made the book's 12 and 9 in the output's last row.
    page.wait_for_function(f"({CHART_TEXT})().includes('X[1, 1] = 3: 3 × K')",
                           timeout=10_000)
    assert chart.locator("text=12").count() >= 1
    assert len(sent) == before, "playing the animation must not call the server"
    page.locator(".updatemenu-button", has_text="Pause").click()
    assert_no_errors(page)


@pytest.mark.parametrize("lang, view, shot", [("zh", "作为矩阵", "zh/transposed"),
                                              ("en", "As a matrix", None)])
def test_a_link_reproduces_the_view_in_a_fresh_browser(server, page, context, lang, view,
                                                        shot):
    _open(page, f"{server}/transposed?lang={lang}")
    if shot:
        screenshot(page, shot)
    thumb = page.locator('.st-key-tc_stride_h input[type="range"]')
    thumb.focus()
    thumb.press("ArrowRight")
    wait_idle(page)
    page.get_by_role("tab", name=view).click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert "H_out = (2 − 1)·2 − 2·0 + 1·(2 − 1) + 0 + 1 = 4" in main.text_content()
    page.wait_for_function(f"({CHART_TEXT})().includes('Y[3, 2]')", timeout=10_000)
    link = page.url
    assert "tc_stride_h=2" in link and "tc_view=As+a+matrix" in link, link
    assert f"lang={lang}" in link

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        _open(other, link)
        assert other.get_by_role("tab", name=view).get_attribute("aria-selected") == "true"
        other_main = other.locator('[data-testid="stMain"]')
        assert "H_out = (2 − 1)·2 − 2·0 + 1·(2 − 1) + 0 + 1 = 4" in other_main.text_content()
        other.wait_for_function(f"({CHART_TEXT})().includes('Y[3, 2]')", timeout=10_000)
        assert other.evaluate(CHART_TEXT) == page.evaluate(CHART_TEXT)
        assert other.locator("h1").first.inner_text() == page.locator("h1").first.inner_text()
        assert_no_errors(other)
    finally:
        fresh.close()


def test_the_largest_setting_plays(server, page):
    kernel = "1+2+3+4+5%3B" * 4 + "1+2+3+4+5"
    _open(page, f"{server}/transposed?lang=en&tc_x=random+integers&tc_rows=8&tc_cols=8"
                f"&tc_k=typed&tc_kgrid={kernel}&tc_stride_h=4&tc_stride_w=4&tc_dil_h=3"
                "&tc_dil_w=3&tc_op_h=3&tc_op_w=3")
    page.wait_for_function(f"({STEP_JS})() !== null", timeout=20_000)
    assert_no_errors(page)
    assert page.evaluate(STEP_JS) == [0, 64]
    page.locator(".updatemenu-button", has_text="Fast").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 10", timeout=20_000)
    page.locator(".updatemenu-button", has_text="Pause").click()
    screenshot(page, "transposed_largest")


def test_the_largest_matrix_draws_every_nonzero_entry_and_names_it_on_hover(server, page):
    """An 8×8 input, a 5×5 kernel, stride 4: Wᵀ is 1089×64, under a pixel a cell, so it is a
    spy plot (viz.matrix): one marker per nonzero entry, each named on hover."""
    grid = "; ".join(" ".join(str((i * 5 + j) % 7 - 3) for j in range(5)) for i in range(5))
    K = torch.tensor([[float((i * 5 + j) % 7 - 3) for j in range(5)] for i in range(5)])
    nonzero = int((trans_conv_matrix((8, 8), K, stride=4) != 0).sum())
    query = {"tc_x": "random integers", "tc_rows": 8, "tc_cols": 8, "tc_k": "typed",
             "tc_kgrid": grid, "tc_stride_h": 4, "tc_stride_w": 4, "tc_view": "As a matrix",
             "lang": "zh"}
    goto(page, f"{server}/transposed?{urlencode(query)}")
    points = page.locator(".st-key-tc_wt .scatterlayer .point")
    page.wait_for_function(
        f"document.querySelectorAll('.st-key-tc_wt .scatterlayer .point').length == {nonzero}",
        timeout=30_000)
    box = points.nth(nonzero // 2).bounding_box()
    assert box["width"] >= 2 and box["height"] >= 2  # a visible square, not a sub-pixel cell
    points.nth(nonzero // 2).hover(force=True)
    label = page.locator(".st-key-tc_wt .hoverlayer")
    label.locator("text=←").wait_for(timeout=10_000)
    text = label.text_content()
    assert re.search(r"Y\[\d+, \d+\] ← X\[\d, \d\]: -?\d", text) and "Wᵀ" in text, text
    assert_no_errors(page)
