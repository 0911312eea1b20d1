"""The matrix view: im2col and conv_matrix reproduce corr2d (zero padding) exactly."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import core
from core.errors import NoOutput, TooManyElements

pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def settings(draw):
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return H, W, (kh, kw), {
        "padding": draw(st.tuples(st.integers(0, 2), st.integers(0, 2))),
        "stride": draw(pairs), "dilation": draw(pairs),
    }


def small_ints(*shape):
    return torch.randint(-4, 5, shape).float()  # exact in float32 sums


@given(settings())
def test_im2col_times_the_kernel_is_corr2d(s):
    H, W, k, kw = s
    X, K = small_ints(H, W), small_ints(*k)
    try:
        Y = core.corr2d(X, K, **kw)
    except ValueError:
        with pytest.raises(ValueError):
            core.im2col(X, k, **kw)
        return
    cols = core.im2col(X, k, **kw)  # (H_out·W_out, kh·kw)
    assert cols.shape == (Y.numel(), k[0] * k[1])
    assert torch.equal((cols @ K.reshape(-1)).reshape(Y.shape), Y)


@given(settings())
def test_the_conv_matrix_times_vec_x_is_corr2d(s):
    H, W, k, kw = s
    X, K = small_ints(H, W), small_ints(*k)
    try:
        Y = core.corr2d(X, K, **kw)
    except ValueError:
        with pytest.raises(ValueError):
            core.conv_matrix((H, W), K, **kw)
        return
    M = core.conv_matrix((H, W), K, **kw)
    assert M.shape == (Y.numel(), H * W)
    assert torch.equal((M @ X.reshape(-1)).reshape(Y.shape), Y)


def test_each_row_holds_the_kernel_where_its_window_reads_the_input():
    M = core.conv_matrix((3, 3), [[1, 2], [3, 4]])
    # Output (0, 1) reads inputs (0, 1), (0, 2), (1, 1), (1, 2): columns 1, 2, 4, 5.
    assert M[1].tolist() == [0, 1, 2, 0, 3, 4, 0, 0, 0]
    padded = core.conv_matrix((2, 2), [[1, 2], [3, 4]], padding=1)
    assert padded[0].tolist() == [4, 0, 0, 0]  # only the kernel's last tap is on the input


def test_the_seed_numbers_as_one_matrix_product():
    X, K = core.POOL_X, [[0, 1], [2, 3]]
    assert (core.im2col(X, 2) @ torch.tensor([0.0, 1, 2, 3])).tolist() == [19, 25, 37, 43]
    assert (core.conv_matrix((3, 3), K) @ torch.arange(9.0)).tolist() == [19, 25, 37, 43]


def test_sizes_are_capped_and_no_output_is_named():
    with pytest.raises(TooManyElements) as e:
        core.conv_matrix((64, 64), [[1.0] * 3] * 3, padding=1)
    assert e.value.shape == (4096, 4096) and e.value.maximum == 2048 * 2048
    with pytest.raises(NoOutput):
        core.im2col([[1, 2]], 3)
    with pytest.raises(NoOutput):
        core.conv_matrix((2, 2), [[1] * 3] * 3)


def test_the_learning_pages_design_matrix_uses_the_same_im2col():
    from core import learn

    X = torch.arange(12.0).reshape(3, 4)
    A = learn.design_matrix(X, (2, 2), bias=False)
    assert A.dtype == torch.float64 and torch.equal(A, core.im2col(X, 2).double())
