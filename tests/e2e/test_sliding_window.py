"""The sliding-window page in a real browser: it plays without the server, its sliders
update the output, and nothing leaves localhost (the ``page`` fixture checks that)."""

from __future__ import annotations

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

SLIDER_THUMB_INPUT = 'input[type="range"]'
ANIMATION = '[data-testid="stPlotlyChart"] .js-plotly-plot'
#: The animated chart's slider state: (active step, number of steps).
STEP_JS = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
                       .find(p => p.layout && p.layout.sliders && p.layout.sliders.length);
                     return g ? [g.layout.sliders[0].active, g.layout.sliders[0].steps.length]
                              : null; }"""


def _open(page, server: str, query: str = "") -> None:
    """Open the page's link straight away (a first deep link gets the router: see
    test_deep_links.py) and wait for the animation."""
    goto(page, f"{server}/sliding_window{query}")
    page.wait_for_selector(ANIMATION, timeout=20_000)
    page.wait_for_function(f"({STEP_JS})() !== null", timeout=20_000)


def _nudge(page, label: str) -> None:
    """Move the slider labelled ``label`` one step right and wait for the rerun."""
    thumb = page.locator('[data-testid="stSlider"]', has_text=label).locator(SLIDER_THUMB_INPUT)
    thumb.focus()
    thumb.press("ArrowRight")
    wait_idle(page)


def _sent_frames(page) -> list:
    """Websocket messages the browser sends to the server (a rerun is one)."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def test_play_advances_the_animation_in_the_browser_alone(server, page):
    sent = _sent_frames(page)
    _open(page, server)
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "Y[0, 0] = 0×0 + 1×1 + 3×2 + 4×3 = 19" in main.inner_text()
    assert page.evaluate(STEP_JS) == [0, 4]
    screenshot(page, "sliding_window")

    before = len(sent)
    assert before > 0  # the listener works: loading the page asked the server for a run
    page.locator(".updatemenu-button", has_text="▶ Play").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 1", timeout=10_000)
    page.wait_for_function(f"({STEP_JS})()[0] == 3", timeout=15_000)
    # The last frame drew the last formula and filled Y[1, 1] = 43.
    assert page.locator(ANIMATION).first.locator("text=43").count() >= 1
    assert "= 43" in page.locator(ANIMATION).first.inner_text()
    assert len(sent) == before, "playing the animation must not call the server"

    # Pause stops it; a step on the plot's own slider jumps back.
    page.locator(".updatemenu-button", has_text="Pause").click()
    assert_no_errors(page)


def test_changed_sliders_and_settings_update_the_output(server, page):
    _open(page, server)
    _nudge(page, "Output row")
    main = page.locator('[data-testid="stMain"]')
    assert "Y[1, 0] = 3×0 + 4×1 + 6×2 + 7×3 = 37" in main.inner_text()
    assert "sw_r=1" in page.url

    # Padding 1 on the height: Y grows from 2×2 to 4×2, the animation to 8 steps.
    _nudge(page, "Padding h")
    page.wait_for_function(f"({STEP_JS})()[1] == 8", timeout=15_000)
    assert "sw_pad_h=1" in page.url
    assert "H_out = ⌊(3 + 1 + 1 − 1·(2 − 1) − 1) / 1⌋ + 1 = ⌊3 / 1⌋ + 1 = 4" in main.inner_text()
    assert_no_errors(page)


def test_largest_input_mid_animation(server, page):
    _open(page, server, "?sw_x=random+integers&sw_rows=16&sw_cols=16&sw_k=preset"
                        "&sw_kpreset=Sobel+x&sw_pad_h=1&sw_pad_w=1&sw_r=5&sw_c=7")
    assert_no_errors(page)
    assert page.evaluate(STEP_JS) == [0, 256]
    page.locator(".updatemenu-button", has_text="Fast").click()
    page.wait_for_function(f"({STEP_JS})()[0] >= 10", timeout=20_000)
    page.locator(".updatemenu-button", has_text="Pause").click()
    assert "Y[5, 7] =" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "sliding_window_16x16")
