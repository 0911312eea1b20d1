"""The kernel-learning page in a real browser: the run plays, pauses and scrubs in the browser
with no server round trip, diverges politely, keeps its settings in the URL and keeps two
visitors' runs apart. Screenshots for the README; start, middle and end into /tmp/learnplay."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

import core
from core.images import stripes
from core.kernels import D2L_EDGE
from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle
from viz.grid import labels
from viz.learn import SPEEDS

ANIMATION = '[data-testid="stPlotlyChart"] .js-plotly-plot:has(.slider-rail-rect)'
#: The run's animation: (active slider index, number of frames, the slider's label, whether
#: an animation is still going, the numbers written in the K panel).
STATE = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
                     .find(p => p.layout && p.layout.sliders && p.layout.sliders.length);
  if (!g) return null;
  const s = g.layout.sliders[0], k = g._fullData.find(t => t.xaxis === 'x2');
  return {active: s.active, n: s.steps.length, label: s.steps[s.active].label,
          playing: !!(g._transitionData && g._transitionData._animationRaf),
          K: k ? k.text : null}; }"""
SHOTS = Path("/tmp/learnplay")


def _state(page) -> dict:
    return page.evaluate(STATE)


def _shot(page, name: str) -> None:
    """A screenshot of the run's animation into /tmp/learnplay/ (looked at, not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(ANIMATION).first.screenshot(path=str(SHOTS / f"{name}.png"))


def _sent_frames(page) -> list:
    """Websocket messages the browser sends to the server (a rerun is one)."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def _scrub(page, index: int) -> None:
    """Click the animation's own slider rail where frame ``index`` sits."""
    rail = page.locator(f"{ANIMATION} .slider-rail-rect").first.bounding_box()
    n = _state(page)["n"]
    x = rail["x"] + 8 + (rail["width"] - 16) * index / (n - 1)
    page.mouse.click(x, rail["y"] + rail["height"] / 2)


def _open(page, url: str) -> None:
    """Open a link straight away: the page routes itself through app.py (ensure_router)."""
    goto(page, url)


def _plots_drawn(page, n: int = 7) -> None:
    """Wait until ``n`` Plotly charts are drawn (they render lazily): before a screenshot."""
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}",
        timeout=20_000,
    )


