"""Every chart draws once: no default view has a figure whose margins Plotly had to widen.

A margin too small for what sits in it (tick labels, a colour bar's end labels, a legend,
play buttons placed at the figure's edge) still looks right, because Plotly widens it, but
Plotly does so by drawing the whole figure a second time. On the learning page's run that
second draw was most of what a change cost in the browser (bench: python -m bench browser).
The figure builders size their margins for what they hold (viz.grid.left_margin,
viz.learn.LOSS_MARGIN, viz.shapes); this test reads, in chromium, each drawn chart's margins
as set and as Plotly laid them out, and asks that they agree.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_errors, goto, wait_idle

#: Every page's default view (practice's sections with grids), in both languages, and the
#: projector view; the learning page also on its largest set-up (a 64×64 picture, 400 steps:
#: row numbers and step labels of three digits).
SOBEL = ("lk_target=Sobel+x&lk_input=Shapes+64%C3%9764&lk_same=true&lk_bias=true"
         "&lk_init=randn&lk_opt=momentum&lk_lr=0.2&lk_steps=400&lk_loss=mean")
PAGES = ("", "sliding_window", "edges", "learn", "shapes", "channels", "pooling", "transposed")
#: Practice's sections with grids (its first, the default, has none).
PRACTICE = tuple(f"practice?pr_tab={tab}&" for tab in ("Predict+Y", "Pooling", "Matrix"))
VIEWS = ([f"{p}?lang=en" for p in PAGES] + [f"{p}?lang=zh" for p in PAGES]
         + [f"{p}lang={lang}" for p in PRACTICE for lang in ("en", "zh")]
         + [f"{p}?view=class" for p in PAGES if p != ""]
         + [f"learn?{SOBEL}", "pooling?pl_x=random+integers&pl_rows=16&pl_cols=16"])

#: For each chart on the page: its key and the sides whose laid-out margin differs from the
#: margin its figure asked for, as [asked, laid out].
WIDENED = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
  const g = c.querySelector('.js-plotly-plot');
  const box = c.closest('[class*="st-key-"]');
  const key = box ? box.className.match(/st-key-(\\S+)/)[1] : '?';
  const asked = g._fullLayout.margin, laid = g._fullLayout._size, sides = {};
  for (const s of ['l', 'r', 't', 'b'])
    if (Math.round(laid[s]) !== Math.round(asked[s])) sides[s] = [asked[s], laid[s]];
  return [key, sides];
})"""


@pytest.fixture(scope="module")
def app(server, browser) -> str:
    """The server, after one visit to the home page: until app.py has run once in the server
    process, Streamlit serves a deep link from pages/ directly (test_edges.py)."""
    ctx = browser.new_context()
    goto(ctx.new_page(), server)
    ctx.close()
    return server


@pytest.mark.parametrize("view", VIEWS)
def test_no_chart_has_its_margins_widened(app, page, view):
    page.set_viewport_size({"width": 1280, "height": 900})
    goto(page, f"{app}/{view}")
    # Every view here has a chart; they load lazily, so wait for one, then for the page.
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg',
                           timeout=60_000)
    wait_idle(page)
    assert_no_errors(page)
    charts = page.evaluate(WIDENED)
    widened = {key: sides for key, sides in charts if sides}
    assert not widened, f"{view}: Plotly widened the margins of {widened}"
