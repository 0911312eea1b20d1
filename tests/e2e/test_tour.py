"""The home page in a real browser: it renders the seed's numbers and stays on localhost."""

from tests.e2e.conftest import ROOT, assert_no_errors, goto, screenshot
from ui.nav import PAGES


def test_home_renders_seed_results(server, page):
    goto(page, server)
    assert_no_errors(page)
    # Code blocks fill in a moment after the run (their highlighter loads lazily), and
    # inner_text leaves them out: wait for the printout in text_content.
    page.wait_for_function(
        "() => document.body.textContent.includes('Step 20 ,loss')", timeout=15_000
    )
    body = page.text_content("body")
    assert "ConvScope" in body
    assert "Step 20 ,loss" in body
    # The d2l cross-correlation result is drawn as numbers in the heatmap cells.
    page.wait_for_selector("text=43")
    screenshot(page, "tour")


def test_navigation_lists_every_built_page(server, page):
    built = [title for file, title, _, _ in PAGES if (ROOT / "pages" / file).exists()]
    goto(page, server)
    if len(built) == 1:  # Streamlit hides the navigation when there is one page
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        return
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.locator("a").count() == len(built)
    for title in built:
        assert title in nav.inner_text()