def _main(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _printout(page) -> str:
    """The seed-style loss printout (code blocks are left out of innerText). A new session's
    code blocks land after its script has finished: wait for the printout's own block."""
    block = page.locator('[data-testid="stCode"]').filter(has_text="Step ").first
    block.wait_for(timeout=20_000)
    return block.text_content()


def _click(page, label: str) -> None:
    page.locator('[data-testid="stButton"] button').filter(has_text=label).first.click()


def _seed_steps(seed: int = 0) -> list:
    return list(core.learn_kernel(stripes(), core.corr2d(stripes(), D2L_EDGE),
                                  kernel_size=(1, 2), seed=seed))


def _numbers(K) -> list[str]:
    """K's first row as the animation writes it (the seed's true K spans ±1: the scale)."""
    return [str(t) for t in labels(K.numpy(), zmax=1.0)[0]]


def _wait_for_kernel(page, active: int, row: list[str]) -> None:
    """Wait until the slider is at ``active`` and the K panel's first row reads ``row``."""
    page.wait_for_function(
        f"want => {{ const s = ({STATE})(); return s && s.active === want[0] && "
        "JSON.stringify(s.K[0]) === JSON.stringify(want[1]); }",
        arg=[active, row], timeout=20_000)
    assert _state(page)["K"][0] == row


def _frames_of(label: str) -> int:
    """The frame length (ms) of one of the animation's speed buttons."""
    return dict(SPEEDS)[label]


def test_default_view_learns_the_seed_kernel_and_plays_it_in_the_browser(server, page):
    # The page's clock is Playwright's: it runs as wall time until the test pauses it, so
    # "three frames of ▶ Slow" is three frames however busy the machine is.
    page.clock.install()
    sent = _sent_frames(page)
    _open(page, f"{server}/learn")
    assert_no_errors(page)
    assert _printout(page).splitlines() == [
        "Step 5, loss 7.148", "Step 10, loss 0.802", "Step 15, loss 0.091", "Step 20, loss 0.011"]
    assert "Largest error per entry: 0.02053" in _main(page)
    page.wait_for_selector("text=−0.98")  # the learned K (−0.979), in its heatmap cells
    page.wait_for_function(f"({STATE})() !== null", timeout=20_000)
    steps = _seed_steps()
    end = _state(page)
    assert end["n"] == 20 and end["active"] == 19 and end["label"].startswith("20 of 20")
    assert end["K"][0] == _numbers(steps[-1].weight)
    _plots_drawn(page)
    screenshot(page, "learn")
    _shot(page, "end")

    # Scrubbing to step 1 shows step 1's kernel; ▶ Slow plays the run from there, in the
    # browser alone; pause stops on a step, which is then that step's K.
    before = len(sent)
    assert before > 0  # the listener works: loading the page asked the server for a run
    _scrub(page, 0)
    # The slider marks step 1 at once; its frame is drawn on the next animation frame.
    _wait_for_kernel(page, 0, _numbers(steps[0].weight))
    _shot(page, "start")
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)
    page.locator(".updatemenu-button", has_text="▶ Slow").click()
    slow = _frames_of("▶ Slow")
    page.clock.run_for(3 * slow + slow // 2)  # three and a half frames of page time
    playing = _state(page)
    assert playing["playing"] and 3 <= playing["active"] <= 4, playing
    page.locator(".updatemenu-button", has_text="Pause").click()
    page.clock.run_for(5 * slow)  # five more frames' time: a paused run stays put
    paused = _state(page)
    assert not paused["playing"] and paused["active"] == playing["active"], (playing, paused)
    assert paused["label"].startswith(f"{paused['active'] + 1} of 20")
    assert paused["K"][0] == _numbers(steps[paused["active"]].weight)
    _shot(page, "middle")
    page.clock.resume()
    page.locator(".updatemenu-button", has_text="Replay").click()
    page.wait_for_function(f"({STATE})().active === 19 && !({STATE})().playing",
                           timeout=30_000)
    _wait_for_kernel(page, 19, _numbers(steps[-1].weight))
    assert len(sent) == before, "playing, pausing and scrubbing must not call the server"
    assert_no_errors(page)


def test_divergence_is_explained_and_screenshotted(server, page):
    _open(page, f"{server}/learn?lk_lr=0.03")
    text = _main(page)
    assert "Diverged at step 9" in text and "stable only for lr < 0.0161" in text
    assert "Without the bias it is stable for lr < 0.0333" in text
    assert_no_errors(page)
    _plots_drawn(page)
    screenshot(page, "learn-diverged")
    _click(page, "Untick the bias")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('lk_bias=false')")
    assert "lk_lr=0.03" in page.url
    assert "Done: loss" in _main(page) and "Diverged" not in _main(page)


def test_the_books_set_up_converges_at_lr_003_without_a_bias(server, page):
    _open(page, f"{server}/learn")
    _click(page, "The book, 2nd ed.")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('lk_init=conv2d')")
    assert "lk_bias=false" in page.url and "lk_lr=0.03" in page.url and "lk_steps=10" in page.url
    assert [line.split(",")[0] for line in _printout(page).splitlines()] == [
        f"Step {i}" for i in (2, 4, 6, 8, 10)]
    text = _main(page)
    assert "Done: loss" in text and "nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)" in text
    assert_no_errors(page)


def test_the_sobel_set_up_goes_into_the_url_and_the_link_restores_it(server, page, context):
    _open(page, f"{server}/learn")
    _click(page, "Sobel on a real picture")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('lk_opt=momentum')")
    link = page.url
    assert "lk_lr=0.2" in link and "lk_loss=mean" in link and "lk_target=Sobel" in link
    err = float(_main(page).split("Largest error per entry: ")[1].split()[0])
    assert err < 0.01
    assert_no_errors(page)
    _plots_drawn(page)
    screenshot(page, "learn-sobel")

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        goto(other, link)
        radio = other.locator('[data-testid="stRadio"]').filter(has_text="Optimizer")
        # A new session's first paint can precede its URL-seeded settings and its run.
        wanted = f"Largest error per entry: {err:.4g}"
        other.wait_for_function(
            "w => document.querySelector('[data-testid=\"stMain\"]')?.innerText.includes(w)",
            arg=wanted, timeout=30_000,
        )
        # The radio's seeded state can paint after the text: wait for it, don't race it.
        expect(radio.locator("input[value]:checked")).to_have_count(1, timeout=30_000)
        expect(radio.locator("label:has(input:checked)")).to_contain_text("momentum",
                                                                         timeout=30_000)
        assert wanted in _main(other)
    finally:
        fresh.close()


def test_two_visitors_at_once_see_their_own_runs(server, page, context):
    expected = {seed: f"Step 20, loss {_seed_steps(seed)[-1].loss:.3f}" for seed in (0, 1)}
    other_ctx = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = other_ctx.new_page()
        _open(page, f"{server}/learn?lk_seed=0")
        _open(other, f"{server}/learn?lk_seed=1")
        for p in (page, other):  # both play their own run at the same time
            p.locator(".updatemenu-button", has_text="Replay").click()
        for p, seed in ((page, 0), (other, 1)):
            p.wait_for_function(f"({STATE})().active === 19 && !({STATE})().playing",
                                timeout=20_000)
            _wait_for_kernel(p, 19, _numbers(_seed_steps(seed)[-1].weight))
        assert expected[0] in _printout(page) and expected[1] in _printout(other)
        assert expected[0] != expected[1]
    finally:
        other_ctx.close()


def test_the_largest_kernel_with_noise_and_adam(server, page):
    _open(page, f"{server}/learn?lk_target=Outline&lk_input=Circles+64%C3%9764&lk_same=false"
                "&lk_kh=7&lk_kw=7&lk_opt=adam&lk_lr=0.1&lk_loss=mean&lk_steps=300"
                "&lk_noise=1.0&lk_seed=999999")
    assert_no_errors(page)
    text = _main(page)
    assert "learns a 7×7 kernel" in text and "larger than K" in text and "noise σ = 1" in text
    _plots_drawn(page)
    screenshot(page, "learn-7x7")
