"""The shapes page in a real browser: the shape follows the controls, the planner's table
edits go into the link, the code export is there, and screenshots for the README."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle

SHAPE = '[data-testid="stMetricValue"]'
CODE = '[data-testid="stCode"]'  # syntax-highlighted: the text is split over spans
LAYERS = ".st-key-sh_layers textarea"
#: A fresh session's widgets and code land seconds after the script is done, more on a busy
#: machine (2 cores shared): the first look after opening a page waits this long (ms).
FIRST = 30_000


def open_shapes(page, server: str, query: str = "") -> None:
    """Open the shapes page with ``query`` (a deep link, as a shared link arrives)."""
    goto(page, f"{server}/shapes{query}")


def thumb(page, key: str):
    return page.locator(f'.st-key-{key} input[type="range"]')


def test_loads_at_8x8_and_a_changed_stride_updates_the_shape(server, page):
    open_shapes(page, server)
    assert_no_errors(page)
    expect(page.locator(SHAPE).first).to_have_text("8 × 8", timeout=FIRST)
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
    expect(page.locator(CODE, has_text="nn.Sequential(")).to_be_visible(timeout=FIRST)
    expect(page.get_by_text("✓ Ran this code")).to_be_visible()

    # Select the first layer's "layer" cell (columns: row marker 33 px, layer 90 px, out ch,
    # k, …), then step right with the keyboard to its kernel, each step awaited on the grid's
    # accessible cells (glide-cell-<col>-<row>, aria-selected): a pixel offset into the canvas
    # missed the cell, and an arrow sent before the click's selection landed was lost
    grid = page.locator('[class*="st-key-sh_layers_ed"]').first
    expect(grid.locator("canvas").first).to_be_visible()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 33 + 45, box["y"] + 35 + 17)
    for col in (1, 2, 3):
        if col > 1:
            page.keyboard.press("ArrowRight")
        expect(grid.locator(f"#glide-cell-{col}-0")).to_have_attribute("aria-selected", "true")
    expect(grid.locator("#glide-cell-3-0")).to_have_text("5")  # the first conv's kernel
    page.keyboard.type("3")  # typing on a selected cell opens its editor with that text
    # the grid's cell editor has opened and has the focus (not the layers' own textarea)
    page.wait_for_function(
        """() => { const e = document.activeElement;
                   return e && ['INPUT', 'TEXTAREA'].includes(e.tagName)
                          && !e.closest('.st-key-sh_layers') && e.value === '3'; }""",
        timeout=10_000)
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
        expect(other.locator(LAYERS)).to_have_value(edited + ";conv:,3,1,1", timeout=FIRST)
        expect(other.get_by_text("after 5 of 5 layers")).to_be_visible()
        assert_no_errors(other)
    finally:
        fresh.close()


def test_screenshots_at_extreme_settings(server, page):
    open_shapes(page, server, "?sh_in_h=32&sh_in_w=32&sh_k_h=7&sh_k_w=5&sh_p_h=4&sh_p_w=2"
                              "&sh_s_h=3&sh_s_w=2&sh_d_h=2")
    expect(page.locator(SHAPE).first).to_have_text("10 × 16", timeout=FIRST)
    assert_no_errors(page)
    screenshot(page, "shapes-extreme")
    open_shapes(page, server, "?sh_tab=Layer+planner&sh_net_c=3&sh_net_h=224&sh_net_w=224"
                              "&sh_layers=conv:64,7,2,3;pool:max,3,2,1;conv:64,3,1,1;"
                              "conv:128,3,2,1;pool:max,3,1,2;conv:256,3")
    expect(page.get_by_text("layer 5 (pool:max,3,1,2)")).to_be_visible(timeout=FIRST)
    wait_idle(page)
    screenshot(page, "shapes-planner")


def test_calculator_at_224_shows_the_exact_quotient(server, page):
    open_shapes(page, server, "?sh_in_h=224&sh_in_w=224&sh_k_h=7&sh_k_w=7&sh_p_h=3&sh_p_w=3"
                              "&sh_s_h=2&sh_s_w=2")
    expect(page.locator(SHAPE).first).to_have_text("112 × 112", timeout=FIRST)
    expect(page.get_by_text("⌊223 / 2⌋ + 1 = ⌊111.5⌋ + 1 = 111 + 1 = 112").first).to_be_visible()
    expect(page.get_by_text("⌊225 / 2⌋ = ⌊112.5⌋ = 112").first).to_be_visible()
    assert_no_errors(page)


RESNET = """net = nn.Sequential(
    nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),  # the stem
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    nn.Conv2d(64, 64, 3, padding=1, bias=False),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 64, 3, padding=1, bias=False),
)"""
RESNET_TEXT = "conv:64,7,2,3,1,1,False;pool:max,3,2,1" + ";conv:64,3,1,1,1,1,False" * 2


def test_pasted_resnet_stem_becomes_the_link_and_runs_on_the_meta_device(server, page, context):
    # A real paste: a one-line <input> would turn the newlines into spaces (and the comment
    # would swallow the rest), which is why the field is a text area
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_shapes(page, server, "?sh_tab=Layer+planner&sh_net_c=3&sh_net_h=224&sh_net_w=224")
    area = page.locator(LAYERS)
    expect(area).to_be_visible(timeout=FIRST)
    page.evaluate("text => navigator.clipboard.writeText(text)", RESNET)
    area.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Control+V")
    page.keyboard.press("Control+Enter")
    wait_idle(page)
    expect(area).to_have_value(RESNET_TEXT, timeout=FIRST)
    expect(page).to_have_url(re.compile(r"sh_layers=conv%3A64%2C7%2C2%2C3%2C1%2C1%2CFalse%3B"))
    expect(page.get_by_text("Read 4 layers from the pasted PyTorch code; skipped 3 that keep "
                            "the shape (BatchNorm2d, ReLU).")).to_be_visible()
    expect(page.get_by_text("✓ Ran this code on the meta device (shapes only)")).to_be_visible()
    expect(page.get_by_text("Output: 64×56×56 after 4 of 4 layers · 83,136 parameters")
           ).to_be_visible()
    assert_no_errors(page)


def test_square_lock_keeps_one_control_per_quantity_and_its_link(server, page, context):
    open_shapes(page, server, "?sh_k_h=5&sh_s_h=2")
    expect(page.locator(SHAPE).first).to_have_text("3 × 8", timeout=FIRST)
    page.locator(".st-key-sh_square label").click()
    wait_idle(page)
    expect(page.locator(SHAPE).first).to_have_text("3 × 3")  # the widths took the heights
    expect(page).to_have_url(re.compile(r"sh_square=true"))
    for name in ("k", "p", "s", "d"):
        expect(thumb(page, f"sh_{name}_h")).to_have_count(1)
        expect(thumb(page, f"sh_{name}_w")).to_have_count(0)
    assert "sh_k_w" not in page.url and "sh_s_w" not in page.url

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        goto(other, page.url)
        expect(other.locator(SHAPE).first).to_have_text("3 × 3", timeout=FIRST)
        expect(thumb(other, "sh_k_w")).to_have_count(0)
        expect(other.get_by_text("could not be used")).to_have_count(0)
    finally:
        fresh.close()

    page.locator(".st-key-sh_square label").click()  # off: both controls, equal values
    wait_idle(page)
    expect(thumb(page, "sh_k_w")).to_have_value("5")
    expect(page.locator(SHAPE).first).to_have_text("3 × 3")
    assert_no_errors(page)


def test_solver_to_a_larger_size_names_what_grows_it(server, page):
    open_shapes(page, server, "?sh_tab=Padding+solver&sh_sol_n=224&sh_sol_m=300")
    expect(page.get_by_text("transposed convolution (nn.ConvTranspose2d)")).to_be_visible(
        timeout=FIRST)
    expect(page.get_by_text("try other strides")).to_have_count(0)
    assert_no_errors(page)
