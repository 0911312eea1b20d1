"""The "settings in the link could not be used" note, in a real browser: it names what a link
the visitor opened carried and the page could not use, and never a change the page or the
visitor made since (issue 12, item 1: one test per case reported).

Each rerun is sent with the URL the run before left, so every test waits until the URL
holds the page's own value before the next change, as a visitor's second click would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import core.formula as S
from tests.data import pictures
from tests.e2e.conftest import assert_no_errors, goto, wait_idle
from ui.learn_setups import SETUPS

NOTE = "could not be used"
ALERT = '[data-testid="stAlert"]'


@pytest.fixture(scope="module")
def app(server, browser) -> str:
    """The server's URL after one visit to the home page: a server's first deep link would
    otherwise meet Streamlit's "Page not found" dialog (ui.nav.ensure_router)."""
    ctx = browser.new_context()
    goto(ctx.new_page(), server)
    ctx.close()
    return server


def _url_has(page, pattern: str) -> None:
    """Wait until the address bar's query matches ``pattern`` (a regular expression)."""
    expect(page).to_have_url(re.compile(pattern), timeout=20_000)


def _click(page, label: str) -> None:
    page.locator('[data-testid="stButton"] button').filter(has_text=label).first.click()
    wait_idle(page)


def _nudge(page, label: str, times: int = 1) -> None:
    """Move the slider labelled ``label`` right by ``times`` steps, waiting for each rerun."""
    thumb = page.locator('[data-testid="stSlider"]', has_text=label).locator('input[type="range"]')
    for _ in range(times):
        thumb.focus()
        thumb.press("ArrowRight")
        wait_idle(page)


def _no_note(page) -> None:
    """No URL note on the page (called once the run's own result is on screen)."""
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert NOTE not in main.inner_text(), main.inner_text()
    assert_no_errors(page)


def test_edges_follow_up_3_then_1(app, page):
    goto(page, f"{app}/edges")
    _click(page, "③ Kᵀ on Xᵀ")
    _url_has(page, r"ed_img=Seed\+stripes\+transposed")
    _click(page, "① K on X: the seed")
    expect(page.get_by_text("Where horizontal neighbours are equal")).to_be_visible()
    # back to the defaults: nothing left in the URL but the language (ui.lang keeps it there)
    _url_has(page, r"^[^?]*/edges(\?lang=en)?$")
    _no_note(page)


def test_learn_sobel_set_up_then_the_notebooks(app, page):
    goto(page, f"{app}/learn")
    _click(page, SETUPS["sobel"].label)
    _url_has(page, r"lk_opt=momentum")
    _click(page, SETUPS["notebook"].label)
    _url_has(page, r"^[^?]*/learn(\?lang=en)?$")
    page.wait_for_selector("text=Largest error per entry: 0.02053", timeout=30_000)
    _no_note(page)


def test_learn_use_the_suggested_lr_after_a_divergence(app, page):
    goto(page, f"{app}/learn")
    _click(page, SETUPS["diverge"].label)
    page.wait_for_selector("text=Diverged at step 9", timeout=30_000)
    _url_has(page, r"lk_lr=0\.03")
    _click(page, "Use lr = 0.01")
    page.wait_for_selector("text=Largest error per entry: 0.02053", timeout=30_000)
    _no_note(page)


def test_shapes_notebook_cells_3_then_4(app, page):
    goto(page, f"{app}/shapes")
    _click(page, S.SEED_CELLS[2].label())
    _url_has(page, r"sh_k_h=5")
    _click(page, S.SEED_CELLS[3].label())
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text("2 × 2")
    _url_has(page, r"sh_k_w=5")
    _no_note(page)


def test_edges_upload_after_picking_a_sample(app, page):
    goto(page, f"{app}/edges")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Picture X").click()
    page.get_by_role("option", name="Text 64×64").click()
    wait_idle(page)
    _url_has(page, r"ed_img=Text")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png",
                "buffer": pictures.photo_like(60, 80)}]
    )
    page.wait_for_selector("text=X · photo.png", timeout=30_000)
    _no_note(page)


