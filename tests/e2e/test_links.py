"""Across the app, in a real browser: every page loads clean, a changed control goes into the
URL, and that URL opened in a fresh browser context restores it. No request leaves localhost."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    ROOT,
    SLIDER_THUMB,
    assert_no_errors,
    first_slider_settles_at,
    goto,
    slider_value,
    wait_idle,
)
from ui.nav import PAGES

BUILT = [(f, path) for f, _, _, path in PAGES if (ROOT / "pages" / f).exists()]
#: Pages with a slider (the practice page's one setting is a number box: tests/e2e/test_practice.py)
WITH_CONTROLS = [(f, path) for f, path in BUILT if f not in ("tour.py", "practice.py")]


@pytest.mark.parametrize("file, path", BUILT)
def test_every_page_loads_without_errors(server, page, file, path):
    goto(page, f"{server}/{path}")
    assert_no_errors(page)
    assert page.locator('[data-testid="stMain"]').inner_text().strip()


@pytest.mark.parametrize("file, path", WITH_CONTROLS)
def test_a_changed_slider_is_in_the_url_and_a_copied_link_restores_it(
    server, page, context, file, path
):
    goto(page, f"{server}/{path}")
    slider = page.locator(SLIDER_THUMB).first
    before = slider_value(slider)
    slider.focus()
    slider.press("ArrowRight")
    wait_idle(page)
    after = slider_value(slider)
    if after == before:  # already at its maximum: go the other way
        slider.press("ArrowLeft")
        slider.press("ArrowLeft")
        wait_idle(page)
        after = slider_value(slider)
    assert after != before
    assert_no_errors(page)
    link = page.url
    assert "?" in link, f"the URL did not take the setting: {link}"

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        goto(other, link)
        assert first_slider_settles_at(other, after) == after, (link, other.url)
        assert_no_errors(other)
    finally:
        fresh.close()
