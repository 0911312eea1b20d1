"""The channels page in a real browser: the seed's numbers are drawn, each tab opens its own
section and goes into the URL, a changed channel count redraws the open figure and goes into
the URL, and that URL restores tab and settings; screenshots of the default and the largest
view."""

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

CHART = '[data-testid="stPlotlyChart"]:visible'  # not the twin made for the other width


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)
    assert_no_errors(page)


def chart_text(page, n: int) -> str:
    """The SVG text (cell numbers and labels) of the n-th figure on the page."""
    chart = page.locator(CHART).nth(n)
    chart.scroll_into_view_if_needed()
    chart.locator(".js-plotly-plot").wait_for(timeout=30_000)
    return chart.inner_text()


def test_channels_page_draws_the_seed_and_follows_the_channel_count(server, page):
    # From the home page, as a visitor would (and so app.py's navigation is in place).
    goto(page, server)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Channels").click()
    wait_idle(page)
    assert_no_errors(page)
    assert page.locator(CHART).count() == 1  # only the open tab is drawn
    first = chart_text(page, 0)
    for n in ("56", "72", "104", "120", "+", "="):
        assert n in first
    assert "ci × h × w = 2 × 3 × 3" in first
    screenshot(page, "channels")

    open_tab(page, "1×1 convolution")
    assert "ch_tab=1%C3%971+convolution" in page.url
    assert "< 1e-6 ✓" in page.inner_text('[data-testid="stMain"]')
    open_tab(page, "Many outputs")
    assert "ch_tab=Many+outputs" in page.url
    assert page.locator(CHART).count() == 1
    outputs = chart_text(page, 0)
    for n in ("76", "100", "148", "172", "96", "128", "192", "224", "3 × 2 × 2 × 2"):
        assert n in outputs

    # Streamlit 1.67's slider thumb is an <input type="range">: role "slider" only implicitly.
    ci = page.get_by_role("slider", name="input channels ci")
    ci.focus()
    ci.press("ArrowRight")
    wait_idle(page)
    assert ci.input_value() == "3"
    assert "ch_ci=3" in page.url
    assert_no_errors(page)
    assert "co × ci × kh × kw = 3 × 3 × 2 × 2" in chart_text(page, 0)

    # The link restores the open tab and the settings in a new browser context.
    fresh = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        goto(other, page.url)
        assert other.get_by_role("tab", name="Many outputs").get_attribute(
            "aria-selected") == "true"
        assert "co × ci × kh × kw = 3 × 3 × 2 × 2" in chart_text(other, 0)
    finally:
        fresh.close()


def test_largest_settings_render_the_compact_view(server, page):
    goto(page, server)  # see the test above: the app's navigation first
    goto(page, f"{server}/channels?ch_ci=8&ch_co=8&ch_n=12&ch_k=3&ch_pad=1&ch_values=uniform"
               "&ch_groups=4&ch_seed=3&ch_tab=Many+outputs")
    assert_no_errors(page)
    assert "Compact view" in page.inner_text('[data-testid="stMain"]')
    assert "co × ci × kh × kw = 8 × 8 × 3 × 3" in chart_text(page, 0)
    screenshot(page, "channels-large")
