"""A shared link opened on a server that has just started (after a deploy or restart) must
get the app's navigation and the settings in the link, not Streamlit's old pages/ mode."""

from tests.e2e.conftest import ROOT, SLIDER_THUMB, goto, slider_value, start_server
from ui.nav import PAGES


def test_first_visit_of_a_fresh_server_is_a_deep_link_with_settings(browser):
    built = [(f, title, path) for f, title, _, path in PAGES if (ROOT / "pages" / f).exists()]
    target = next((b for b in built if b[0] == "channels.py"), None) or built[-1]
    with start_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            query = "?ch_ci=3" if target[0] == "channels.py" else ""
            goto(page, f"{url}/{target[2]}{query}")
            nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
            # The app's menu (titles from ui/nav.py), not file names like "app" or "channels"
            for _, title, _ in built:
                assert title in nav
            assert "app" not in nav.split()
            if query:
                assert slider_value(page.locator(SLIDER_THUMB).first) == "3"
        finally:
            page.close()
