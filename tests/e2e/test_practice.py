"""The practice page in chromium: one link, one quiz. A seed changed on the page goes into the
URL, and that URL opened in a fresh browser context gives the same exercises; answers stay
out of the URL."""

from __future__ import annotations

import re

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

DRILLS = '[data-testid="stMarkdownContainer"] p'


def _tasks(page) -> list[str]:
    texts = page.locator(DRILLS).all_inner_texts()
    return [t for t in texts if t.startswith(("Drill", "nn.Conv2d("))]


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.get_by_role("tab", name=name, selected=True).wait_for()
    wait_idle(page)


def test_a_quiz_link_gives_the_same_tasks_in_a_fresh_browser(browser, server, page):
    goto(page, f"{server}/practice?lang=en")
    page.locator(".st-key-pr_seed input").fill("41")
    page.locator(".st-key-pr_seed input").press("Enter")
    page.wait_for_url(re.compile(r"pr_seed=41"))
    wait_idle(page)
    drills = _tasks(page)
    assert len(drills) == 4, drills  # the open section's four shape drills
    page.locator(".st-key-pr_ans_shape_book input").fill("2×2")
    page.get_by_role("button", name="Check").first.click()
    wait_idle(page)
    _open_tab(page, "4 · Cost")  # another section, into the link
    page.wait_for_url(re.compile(r"pr_tab=Cost"))
    cost = _tasks(page)
    assert len(cost) == 1 and cost[0].startswith("nn.Conv2d("), cost
    assert "2×2" not in page.url and "2%C3%972" not in page.url  # the answer stays here
    link = page.url
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = ctx.new_page()
        goto(other, link)
        assert _tasks(other) == cost  # the teacher's section, the same task
        _open_tab(other, "1 · Shapes")
        assert _tasks(other) == drills
        assert other.locator(".st-key-pr_ans_shape_book input").input_value() == ""
        assert_no_errors(other)
    finally:
        ctx.close()
    _open_tab(page, "1 · Shapes")  # back: the checked answer and its verdict are still here
    assert page.locator(".st-key-pr_ans_shape_book input").input_value() == "2×2"
    page.get_by_text("Right.").first.wait_for()


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
    screenshot(page, "practice")


def test_a_section_in_chinese_draws_its_grids(server, page):
    goto(page, f"{server}/practice?lang=zh&pr_tab=Predict+Y")
    page.get_by_role("tab", name="2 · 预测输出", selected=True).wait_for()
    page.wait_for_function(
        """() => { const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
                   return c.length === 6 && c.every(x => x.querySelector('.main-svg')); }""",
        timeout=30_000)
    assert_no_errors(page)
    assert page.get_by_text("K 作用于 X").count() >= 1
    screenshot(page, "zh/practice")
