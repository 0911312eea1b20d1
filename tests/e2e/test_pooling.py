"""The pooling page in a real browser: the window plays without the server, a link reproduces
the view in both languages, and nothing leaves localhost (the ``page`` fixture checks that)."""

from __future__ import annotations

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

ANIMATION = '[data-testid="stPlotlyChart"] .js-plotly-plot'
#: The animated chart's slider state: (active step, number of steps).
STEP_JS = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
                       .find(p => p.layout && p.layout.sliders && p.layout.sliders.length);
                     return g ? [g.layout.sliders[0].active, g.layout.sliders[0].steps.length]
                              : null; }"""
#: The animated chart's output Y as drawn (its second panel's heatmap), and its panel titles.
DRAWN_JS = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
                        .find(p => p.layout && p.layout.sliders && p.layout.sliders.length);
                      if (!g) return null;
                      const y = g.data.find(t => t.type === 'heatmap' && t.xaxis === 'x2');
                      // a typed array from the server: Plotly keeps its rows in _inputArray
                      const rows = y.z._inputArray || y.z;
                      const z = Array.from(rows, r => Array.from(r));
                      return [JSON.stringify(z), g.layout.annotations.map(a => a.text)]; }"""
#: A view off every default: the book's 4×4, average, 3×3 windows, stride 2, padding 1,
#: ceil_mode, padding not counted.
VIEW = ("?pl_x=book+4%C3%974&pl_mode=avg&pl_k_h=3&pl_k_w=3&pl_s_h=2&pl_s_w=2&pl_p_h=1"
        "&pl_p_w=1&pl_ceil=true&pl_cip=false")


def _open(page, server: str, query: str = "") -> None:
    goto(page, f"{server}/pooling{query}")
    page.wait_for_selector(ANIMATION, timeout=20_000)
    page.wait_for_function(f"({STEP_JS})() !== null", timeout=20_000)


def _sent_frames(page) -> list:
    """Websocket messages the browser sends to the server (a rerun is one)."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def test_play_moves_the_window_in_the_browser_alone(server, page):
    sent = _sent_frames(page)
    _open(page, server, "?lang=en")
    assert_no_errors(page)
    chart = page.locator(ANIMATION).first
    assert "Y[0, 0] = max(0, 1, 3, 4) = 4" in chart.inner_text()
    assert page.evaluate(STEP_JS) == [0, 4]
    screenshot(page, "pooling")

    before = len(sent)
    assert before > 0  # the listener works: loading the page asked the server for a run
    page.locator(".updatemenu-button", has_text="▶ Play").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 1", timeout=10_000)
    page.wait_for_function(f"({STEP_JS})()[0] == 3", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').textContent"
        ".includes('max(4, 5, 7, 8) = 8')", timeout=10_000)
    assert len(sent) == before, "playing the animation must not call the server"
    page.locator(".updatemenu-button", has_text="Pause").click()
    assert_no_errors(page)


def test_a_link_reproduces_the_view_in_both_languages(server, page, context):
    _open(page, server, VIEW + "&lang=en")
    assert_no_errors(page)
    drawn = page.evaluate(DRAWN_JS)
    # ceil_mode: a third window; the padding is left out of the count (4 cells, not 9)
    assert drawn[0] == "[[2.5,4,5],[8.5,10,11],[12.5,14,15]]"
    # A change on the page goes into its link too.
    thumb = page.locator(".st-key-pl_p_w input[type='range']")
    thumb.focus()
    thumb.press("ArrowLeft")  # padding w 1 → 0
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('pl_p_w') === false")
    changed = page.evaluate(DRAWN_JS)
    assert changed[0] != drawn[0]
    link = page.url
    for lang, titles in (("zh", ["<b>输入 X</b>", "<b>输出 Y</b>"]),
                         ("en", ["<b>input X</b>", "<b>output Y</b>"])):
        other = context.new_page()
        _open(other, server, "?" + link.split("?", 1)[1].replace("lang=en", f"lang={lang}"))
        assert_no_errors(other)
        assert other.evaluate(DRAWN_JS) == [changed[0], titles]
        assert "pl_ceil=true" in other.url and "pl_mode=avg" in other.url
        other.close()


def test_the_chinese_page_and_a_large_view(server, page):
    _open(page, server, "?lang=zh")
    assert_no_errors(page)
    assert "Y[0, 0] = max(0, 1, 3, 4) = 4" in page.locator(ANIMATION).first.inner_text()
    screenshot(page, "zh/pooling")
    _open(page, server, "?pl_x=random+integers&pl_rows=16&pl_cols=16&pl_mode=avg&pl_k_h=3"
                        "&pl_k_w=3&pl_s_h=2&pl_s_w=2&pl_p_h=1&pl_p_w=1&pl_ceil=true&lang=en")
    assert_no_errors(page)
    assert page.evaluate(STEP_JS) == [0, 81]
    page.locator(".updatemenu-button", has_text="Fast").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 5", timeout=20_000)
    page.locator(".updatemenu-button", has_text="Pause").click()
    screenshot(page, "pooling_16x16")


#: The book's questions' section: its header (the expander's summary) and its charts.
QUESTIONS = '[class*="st-key-pl_questions"]'
CHARTS_DRAWN = """(n) => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length === n && charts.every(c => c.querySelector('.main-svg'));
}"""


def test_the_books_questions_open_on_a_click_into_the_link(server, page, context):
    """Closed, the section is one line and no chart; a click opens it, writes it into the
    link and draws its seven grids; the link opens it again, in either language."""
    _open(page, server, "?lang=en")
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1  # the animation alone
    page.locator(f"{QUESTIONS} summary").click()
    page.wait_for_function("() => location.search.includes('pl_questions=true')",
                           timeout=20_000)
    page.wait_for_function(CHARTS_DRAWN, arg=8, timeout=30_000)
    wait_idle(page)
    assert_no_errors(page)
    assert page.locator(QUESTIONS).inner_text().count("✓ The two outputs are equal.") == 2
    page.locator(QUESTIONS).scroll_into_view_if_needed()
    screenshot(page, "pooling_questions")
    link = page.url
    for lang, equal in (("zh", "✓ 两个输出相等。"), ("en", "✓ The two outputs are equal.")):
        other = context.new_page()
        _open(other, server, "?" + link.split("?", 1)[1].replace("lang=en", f"lang={lang}"))
        other.wait_for_function(CHARTS_DRAWN, arg=8, timeout=30_000)
        assert other.locator(QUESTIONS).inner_text().count(equal) == 2
        if lang == "zh":
            screenshot(other, "zh/pooling_questions")
        other.close()
