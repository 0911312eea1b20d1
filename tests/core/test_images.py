"""Pictures: the samples are what they say, and uploads decode safely or say why not."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from core.images import (
    MAX_BYTES,
    MAX_SIDE,
    SAMPLES,
    load_image,
    sample,
    stripes,
    stripes_t,
    value_range,
)
from tests.data import pictures


def test_the_seed_stripes_are_the_notebooks_X():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    assert torch.equal(stripes(), X)


def test_transposed_stripes_are_the_transpose():
    assert torch.equal(stripes_t(), stripes().T)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_sample_is_a_2d_picture_in_0_1(name):
    X = sample(name)
    assert X.dim() == 2 and X.dtype == torch.float32
    assert 0 <= float(X.min()) and float(X.max()) <= 1
    assert float(X.max()) > float(X.min()), "a flat sample has no edges to find"


def test_an_unknown_sample_lists_the_names():
    with pytest.raises(ValueError, match="Checkerboard"):
        sample("nope")


def test_8_bit_gray_png_keeps_its_values():
    A = np.array([[0, 51, 255], [102, 204, 153]], np.uint8)
    X = load_image(pictures.encode(Image.fromarray(A, "L")))
    assert X.dtype == torch.float32 and tuple(X.shape) == (2, 3)
    assert torch.allclose(X, torch.from_numpy(A / 255).float())


def test_rgb_becomes_gray_with_the_usual_weights():
    X = load_image(pictures.encode(Image.new("RGB", (2, 2), (255, 0, 0))))
    assert torch.allclose(X, torch.full((2, 2), 76 / 255))  # ITU-R 601: 0.299 · 255


def test_16_bit_gray_keeps_more_than_8_bits():
    A = (np.arange(12).reshape(3, 4) * 5000 + 1).astype(np.uint16)
    X = load_image(pictures.gray16(A))
    assert torch.allclose(X, torch.from_numpy(A / 65535).float(), atol=1e-6)


def test_16_bit_rgb_is_converted():
    A = np.zeros((2, 3, 3), np.uint16)
    A[0] = 65535  # white row over a black row
    X = load_image(pictures.rgb48(A))
    assert torch.allclose(X, torch.tensor([[1.0] * 3, [0.0] * 3]))


def test_transparent_pixels_show_over_white():
    X = load_image(pictures.rgba_half_transparent())
    assert torch.equal(X, torch.tensor([[0.0, 0, 1, 1], [0, 0, 1, 1]]))


def test_palette_with_a_transparent_index_is_converted():
    X = load_image(pictures.palette())
    assert torch.equal(X, torch.tensor([[0.0, 1], [1, 1]]))


def test_cmyk_jpeg_is_converted():
    X = load_image(pictures.cmyk_jpeg())
    assert float(X[:, :3].min()) > 0.9, "no ink is white"
    assert float(X[:, 5:].max()) < 0.1, "full black ink is black"


def test_large_pictures_are_scaled_to_512_on_the_long_side():
    X = load_image(pictures.photo_like(600, 800))
    assert tuple(X.shape) == (384, 512)
    assert 0 <= float(X.min()) and float(X.max()) <= 1


def test_large_jpeg_is_scaled_too():
    X = load_image(pictures.photo_like(1500, 2000, fmt="JPEG"))
    assert tuple(X.shape) == (384, 512)


def test_small_pictures_keep_their_size():
    X = load_image(pictures.photo_like(30, 40))
    assert tuple(X.shape) == (30, 40)


def test_tall_pictures_are_scaled_by_their_height():
    X = load_image(pictures.encode(Image.new("L", (100, 1024), 128)))
    assert tuple(X.shape) == (MAX_SIDE, 50)
    assert torch.allclose(X, torch.full_like(X, 128 / 255)), "area averaging keeps flat areas"


def test_exif_rotation_is_applied():
    img = Image.new("L", (4, 2), 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    X = load_image(pictures.encode(img, "JPEG", exif=exif.tobytes()))
    assert tuple(X.shape) == (4, 2)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"hello, not a picture", "not an image"),
    (pictures.truncated(), "truncated"),
    (pictures.encode(Image.new("RGB", (4, 4)), "GIF"), "GIF files are not accepted"),
    (pictures.encode(Image.new("RGB", (4, 4)), "BMP"), "BMP files are not accepted"),
    # Headers that declare huge pictures: refused before any pixel is decoded.
    (pictures.png_header(6000, 6000), "6000×6000 = 36 million pixels"),
    (pictures.png_header(10_000, 10_000), "too many pixels"),  # Pillow's warning, as an error
    (pictures.png_header(100_000, 100_000), "too many pixels"),  # Pillow's own error
    (b"\0" * (MAX_BYTES + 1), "at most 16 MB"),
])
def test_bad_uploads_give_a_readable_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        load_image(data)


def test_the_bomb_warning_is_an_error_even_under_our_own_cap():
    # With our cap lifted, Pillow's DecompressionBombWarning (> 89 M pixels) still stops it.
    with pytest.raises(ValueError, match="too many pixels"):
        load_image(pictures.png_header(10_000, 10_000), max_pixels=10**12)


def test_a_non_bytes_upload_is_refused():
    with pytest.raises(ValueError, match="must be bytes"):
        load_image("a.png")  # type: ignore[arg-type]


def test_value_range_ignores_non_finite_values():
    assert value_range(torch.tensor([[1.0, float("nan")], [-2.0, float("inf")]])) == (-2.0, 1.0)
    assert value_range(torch.tensor([float("nan")])) == (0.0, 0.0)
