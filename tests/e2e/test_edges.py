"""The edge page in a real browser: the seed's Y, a preset switch, an upload, screenshots."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.e2e.conftest import assert_no_errors, goto, screenshot, wait_idle


def _photo_like(h: int = 600, w: int = 800) -> bytes:
    """An RGB PNG with a disc, a bar and soft noise: edges of every orientation."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    g = 0.25 + 0.5 * x + 0.4 * (((x - 0.35) ** 2 + (y - 0.35) ** 2) < 0.04)
    g = np.where((np.abs(x - 0.75) < 0.05) & (y > 0.1) & (y < 0.65), 0.05, g)
    g = g + np.random.default_rng(0).normal(0, 0.02, g.shape)
    rgb = np.stack([g, g * 0.9, g * 0.8], axis=-1).clip(0, 1)
    buf = io.BytesIO()
    Image.fromarray((rgb * 255).astype(np.uint8), "RGB").save(buf, "PNG")
    return buf.getvalue()


def _plot_count(page, expected: int) -> int:
    """Number of drawn Plotly charts, once ``expected`` have appeared (they load lazily)."""
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')"
        f".length >= {expected}", timeout=20_000,
    )
    return page.locator('[data-testid="stPlotlyChart"]').count()


def _open(page, url: str) -> None:
    """Open the home page first: until app.py has run once in the server process, Streamlit
    serves a deep link from pages/ directly (no wide layout, file names in the menu)."""
    goto(page, url.split("/edges")[0])
    goto(page, url)


def test_default_view_shows_the_seed_and_a_preset_switch_updates_it(server, page):
    _open(page, f"{server}/edges")
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


def test_upload_renders_as_a_512_px_picture(server, page):
    _open(page, f"{server}/edges?ed_kernel=Sobel+x&ed_pad=1&ed_sobel=true")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": _photo_like()}]
    )
    page.wait_for_selector("text=384×512, values from")
    wait_idle(page)
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "photo.png" in main.inner_text()
    assert _plot_count(page, 6) == 6  # X, K, Y and the three gradient panels
    screenshot(page, "edges-upload-sobel")
