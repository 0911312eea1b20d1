"""Kernels: each preset does what its name says, and d2l's edge experiment comes out exactly."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from core import corr2d
from core.images import checkerboard, diagonal_edge, gradient, stripes, stripes_t
from core.kernels import (
    BOX_BLUR,
    D2L_EDGE,
    D2L_EDGE_T,
    GAUSSIAN,
    IDENTITY,
    LAPLACIAN,
    PRESETS,
    SOBEL_X,
    SOBEL_Y,
    gradient_magnitude,
    preset,
)

SEED_Y = torch.tensor([[0.0, 1, 0, 0, 0, -1, 0]] * 6)


def test_the_seed_edge_experiment_is_exact():
    assert torch.equal(corr2d(stripes(), D2L_EDGE), SEED_Y)


def test_a_vertical_edge_kernel_gives_zero_on_horizontal_edges():
    assert torch.equal(corr2d(stripes_t(), D2L_EDGE), torch.zeros(8, 5))


def test_the_transposed_kernel_finds_the_horizontal_edges():
    assert torch.equal(corr2d(stripes_t(), D2L_EDGE_T), SEED_Y.T)


def test_the_edge_kernel_marks_a_diagonal_edge_on_its_diagonal():
    Y = corr2d(diagonal_edge(8), D2L_EDGE)
    expected = torch.zeros(8, 7)
    expected[range(7), range(7)] = 1  # the last row is all ones: no edge in it
    assert torch.equal(Y, expected)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_a_small_finite_2d_kernel(name):
    K = preset(name)
    assert K.dim() == 2 and 1 <= min(K.shape) and max(K.shape) <= 7
    assert torch.isfinite(K).all()


def test_preset_returns_a_copy():
    K = preset("Sobel x")
    K[0, 0] = 99
    assert PRESETS["Sobel x"][0, 0] == -1


def test_sobel_matrices():
    assert torch.equal(SOBEL_X, torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    assert torch.equal(SOBEL_Y, SOBEL_X.T)


@pytest.mark.parametrize("K", [BOX_BLUR, GAUSSIAN, IDENTITY])
def test_smoothing_kernels_keep_a_flat_picture_flat(K):
    assert torch.allclose(corr2d(torch.full((5, 5), 0.3), K), torch.full((3, 3), 0.3))


def test_a_second_derivative_sees_nothing_on_a_ramp():
    assert corr2d(gradient(16), LAPLACIAN).abs().max() < 1e-5


def test_gradient_magnitude_is_the_length_of_the_sobel_pair():
    X = checkerboard(16, 4)
    Gx, Gy, M = gradient_magnitude(X, padding=1)
    assert torch.equal(Gx, corr2d(X, SOBEL_X, padding=1))
    assert torch.equal(Gy, corr2d(X, SOBEL_Y, padding=1))
    assert torch.allclose(M, torch.sqrt(Gx**2 + Gy**2))


def test_gradient_magnitude_is_zero_on_flat_areas_and_positive_on_edges():
    _, _, M = gradient_magnitude(stripes())
    assert torch.equal(M[:, 2], torch.zeros(4)), "the middle of the dark band is flat"
    assert (M[:, 0] > 0).all(), "the window over columns 0–2 straddles the edge"


def test_gradient_magnitude_refuses_a_3d_picture_readably():
    with pytest.raises(ValueError, match="2 dimensions"):
        gradient_magnitude(torch.zeros(2, 3, 3))


@given(
    h=st.integers(3, 12), w=st.integers(3, 12), padding=st.integers(0, 2),
    stride=st.integers(1, 3), mode=st.sampled_from(["zeros", "replicate", "circular"]),
    seed=st.integers(0, 2**16),
)
def test_gradient_magnitude_matches_torch(h, w, padding, stride, mode, seed):
    X = torch.rand(h, w, generator=torch.Generator().manual_seed(seed))
    Gx, Gy, M = gradient_magnitude(X, padding=padding, stride=stride, padding_mode=mode)
    torch_mode = "constant" if mode == "zeros" else mode
    Xp = F.pad(X[None, None], (padding,) * 4, mode=torch_mode)
    ref = F.conv2d(Xp, torch.stack([SOBEL_X, SOBEL_Y])[:, None], stride=stride)[0]
    assert torch.allclose(Gx, ref[0], atol=1e-5) and torch.allclose(Gy, ref[1], atol=1e-5)
    assert torch.allclose(M, ref.pow(2).sum(0).sqrt(), atol=1e-5)