def test_shapes_planner_adding_rows(app, page):
    goto(page, f"{app}/shapes?sh_tab=Layer+planner")
    layers = page.locator(".st-key-sh_layers textarea")
    for n in (1, 2):
        # The table's last, empty row adds a layer when clicked (a 3×3 conv, size kept).
        grid = page.locator('[class*="st-key-sh_layers_ed"]').first.bounding_box()
        page.mouse.click(grid["x"] + 120, grid["y"] + grid["height"] - 16)
        page.keyboard.press("Escape")
        wait_idle(page)
        expect(layers).to_have_value(re.compile(r"(;conv:,3,1,1){" + str(n) + "}$"))
        _url_has(page, r"sh_layers=.*" + r"%3Bconv%3A%2C3%2C1%2C1" * n + "(&|$)")
    _no_note(page)


def test_sliding_window_output_row_2_then_a_larger_stride(app, page):
    goto(page, f"{app}/sliding_window")
    _nudge(page, "Padding h")  # Y: 2×2 → 4×2, so there is a row 2
    _url_has(page, r"sw_pad_h=1")
    _nudge(page, "Output row", times=2)
    _url_has(page, r"sw_r=2")
    _nudge(page, "Stride h")  # Y: 4×2 → 2×2, the page moves the pick to row 1
    _url_has(page, r"sw_stride_h=2")
    expect(page.locator("h3", has_text="Y[1, 0] = ")).to_be_visible()
    _url_has(page, r"sw_r=1(&|$)")  # the clamped pick stays in the link
    _no_note(page)


def test_a_bad_link_value_keeps_its_note_until_dismissed(app, page):
    goto(page, f"{app}/sliding_window?sw_pad_h=99&sw_zoom=2&sw_mode=zeros")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("sw_pad_h=99")).to_be_visible()
    expect(main.get_by_text(re.compile("sw_zoom.*not a setting of this page"))).to_be_visible()
    # The note stands above the figures, under the page's intro.
    note_y = page.locator(ALERT).filter(has_text=NOTE).bounding_box()["y"]
    assert note_y < page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()["y"]

    _nudge(page, "Output row")  # a change of the visitor's own: the note stays as it was
    _url_has(page, r"sw_r=1")
    note = page.locator(ALERT).filter(has_text=NOTE)
    assert "sw_pad_h=99" in note.inner_text() and "sw_r" not in note.inner_text()
    page.get_by_role("button", name="Dismiss").click()
    wait_idle(page)
    _nudge(page, "Output column")
    _url_has(page, r"sw_c=1")
    _no_note(page)  # sw_zoom is still in the URL, but it was named once


def test_shapes_note_stands_under_the_intro_not_at_the_bottom(app, page):
    goto(page, f"{app}/shapes?sh_k_h=99")
    note = page.locator(ALERT).filter(has_text=NOTE)
    expect(note).to_contain_text("sh_k_h=99")
    tabs = page.locator('[data-testid="stTabs"]').first.bounding_box()
    title = page.locator("h1").first.bounding_box()
    assert title["y"] < note.bounding_box()["y"] < tabs["y"]


def test_pages_left_and_entered_again_through_the_menu(app, page):
    # A page entered again gets its widgets bound afresh; the values the app kept for it
    # are its own, not a link's. Guards the binding lifecycle the check relies on.
    goto(page, f"{app}/sliding_window?sw_pad_h=1&sw_zoom=3")
    note = page.locator(ALERT).filter(has_text=NOTE)
    expect(note).to_contain_text("sw_zoom")
    _nudge(page, "Output row")
    _url_has(page, r"sw_r=1")
    for title, path in (("Edge detection", "edges"), ("Sliding window", "sliding_window")):
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
        wait_idle(page)
        _url_has(page, rf"/{path}(\?|$)")
        expect(page.locator("h1").first).to_contain_text(title.split()[0])
    wait_idle(page)
    expect(note).to_contain_text("sw_zoom")  # the link's own note, kept until Dismiss
    assert "sw_pad_h" not in note.inner_text() and "sw_r" not in note.inner_text()
    page.get_by_role("button", name="Dismiss").click()
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Edge detection").click()
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Sliding window").click()
    wait_idle(page)
    expect(page.locator("h3", has_text="Y[")).to_be_visible()
    _no_note(page)
