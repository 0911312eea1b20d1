"""The edge page in a real browser: the seed's Y, a preset switch, an upload, screenshots."""

from __future__ import annotations

import pytest

from tests.data import pictures
from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle


def _plot_count(page, expected: int) -> int:
    """Number of drawn Plotly charts, once ``expected`` have appeared (they load lazily)."""
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')"
        f".length >= {expected}", timeout=20_000,
    )
    return page.locator('[data-testid="stPlotlyChart"]').count()


@pytest.fixture(scope="module")
def edges(server, browser) -> str:
    """The page's URL, after one visit to the home page: until app.py has run once in the
    server process, Streamlit serves a deep link from pages/ directly (no wide layout, file
    names in the menu)."""
    ctx = browser.new_context()
    goto(ctx.new_page(), server)
    ctx.close()
    return f"{server}/edges"


def test_default_view_shows_the_seed_and_a_preset_switch_updates_it(edges, page):
    goto(page, edges)
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "Edge detection" in main.inner_text()
    assert "6×7, values from -1 to 1" in main.inner_text()
    assert _plot_count(page, 3) == 3
    screenshot(page, "edges")

    # Sobel x from the kernel menu: K becomes 3×3 and Y 4×6.
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Kernel K").click()
    page.get_by_role("option", name="Sobel x").click()
    wait_idle(page)
    assert "4×6, values from -4 to 4" in main.inner_text()
    assert "ed_kernel=Sobel" in page.url
    assert_no_errors(page)


def test_upload_renders_as_a_512_px_picture(edges, page):
    goto(page, f"{edges}?ed_kernel=Sobel+x&ed_pad=1&ed_sobel=true")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": pictures.photo_like()}]
    )
    page.wait_for_selector("text=384×512, values from")
    wait_idle(page)
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "photo.png" in main.inner_text()
    assert _plot_count(page, 6) == 6  # X, K, Y and the three gradient panels
    # The picture is one PNG, yet hover still reports values (means of 4×4 blocks).
    box = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hovertext", timeout=5_000)
    assert "(mean of 4×4)" in page.locator(".hovertext").first.text_content()
    page.mouse.move(0, 0)
    screenshot(page, "edges-upload-sobel")


def test_a_7x7_custom_kernel_from_the_url(edges, page):
    ring = "; ".join(" ".join("1" if max(abs(i - 3), abs(j - 3)) == 3 else "0" for j in range(7))
                     for i in range(7))
    goto(page, f"{edges}?ed_img=Circles+64%C3%9764&ed_kernel=Custom+kernel"
                f"&ed_custom={ring.replace(' ', '+').replace(';', '%3B')}&ed_stride=2&ed_pad=3")
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "7×7, values from 0 to 1" in main.inner_text()
    assert "32×32, values from" in main.inner_text()  # ⌊(64 + 6 − 7)/2⌋ + 1
    _plot_count(page, 3)
    screenshot(page, "edges-custom-7x7")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=10_000)  # the cell editor


def test_a_file_over_the_upload_limit_is_stopped_by_the_browser(edges, page):
    goto(page, edges)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * (6 * 2**20)}]
    )
    page.wait_for_selector("text=/5(\\.0)? ?MB or smaller/", timeout=10_000)
    wait_idle(page)
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "6×7, values from -1 to 1" in main.inner_text(), "the seed is still shown"
