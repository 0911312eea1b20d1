"""The practice page in chromium: one link, one quiz. A seed changed on the page goes into the
URL, and that URL opened in a fresh browser context gives the same exercises; answers stay
out of the URL."""

from __future__ import annotations

import re

from tests.e2e.conftest import assert_no_errors, goto, wait_idle

DRILLS = '[data-testid="stMarkdownContainer"] p'


def _tasks(page) -> list[str]:
    texts = page.locator(DRILLS).all_inner_texts()
    return [t for t in texts if t.startswith(("Drill", "nn.Conv2d("))]


def test_a_quiz_link_gives_the_same_tasks_in_a_fresh_browser(browser, server, page):
    goto(page, f"{server}/practice?lang=en")
    page.locator(".st-key-pr_seed input").fill("41")
    page.locator(".st-key-pr_seed input").press("Enter")
    page.wait_for_url(re.compile(r"pr_seed=41"))
    wait_idle(page)
    first = _tasks(page)
    assert len(first) == 7, first  # four shape drills, the cost task, two transposed
    page.locator(".st-key-pr_ans_shape_book input").fill("2×2")
    page.get_by_role("button", name="Check").first.click()
    wait_idle(page)
    assert "2×2" not in page.url and "2%C3%972" not in page.url  # the answer stays here
    link = page.url
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = ctx.new_page()
        goto(other, link)
        assert _tasks(other) == first
        assert_no_errors(other)
    finally:
        ctx.close()
