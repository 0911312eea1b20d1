"""Edge-page figures carry the right data, in the right form for their size."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from tests.apptest import decode
from tests.viz.readers import TAG, colours_of
from viz import colours
from viz.edges import HOVER_MAX, adaptive_grid, block_means, picture


def _png(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def _spec(fig) -> dict:
    return json.loads(fig.to_json())


def test_small_grids_show_their_numbers():
    Y = np.array([[0.0, 1, -1]])
    trace = _spec(adaptive_grid(Y))["data"][0]
    assert trace["type"] == "heatmap"
    assert [TAG.sub("", t) for t in trace["text"][0]] == ["0", "1", "−1"]
    np.testing.assert_array_equal(decode(trace["z"]), Y)


def test_signed_grids_are_centred_at_zero():
    trace = _spec(adaptive_grid(np.array([[-1.0, 3.0]])))["data"][0]
    assert trace["zmin"] == -3 and trace["zmax"] == 3


def test_medium_grids_hover_exact_values_without_numbers():
    A = np.random.default_rng(0).random((40, 64))
    trace = _spec(adaptive_grid(A))["data"][0]
    assert trace["type"] == "heatmap" and "text" not in trace
    np.testing.assert_allclose(decode(trace["z"]), A)
    assert trace["colorscale"] == colours.COLORSCALE, "pictures use the one scale too"
    assert (trace["zmin"], trace["zmax"]) == (-A.max(), A.max()), "white at 0"


def test_large_grids_are_one_png_with_a_pixel_per_value():
    A = np.random.default_rng(0).random((300, 200))
    data = _spec(adaptive_grid(A))["data"]
    assert data[0]["type"] == "image"
    img = _png(data[0]["source"])
    assert img.size == (200, 300) and img.mode == "P"
    expected = np.rint((1 + A / A.max()) * 127)  # index into the palette of ±max|A|
    np.testing.assert_array_equal(np.asarray(img), expected)


@pytest.mark.parametrize("values", [[-2.0, 2.0, 0.0, 0.5], [0.0, 1.0, 0.25, 0.75]])
def test_a_large_picture_has_the_heatmaps_colours_pixel_for_pixel(values):
    """One encoder, one scale: the PNG pixel of a value is the colour a heatmap on the same
    scale paints it (within the palette's 1/255 steps), signed or not."""
    A = np.zeros((200, 200))
    A[0, : len(values)] = values
    fig = adaptive_grid(A)
    rgb = np.asarray(_png(fig.data[0].source).convert("RGB"), dtype=float)[0, : len(values)]
    small = _spec(adaptive_grid(np.array([values])))["data"][0]
    expected = colours_of(small, np.array([values]))[0]
    np.testing.assert_allclose(rgb, expected, atol=4)
    assert rgb[list(values).index(0.0)].min() == 255, "zero is white"


def test_the_same_value_has_the_same_colour_at_every_size_and_sign():
    """+1 on a scale of ±1 is one red whether the grid is small, medium or a picture, signed
    or not (Edges ① and ④ used to draw it red and navy)."""
    signed, unsigned = np.array([[1.0, -1.0, 0.0]]), np.array([[1.0, 0.0, 0.0]])
    reds = [colours_of(_spec(adaptive_grid(g))["data"][0], g)[0, 0] for g in (signed, unsigned)]
    big = np.zeros((200, 200))
    big[0, 0] = 1.0
    png = _png(adaptive_grid(big).data[0].source)
    reds.append(np.asarray(png.convert("RGB"), dtype=float)[0, 0])
    for red in reds:
        np.testing.assert_allclose(red, colours.rgb(1.0, 1.0), atol=4)


def test_the_hover_layer_holds_block_means():
    A = np.arange(300 * 260, dtype=float).reshape(300, 260)
    data = _spec(picture(A))["data"]
    layer = data[1]
    block = int(np.ceil(300 / HOVER_MAX))
    M = decode(layer["z"])
    assert M.shape == (int(np.ceil(300 / block)), int(np.ceil(260 / block)))
    np.testing.assert_allclose(M[0, 0], A[:block, :block].mean(), rtol=1e-6)
    assert layer["opacity"] == 0 and layer["dx"] == block
    assert "mean of 3×3" in layer["hovertemplate"]


def test_block_means_ignore_the_padding_of_ragged_edges():
    A = np.ones((5, 5))
    A[4, 4] = 9
    M = block_means(A, 2)
    assert M.shape == (3, 3)
    assert M[2, 2] == 9 and M[0, 0] == 1


def test_non_finite_values_do_not_break_the_figures():
    A = np.full((200, 200), np.nan)
    A[0, 0] = 1.0
    fig = adaptive_grid(A, colorbar=True)
    assert fig.data[0].type == "image"
    _png(fig.data[0].source)  # decodes


def test_colorbar_sits_under_the_grid():
    fig = adaptive_grid(np.array([[-1.0, 1.0]]), colorbar=True)
    assert fig.data[0].colorbar.orientation == "h"
    assert fig.layout.margin.b >= 45


@pytest.mark.parametrize("signed", [False, True])
def test_a_512_picture_is_far_below_1_5_mb(signed):
    A = np.random.default_rng(1).random((512, 512)) * (2 if signed else 1) - (1 if signed else 0)
    size = len(adaptive_grid(A, colorbar=True).to_json().encode())
    assert size < 1.5 * 2**20 / 2, f"{size} bytes for noise, the worst case for PNG"
