"""The edge page in AppTest: the seed's Y by default, d2l's follow-ups, every preset on every
sample, custom kernels, uploads good and bad, settings from the URL."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core.images import MAX_BYTES, SAMPLES
from core.kernels import PRESETS
from tests.apptest import all_text, assert_clean, decode, figures, run_page
from tests.data import pictures

PAGE = "pages/edges.py"
SEED_Y = np.array([[0.0, 1, 0, 0, 0, -1, 0]] * 6)


def grids(at) -> dict[str, np.ndarray]:
    """Figure title → the values it draws (numbers/heatmap views only)."""
    out = {}
    for fig in figures(at):
        trace = fig["data"][0]
        if trace["type"] == "heatmap":
            out[fig["layout"]["title"]["text"]] = decode(trace["z"])
    return out


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.fixture(scope="module")
def at():
    """One page for the tests that change settings in turn (torch is imported once)."""
    return run_page(PAGE)


def test_default_view_is_the_seeds_experiment():
    at = run_page(PAGE)
    assert_clean(at)
    g = grids(at)
    X = np.array([[1.0, 1, 0, 0, 0, 0, 1, 1]] * 6)
    np.testing.assert_array_equal(g["X · Seed stripes 6×8"], X)
    np.testing.assert_array_equal(g["K · d2l edge [1, -1]"], [[1.0, -1.0]])
    np.testing.assert_array_equal(g["Y = corr2d(X, K)"], SEED_Y)
    assert "6×7, values from -1 to 1" in captions(at)
    text = all_text(at)
    assert "X = torch.ones(6, 8)\nX[:, 2:6] = 0\nK = torch.tensor([[1, -1]])" in text
    assert "Where horizontal neighbours are equal, the output is 0; where they differ" in text
    assert not at.error and not at.warning


def test_in_chinese_the_seeds_note_is_the_notebooks_own_sentence():
    at = run_page(PAGE, {"lang": "zh"})
    assert_clean(at)
    assert "如果横向相邻元素相同，输出为0；否则输出为非0。" in at.info[0].value


@pytest.mark.parametrize(("button", "Y"), [
    ("ed_go_xt", np.zeros((8, 5))),
    ("ed_go_kt", SEED_Y.T),
    ("ed_go_diag", np.eye(8, 7) * (np.arange(8) < 7)[:, None]),
    ("ed_go_seed", SEED_Y),
])
def test_each_follow_up_is_one_click(at, button, Y):
    at.button(key=button).click().run()
    assert_clean(at)
    np.testing.assert_array_equal(grids(at)["Y = corr2d(X, K)"], Y)
    assert at.info, "each follow-up says what to look for"


def test_the_follow_ups_reset_padding_and_stride(at):
    at.slider(key="ed_pad").set_value(2)
    at.slider(key="ed_stride").set_value(3)
    at.run()
    at.button(key="ed_go_kt").click().run()
    assert (at.slider(key="ed_pad").value, at.slider(key="ed_stride").value) == (0, 1)
    at.button(key="ed_go_seed").click().run()


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_preset_runs_on_every_sample(at, sample):
    at.selectbox(key="ed_img").set_value(sample)
    for i, name in enumerate(PRESETS):
        sobel = i == 0  # the gradient view does not depend on the kernel: once per sample
        at.toggle(key="ed_sobel").set_value(sobel)
        at.selectbox(key="ed_kernel").set_value(name).run()
        assert_clean(at)
        assert not at.error, (sample, name, [e.value for e in at.error])
        assert len(figures(at)) == (6 if sobel else 3), (sample, name)


def test_geometry_settings_reach_corr2d():
    at = run_page(PAGE, {"ed_img": "Checkerboard 64×64", "ed_kernel": "Laplacian", "ed_pad": "1",
                         "ed_stride": "2", "ed_mode": "reflect", "ed_sobel": "true"})
    assert_clean(at)
    assert at.selectbox(key="ed_kernel").value == "Laplacian"
    assert at.slider(key="ed_stride").value == 2
    assert at.toggle(key="ed_sobel").value is True
    # ⌊(64 + 2 − 3)/2⌋ + 1 = 32, for Y and the three gradient panels
    assert sum(c.startswith("32×32,") for c in captions(at)) == 4
    assert "padding=1, stride=2, padding_mode='reflect'" in all_text(at)
    assert not at.warning


def test_a_link_asking_for_an_upload_says_it_cannot_carry_one():
    at = run_page(PAGE, {"ed_img": "Your upload"})
    assert_clean(at)
    assert any("cannot travel in a link" in i.value for i in at.info)
    np.testing.assert_array_equal(grids(at)["Y = corr2d(X, K)"], SEED_Y)


def test_a_kernel_larger_than_the_picture_says_why():
    at = run_page(PAGE, {"ed_kernel": "Custom kernel",
                         "ed_custom": "1 1 1 1 1 1 1; " * 6 + "1 1 1 1 1 1 1"})
    assert_clean(at)
    assert any("No output" in e.value and "padded input" in e.value for e in at.error)
    assert len(figures(at)) == 2, "X and K are still drawn"


def test_reflect_padding_too_large_says_why():
    at = run_page(PAGE, {"ed_pad": "6", "ed_mode": "reflect"})
    assert_clean(at)
    assert any("reflect padding must be smaller" in e.value for e in at.error)


def test_custom_kernel_starts_from_the_preset_before_and_computes(at):
    at.selectbox(key="ed_img").set_value("Seed stripes 6×8")
    at.selectbox(key="ed_kernel").set_value("d2l edge transposed").run()
    at.selectbox(key="ed_kernel").set_value("Custom kernel").run()
    assert at.text_input(key="ed_custom").value == "1; -1"
    at.text_input(key="ed_custom").set_value("1 0; 0 -1").run()
    assert_clean(at)
    assert grids(at)["Y = corr2d(X, K)"].shape == (5, 7)


@pytest.mark.parametrize(("text", "message"), [
    ("1 x", "'x' is not a number"),
    ("1 nan", "no NaN or inf"),
    ("1 inf", "no NaN or inf"),
    ("1 _", "empty"),
    ("1 2; 3", "same number of values"),
    ("; ".join(["1 " * 8] * 8), "at most 7×7"),
])
def test_bad_custom_kernels_give_a_message(at, text, message):
    at.selectbox(key="ed_kernel").set_value("Custom kernel").run()
    at.text_input(key="ed_custom").set_value(text).run()
    assert_clean(at)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert len(figures(at)) == 1, "the picture is still shown"


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="ed_upload").upload(name, data, mime)
    return at.run()


def test_an_upload_is_shown_grayscale_and_at_most_512_px():
    at = run_page(PAGE)
    upload(at, "photo.png", pictures.photo_like(600, 800))
    assert_clean(at)
    assert at.selectbox(key="ed_img").value == "Your upload"
    assert "384×512, values from 0 to 0.902" in captions(at)
    assert [f["data"][0]["type"] for f in figures(at)] == ["image", "heatmap", "image"]
    # Removing the file goes back to the default picture.
    at.file_uploader(key="ed_upload").clear()
    at.run()
    assert at.selectbox(key="ed_img").value == "Seed stripes 6×8"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.png", b"just some text", "not an image"),
    ("cut.jpg", pictures.truncated(), "truncated"),
    ("bomb.png", pictures.png_header(6000, 6000), "36 million pixels"),
    ("bigger-bomb.png", pictures.png_header(30_000, 30_000), "too many pixels"),
    ("huge.png", b"\x89PNG" + b"\0" * MAX_BYTES, "at most 16 MB"),
    ("anim.png", pictures.encode(Image.new("RGB", (4, 4)), "GIF"), "GIF files are not accepted"),
])
def test_bad_uploads_keep_the_previous_picture(name, data, message):
    at = run_page(PAGE, {"ed_img": "Shapes 64×64"})
    upload(at, name, data)
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any(name in e and message in e for e in errors), errors
    assert at.selectbox(key="ed_img").value == "Shapes 64×64"
    assert "64×64, values from 0 to 1" in captions(at)


def test_a_bad_upload_after_a_good_one_keeps_the_good_one():
    at = run_page(PAGE)
    upload(at, "good.png", pictures.photo_like(60, 80))
    upload(at, "bad.png", b"nope")
    assert_clean(at)
    assert at.selectbox(key="ed_img").value == "Your upload"
    assert captions(at)[0].startswith("60×80,")
    # Removing the bad file clears its message and keeps the good picture.
    at.file_uploader(key="ed_upload").clear()
    at.run()
    assert not at.error
    assert captions(at)[0].startswith("60×80,")


@pytest.mark.parametrize(("name", "data", "mime", "shape"), [
    ("deep.png", pictures.gray16(np.arange(12).reshape(3, 4) * 5000), "image/png", "3×4"),
    ("deep-rgb.png", pictures.rgb48(np.zeros((2, 3, 3), np.uint16)), "image/png", "2×3"),
    ("alpha.png", pictures.rgba_half_transparent(), "image/png", "2×4"),
    ("palette.png", pictures.palette(), "image/png", "2×2"),
    ("print.jpg", pictures.cmyk_jpeg(), "image/jpeg", "8×8"),
])
def test_odd_formats_are_converted_not_refused(name, data, mime, shape):
    at = run_page(PAGE)
    upload(at, name, data, mime)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="ed_img").value == "Your upload"
    assert any(c.startswith(f"{shape},") for c in captions(at)), captions(at)


def test_an_uploaded_file_name_cannot_inject_links_or_tags():
    at = run_page(PAGE)
    upload(at, "[x](http://evil)<b>.png", b"nope")
    message = at.error[0].value
    assert "](" not in message and "<b>" not in message and "[x]" not in message
    upload(at, "<a href='x'>a</a>.png", pictures.photo_like(20, 20))
    title = figures(at)[0]["layout"]["title"]["text"]
    assert "<" not in title and ">" not in title
