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


def _reruns(page) -> list[str]:
    """Record the fragment id of every rerun the page asks for (\"\" = the whole page)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    asked: list[str] = []

    def frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            msg = BackMsg()
            msg.ParseFromString(bytes(payload))
            if msg.WhichOneof("type") == "rerun_script":
                asked.append(msg.rerun_script.fragment_id)

    page.on("websocket", lambda ws: ws.on("framesent", frame))
    return asked


def test_check_and_a_worked_solution_rerun_their_exercise_alone(server, page):
    asked = _reruns(page)
    goto(page, f"{server}/practice?lang=en")
    first = len(asked)
    book = page.locator('[data-testid="stForm"]').first
    page.locator(".st-key-pr_ans_shape_book input").fill("1×1")
    book.get_by_role("button", name="Check").click()
    page.get_by_text("Not quite.").first.wait_for()  # the slip, named
    wait_idle(page)
    solution = page.locator('[data-testid="stExpander"]').first
    solution.locator("summary").click()
    solution.get_by_text("Along each axis").wait_for()  # written once opened
    wait_idle(page)
    later = asked[first:]
    assert len(later) == 2 and all(later), f"fragment reruns only, got {later}"
    assert page.get_by_text("1 attempt").count() == 1
    assert_no_errors(page)
