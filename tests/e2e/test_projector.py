"""The projector view (issue 17, 课堂投影) in Debian's chromium at a projector's 1280×720: the
numbers in every page's grids are drawn at ui.view.MIN_FONT_PX or larger, the sidebar starts
collapsed, and ← → / space drive the sliding window's (and pooling's) animation in the browser
alone."""

from __future__ import annotations

import pytest

from i18n import fmt, texts
from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, goto
from ui import view

pytestmark = pytest.mark.e2e

SCREEN = {"width": 1280, "height": 720}
#: The views that draw numbered grids, by URL path: each page's default view, and practice's
#: second section.
GRID_PAGES = ["", "sliding_window", "edges", "learn", "channels", "practice?pr_tab=Predict+Y",
              "pooling"]  # practice's grids are in its second section

#: The numbers drawn in grid cells, as [text, font size px, drawn height px] once the page's
#: charts are all drawn (null before): heatmap cell labels and text-only scatter points, not
#: the kernel weights in a window's corners (orange, #b35900), not tick labels, titles or the
#: step's arithmetic (not a plain number), and only those displayed (a closed expander's are
#: not laid out).
CELL_NUMBERS = r"""() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!charts.length || charts.some(c => !c.querySelector('.main-svg'))) return null;
  const number = /^[−\-]?[0-9][0-9.\/e−]*$/;
  return [...document.querySelectorAll(
      '.js-plotly-plot .heatmap-label text, .js-plotly-plot .scatterlayer .textpoint text')]
    .filter(t => number.test(t.textContent.trim()))
    .filter(t => getComputedStyle(t).fill !== 'rgb(179, 89, 0)')
    .filter(t => t.getBoundingClientRect().height > 0)  // not in a closed expander
    .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize),
               t.getBoundingClientRect().height]);
}"""

ANIMATION = '.st-key-sw_anim .js-plotly-plot'
ACTIVE = f"() => document.querySelector('{ANIMATION}').layout.sliders[0].active"
PLAYING = (f"() => Boolean(document.querySelector('{ANIMATION}')._transitionData"
           "?._animationRaf)")


@pytest.fixture(scope="module")
def app(server, browser) -> str:
    """The server's URL after one visit to the home page (ui.nav.ensure_router)."""
    ctx = browser.new_context()
    goto(ctx.new_page(), server)
    ctx.close()
    return server


def _open(page, url: str) -> None:
    page.set_viewport_size(SCREEN)
    goto(page, url)
    assert_no_errors(page)


@pytest.mark.parametrize("path", GRID_PAGES)
def test_grid_numbers_are_readable_from_the_back_of_the_room(page, app, path):
    _open(page, f"{app}/{path}{'&' if '?' in path else '?'}view=class&lang=en")
    numbers = page.wait_for_function(CELL_NUMBERS).json_value()
    assert numbers, f"{path}: no numbers in its grids"
    small = [n for n in numbers if n[1] < view.MIN_FONT_PX or n[2] < view.MIN_FONT_PX]
    assert not small, f"{path}: under {view.MIN_FONT_PX} px: {small[:8]}"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert sidebar.bounding_box()["width"] == 0


def test_the_ordinary_view_keeps_the_sidebar_open_and_smaller_numbers(page, app):
    _open(page, f"{app}/?lang=en")
    numbers = page.wait_for_function(CELL_NUMBERS).json_value()
    assert max(n[1] for n in numbers) < view.MIN_FONT_PX
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"


def _press(page, key: str) -> None:
    page.locator("body").press(key)


def test_arrow_keys_and_space_drive_the_animation_without_the_server(page, app):
    # The stripes under the 2×2 kernel: 5×7 = 35 windows, time to see it play and pause it.
    _open(page, f"{app}/sliding_window?view=class&lang=zh&sw_x=seed+stripes+6%C3%978")
    page.wait_for_function(f"() => document.querySelector('{ANIMATION}')?.layout?.sliders")
    assert page.evaluate(ACTIVE) == 0
    runs = page.evaluate("() => window.__convscope.runs")
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({ACTIVE})() === 1")
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({ACTIVE})() === 2")
    _press(page, "ArrowLeft")
    page.wait_for_function(f"() => ({ACTIVE})() === 1")
    # What the figure shows follows: the step line under the grids says step 2 of 35.
    step = fmt(texts("zh"), "Step {n}/{total}", n=2, total=35)
    page.wait_for_function("([sel, step]) => document.querySelector(sel).textContent"
                           ".replace(/\\s+/g, ' ').includes(step)", arg=[ANIMATION, step])
    _press(page, " ")  # play
    page.wait_for_function(f"() => ({ACTIVE})() >= 3")
    _press(page, " ")  # pause
    page.wait_for_function(f"() => !({PLAYING})()")
    paused_at = page.evaluate(ACTIVE)
    assert 3 <= paused_at < 34
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({ACTIVE})() === {paused_at + 1}")
    assert page.evaluate("() => window.__convscope.runs") == runs, "no script run per step"


