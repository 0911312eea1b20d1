"""The shapes page in a real browser: the shape follows the controls, the planner's table
edits go into the link, the code export is there, and screenshots for the README."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

SHAPE = '[data-testid="stMetricValue"]'
CODE = '[data-testid="stCode"]'  # syntax-highlighted: the text is split over spans
LAYERS = ".st-key-sh_layers input"


def open_shapes(page, server: str, query: str = "") -> None:
    """Open the shapes page with ``query`` (a deep link, as a shared link arrives)."""
    goto(page, f"{server}/shapes{query}")


def thumb(page, key: str):
    return page.locator(f'.st-key-{key} input[type="range"]')


def test_loads_at_8x8_and_a_changed_stride_updates_the_shape(server, page):
    open_shapes(page, server)
    assert_no_errors(page)
    expect(page.locator(SHAPE).first).to_have_text("8 × 8")
    expect(page.get_by_text("✓ Checked by PyTorch")).to_be_visible()
    screenshot(page, "shapes")

    thumb(page, "sh_s_h").focus()
    thumb(page, "sh_s_h").press("ArrowRight")  # stride along the height 1 → 2
    wait_idle(page)
    expect(page.locator(SHAPE).first).to_have_text("4 × 8")
    expect(page).to_have_url(re.compile(r"sh_s_h=2"))
    expect(page.get_by_text("⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4").first).to_be_visible()

    page.get_by_role("button", name="k(3,5) p(0,1) s(3,4) → 2×2").click()
    wait_idle(page)
    expect(page.locator(SHAPE).first).to_have_text("2 × 2")
    expect(page.get_by_text("Rows 6, 7 of the input are never read")).to_be_visible()
    assert_no_errors(page)


def test_planner_edit_goes_into_the_link_and_the_code_export_is_shown(server, page, context):
    open_shapes(page, server, "?sh_tab=Layer+planner")
    expect(page.locator(CODE, has_text="nn.Sequential(")).to_be_visible()
    expect(page.get_by_text("✓ Ran this code")).to_be_visible()

    # Double-click the first layer's kernel cell (columns: row marker, layer, out ch, k, …)
    grid = page.locator('[class*="st-key-sh_layers_ed"]').first.bounding_box()
    page.mouse.dblclick(grid["x"] + 33 + 90 + 70 + 26, grid["y"] + 35 + 17)
    page.wait_for_timeout(300)
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    wait_idle(page)
    edited = "conv:6,3,1,2;pool:avg,2,2;conv:16,5,1,0;pool:avg,2,2"
    expect(page.locator(LAYERS)).to_have_value(edited)
    expect(page).to_have_url(re.compile(r"sh_layers=conv%3A6%2C3%2C1%2C2"))
    expect(page.locator(CODE, has_text="nn.Conv2d(1, 6, kernel_size=3, padding=2)")).to_be_visible()

    page.get_by_role("button", name="Add row").click()  # a new row: a 3×3 conv, size kept
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page.locator(LAYERS)).to_have_value(edited + ";conv:,3,1,1")
    expect(page.get_by_text("Output: 16×5×5 after 5 of 5 layers")).to_be_visible()

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        goto(other, page.url)
        expect(other.locator(LAYERS)).to_have_value(edited + ";conv:,3,1,1")
        expect(other.get_by_text("after 5 of 5 layers")).to_be_visible()
        assert_no_errors(other)
    finally:
        fresh.close()


def test_screenshots_at_extreme_settings(server, page):
    open_shapes(page, server, "?sh_in_h=32&sh_in_w=32&sh_k_h=7&sh_k_w=5&sh_p_h=4&sh_p_w=2"
                              "&sh_s_h=3&sh_s_w=2&sh_d_h=2")
    expect(page.locator(SHAPE).first).to_have_text("10 × 16")
    assert_no_errors(page)
    screenshot(page, "shapes-extreme")
    open_shapes(page, server, "?sh_tab=Layer+planner&sh_net_c=3&sh_net_h=224&sh_net_w=224"
                              "&sh_layers=conv:64,7,2,3;pool:max,3,2,1;conv:64,3,1,1;"
                              "conv:128,3,2,1;pool:max,3,1,2;conv:256,3")
    expect(page.get_by_text("layer 5 (pool:max,3,1,2)")).to_be_visible()
    wait_idle(page)
    screenshot(page, "shapes-planner")
