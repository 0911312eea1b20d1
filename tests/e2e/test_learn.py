"""The kernel-learning page in a real browser: it learns live, stops, diverges politely, keeps
its settings in the URL and keeps two visitors' runs apart. Screenshots for the README."""

from __future__ import annotations

import core
from core.images import stripes
from core.kernels import D2L_EDGE
from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

LOSS_POINTS = """() => {
  const d = [...document.querySelectorAll('.js-plotly-plot')].find(
      p => p.layout && p.layout.title && String(p.layout.title.text).includes('loss per step'));
  return d && d._fullData && d._fullData[0] ? d._fullData[0].x.length : -1; }"""
PROGRESS = """() => {
  const b = document.querySelector('[data-testid="stProgress"] [role="progressbar"]');
  return b ? Number(b.getAttribute('aria-valuenow')) : -1; }"""


#: Whether the loss curve and the progress bar have each been seen at 3 part-way values (kept
#: across polls in window.__grows): the run is live, and still short of its ``total`` steps.
GROWS = f"""total => {{
  const g = window.__grows = window.__grows || {{p: new Set(), b: new Set()}};
  const n = ({LOSS_POINTS})(), v = ({PROGRESS})();
  if (n > 0 && n < total) g.p.add(n);
  if (v > 0 && v < 100) g.b.add(v);
  return g.p.size >= 3 && g.b.size >= 3; }}"""


def _open(page, url: str) -> None:
    """Open a link straight away: the page routes itself through app.py (ensure_router)."""
    goto(page, url)


def _plots_drawn(page, n: int = 11) -> None:
    """Wait until ``n`` Plotly charts are drawn (they render lazily): before a screenshot."""
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}",
        timeout=20_000,
    )


def _main(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _printout(page) -> str:
    """The seed-style loss printout (code blocks are left out of innerText)."""
    return page.locator('[data-testid="stCode"]').first.text_content()


def _click(page, label: str) -> None:
    page.locator('[data-testid="stButton"] button').filter(has_text=label).first.click()


def test_default_view_learns_the_seed_kernel_live_and_stops_on_demand(server, page):
    _open(page, f"{server}/learn")
    assert_no_errors(page)
    assert _printout(page).splitlines() == [
        "Step 5, loss 7.148", "Step 10, loss 0.802", "Step 15, loss 0.091", "Step 20, loss 0.011"]
    assert "Largest error per entry: 0.02053" in _main(page)
    page.wait_for_selector("text=−0.98")  # the learned K (−0.979), in its heatmap cells
    assert page.evaluate(PROGRESS) == 100
    _plots_drawn(page)
    screenshot(page, "learn")

    # Train again: a slow-motion replay of the same run, which ends as the first run did.
    _click(page, "Train again")
    wait_idle(page)
    assert page.evaluate(LOSS_POINTS) == 20 and page.evaluate(PROGRESS) == 100
    assert _printout(page).splitlines()[-1] == "Step 20, loss 0.011"

    # A replay asked to last 30 s holds each of its 19 frames 1 s: the curve and the bar grow
    # while it runs, and Stop lands long before it could end (no race with the clock).
    _open(page, f"{server}/learn?lk_slow=30")
    _click(page, "Train again")
    page.wait_for_function(GROWS, arg=20, timeout=30_000)
    assert page.evaluate(LOSS_POINTS) < 20  # still running: it has ≥ 10 s to go
    _click(page, "Stop")
    page.wait_for_selector("text=Stopped at step", timeout=20_000)
    wait_idle(page)
    step = int(_main(page).split("Stopped at step ")[1].split()[0])
    assert 0 < step < 20
    assert page.evaluate(LOSS_POINTS) == step
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
        assert radio.locator("input[value]:checked").count() == 1
        assert "momentum" in radio.locator("label:has(input:checked)").inner_text()
        assert wanted in _main(other)
    finally:
        fresh.close()


def test_two_visitors_training_at_once_see_their_own_runs(server, page, context):
    expected = {}
    for seed in (0, 1):
        steps = list(core.learn_kernel(stripes(), core.corr2d(stripes(), D2L_EDGE),
                                       kernel_size=(1, 2), seed=seed))
        expected[seed] = f"Step 20, loss {steps[-1].loss:.3f}"
    other_ctx = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = other_ctx.new_page()
        _open(page, f"{server}/learn?lk_seed=0")
        _open(other, f"{server}/learn?lk_seed=1")
        _click(page, "Train again")
        _click(other, "Train again")  # both runs are in slow motion at the same time
        wait_idle(page)
        wait_idle(other)
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