@pytest.mark.parametrize("lang, name", [("en", "projector"), ("zh", "zh/projector")])
def test_screenshot_at_a_projectors_size(page, app, lang, name):
    _open(page, f"{app}/sliding_window?view=class&lang={lang}")
    page.wait_for_function(CELL_NUMBERS)
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({ACTIVE})() === 1")
    (SCREENSHOTS / "zh").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_poolings_animation_steps_by_keys_without_the_server(page, app):
    """The pooling window: 4×4, 3×3 window, stride 2, padding 1 (the book's), 4 windows."""
    _open(page, f"{app}/pooling?view=class&lang=en&pl_x=book+4%C3%974&pl_k_h=3&pl_k_w=3"
                "&pl_sdef=false&pl_s_h=2&pl_s_w=2&pl_p_h=1&pl_p_w=1")
    anim = ".st-key-pl_anim .js-plotly-plot"
    active = f"() => document.querySelector('{anim}').layout.sliders[0].active"
    page.wait_for_function(f"() => document.querySelector('{anim}')?.layout?.sliders")
    numbers = page.wait_for_function(CELL_NUMBERS).json_value()
    assert numbers and min(min(n[1], n[2]) for n in numbers) >= view.MIN_FONT_PX
    runs = page.evaluate("() => window.__convscope.runs")
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({active})() === 1")
    page.wait_for_function("(sel) => document.querySelector(sel).textContent"
                           ".replace(/\\s+/g, ' ').includes('Step 2/4')", arg=anim)
    _press(page, "ArrowLeft")
    page.wait_for_function(f"() => ({active})() === 0")
    assert page.evaluate("() => window.__convscope.runs") == runs, "no script run per step"


@pytest.mark.parametrize("lang, name", [("en", "pooling_projector"),
                                        ("zh", "zh/pooling_projector")])
def test_poolings_screenshot_at_a_projectors_size(page, app, lang, name):
    _open(page, f"{app}/pooling?view=class&lang={lang}&pl_x=book+4%C3%974&pl_k_h=3&pl_k_w=3"
                "&pl_sdef=false&pl_s_h=2&pl_s_w=2&pl_p_h=1&pl_p_w=1")
    page.wait_for_function(CELL_NUMBERS)
    _press(page, "ArrowRight")
    page.wait_for_function("() => document.querySelector('.st-key-pl_anim .js-plotly-plot')"
                           ".layout.sliders[0].active === 1")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_learning_runs_animation_steps_by_keys_too(page, app):
    """keyboard_steps is generic: the learning page's run (it opens on its last step)."""
    _open(page, f"{app}/learn?view=class&lang=en")
    run = ".st-key-lk_fig_run .js-plotly-plot"
    page.wait_for_function(f"() => document.querySelector('{run}')?.layout?.sliders")
    last = page.evaluate(f"() => document.querySelector('{run}').layout.sliders[0].steps.length")
    active = f"() => document.querySelector('{run}').layout.sliders[0].active"
    assert page.evaluate(active) == last - 1
    _press(page, "ArrowLeft")
    page.wait_for_function(f"() => ({active})() === {last - 2}")
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({active})() === {last - 1}")


# -- the transposed-convolution page: its scatter animation at a projector ------------------------
TC_ANIMATION = '.st-key-tc_anim .js-plotly-plot'
TC_ACTIVE = f"() => document.querySelector('{TC_ANIMATION}').layout.sliders[0].active"


@pytest.mark.parametrize("query", ["", "&tc_x=random+integers&tc_rows=8&tc_cols=8"])
def test_the_transposed_pages_numbers_are_readable_and_keys_step_it(page, app, query):
    _open(page, f"{app}/transposed?view=class&lang=zh{query}")
    numbers = page.wait_for_function(CELL_NUMBERS).json_value()
    assert numbers, "the scatter animation's numbers"
    small = [n for n in numbers if n[1] < view.MIN_FONT_PX or n[2] < view.MIN_FONT_PX]
    assert not small, f"under {view.MIN_FONT_PX} px: {small[:8]}"
    page.wait_for_function(f"() => document.querySelector('{TC_ANIMATION}')?.layout?.sliders")
    runs = page.evaluate("() => window.__convscope.runs")
    assert page.evaluate(TC_ACTIVE) == 0
    _press(page, "ArrowRight")
    page.wait_for_function(f"() => ({TC_ACTIVE})() === 1")
    _press(page, "ArrowLeft")
    page.wait_for_function(f"() => ({TC_ACTIVE})() === 0")
    assert page.evaluate("() => window.__convscope.runs") == runs, "no script run per step"
    box = page.locator(TC_ANIMATION).bounding_box()
    assert box["x"] + box["width"] <= SCREEN["width"], "the figure fits the projector's width"
    if not query:
        _press(page, "ArrowRight")
        page.wait_for_function(f"() => ({TC_ACTIVE})() === 1")
        page.screenshot(path=str(SCREENSHOTS / "zh" / "transposed_projector.png"))
