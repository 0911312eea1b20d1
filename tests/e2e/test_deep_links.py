"""A shared link opened on a server that has just started (after a deploy or restart) must
get the app's navigation and the settings in the link: not Streamlit's old pages/ mode, and
no "Page not found" dialog."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, first_slider_settles_at, goto, start_server, wait_idle
from ui.nav import PAGES

BUILT = [(f, title, path) for f, title, _, path in PAGES if (ROOT / "pages" / f).exists()]


def test_every_url_path_is_the_file_name():
    # Streamlit's first-request routing names pages after their files (ui.nav.ensure_router).
    assert all(f == f"{path}.py" for f, _, path in BUILT)


@pytest.mark.parametrize("file, title, path", [b for b in BUILT if b[0] != "tour.py"])
def test_first_visit_of_a_fresh_server_is_a_deep_link(browser, file, title, path):
    query = "?ch_ci=3" if file == "channels.py" else ""
    with start_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            goto(page, f"{url}/{path}{query}")
            # The app's menu (titles from ui/nav.py), not file names like "app"; once it is
            # drawn and the page has settled, a "Page not found" dialog would be up.
            menu = page.locator('[data-testid="stSidebarNav"]')
            for _, other, _ in BUILT:
                expect(menu).to_contain_text(other, timeout=30_000)
            wait_idle(page)
            assert page.locator('[role="dialog"]').count() == 0, page.locator(
                '[role="dialog"]').all_inner_texts()
            assert "app" not in menu.inner_text().split()
            if query:
                assert first_slider_settles_at(page, "3") == "3"
        finally:
            page.close()
