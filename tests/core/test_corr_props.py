"""Property tests: `core` against torch.nn.Conv2d / F.conv2d over random geometry."""

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

import core

sizes = st.integers(1, 9)
per_axis = st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 3), st.integers(0, 3)))
positive = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
modes = st.sampled_from(core.PADDING_MODES)


def as_pair(v):
    return v if isinstance(v, tuple) else (v, v)


@st.composite
def geometry(draw):
    """Random input/kernel sizes and keyword geometry, "same"/"valid" included."""
    H, W, kh, kw = draw(sizes), draw(sizes), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride, dilation = draw(positive), draw(positive)
    padding = draw(st.one_of(per_axis, st.sampled_from(["same", "valid"])))
    return H, W, (kh, kw), {"padding": padding, "stride": stride, "dilation": dilation}


def reference(X, K, *, padding, stride, dilation, padding_mode="zeros", groups=1):
    """nn.Conv2d with the same settings and K as its weight: X (ci, H, W), K (co, ci/g, kh, kw)."""
    layer = torch.nn.Conv2d(
        X.shape[0], K.shape[0], tuple(K.shape[2:]), padding=padding, stride=stride,
        dilation=dilation, padding_mode=padding_mode, groups=groups, bias=False,
    )
    with torch.no_grad():
        layer.weight.copy_(K)
        return layer(X[None])[0]


def torch_raises(fn) -> bool:
    try:
        fn()
    except (RuntimeError, ValueError):
        return True
    return False


@given(geometry(), modes, st.randoms(use_true_random=False))
def test_corr2d_matches_nn_conv2d_or_both_refuse(geo, mode, rnd):
    H, W, (kh, kw), kw_args = geo
    g = torch.Generator().manual_seed(rnd.randint(0, 2**31))
    X, K = torch.randn(H, W, generator=g), torch.randn(kh, kw, generator=g)
    ref = None
    if not torch_raises(lambda: reference(X[None], K[None, None], padding_mode=mode, **kw_args)):
        ref = reference(X[None], K[None, None], padding_mode=mode, **kw_args)[0]
    if ref is None or ref.numel() == 0:
        with pytest.raises(ValueError):
            core.corr2d(X, K, padding_mode=mode, **kw_args)
    else:
        Y = core.corr2d(X, K, padding_mode=mode, **kw_args)
        assert Y.shape == ref.shape
        torch.testing.assert_close(Y, ref, rtol=1e-5, atol=1e-5)


@given(geometry())
def test_conv_output_shape_matches_nn_conv2d(geo):
    H, W, ksize, kw_args = geo
    X = torch.zeros(1, 1, H, W)
    try:
        want = tuple(torch.nn.Conv2d(1, 1, ksize, **kw_args)(X).shape[2:])
    except (RuntimeError, ValueError):
        want = None
    if want is None or min(want) < 1:
        with pytest.raises(ValueError):
            core.conv_output_shape((H, W), ksize, **kw_args)
    else:
        assert core.conv_output_shape((H, W), ksize, **kw_args) == want


@given(sizes, st.integers(1, 5), st.integers(0, 3), st.integers(1, 3), st.integers(1, 3))
def test_conv_output_size_is_the_one_axis_rule(n, k, p, s, d):
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        with pytest.raises(ValueError, match="spans"):
            core.conv_output_size(n, k, padding=p, stride=s, dilation=d)
    else:
        want = core.conv_output_shape((n, n), k, padding=p, stride=s, dilation=d)[0]
        assert core.conv_output_size(n, k, padding=p, stride=s, dilation=d) == want
        assert want == (n + 2 * p - d * (k - 1) - 1) // s + 1


@given(geometry(), st.randoms(use_true_random=False))
def test_conv2d_is_corr2d_with_the_kernel_flipped(geo, rnd):
    H, W, (kh, kw), kw_args = geo
    g = torch.Generator().manual_seed(rnd.randint(0, 2**31))
    X, K = torch.randn(H, W, generator=g), torch.randn(kh, kw, generator=g)
    try:
        Y = core.conv2d(X, K, **kw_args)
    except ValueError:
        return
    torch.testing.assert_close(Y, core.corr2d(X, K.flip(0).flip(1), **kw_args))


@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 3), st.integers(1, 3))
def test_corr2d_loop_matches_corr2d(H, W, kh, kw):
    assume(kh <= H and kw <= W)
    X, K = torch.randn(H, W), torch.randn(kh, kw)
    torch.testing.assert_close(core.corr2d_loop(X, K), core.corr2d(X, K), rtol=1e-5, atol=1e-5)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), geometry(), modes)
def test_multi_in_out_matches_nn_conv2d_with_groups(ci_per, co_per, groups, geo, mode):
    H, W, (kh, kw), kw_args = geo
    ci, co = ci_per * groups, co_per * groups
    X, K = torch.randn(ci, H, W), torch.randn(co, ci_per, kh, kw)
    try:
        ref = reference(X, K, padding_mode=mode, groups=groups, **kw_args)
        assume(ref.numel() > 0)
    except (RuntimeError, ValueError):
        with pytest.raises(ValueError):
            core.corr2d_multi_in_out(X, K, padding_mode=mode, groups=groups, **kw_args)
        return
    Y = core.corr2d_multi_in_out(X, K, padding_mode=mode, groups=groups, **kw_args)
    torch.testing.assert_close(Y, ref, rtol=1e-4, atol=1e-4)


@given(st.integers(1, 5), geometry())
def test_multi_in_is_the_sum_of_per_channel_corr2d(ci, geo):
    H, W, (kh, kw), kw_args = geo
    X, K = torch.randn(ci, H, W), torch.randn(ci, kh, kw)
    try:
        Y = core.corr2d_multi_in(X, K, **kw_args)
    except ValueError:
        return
    total = sum(core.corr2d(X[c], K[c], **kw_args) for c in range(ci))
    torch.testing.assert_close(Y, total, rtol=1e-4, atol=1e-4)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 8), st.integers(1, 8))
def test_one_by_one_is_a_matrix_product_equal_to_conv(ci, co, H, W):
    X, K = torch.rand(ci, H, W), torch.rand(co, ci, 1, 1)
    Y1 = core.corr2d_multi_in_out_1x1(X, K)
    torch.testing.assert_close(Y1, reference(X, K, padding=0, stride=1, dilation=1))
    assert (Y1 - core.corr2d_multi_in_out(X, K)).norm().item() < 1e-5


@given(geometry(), modes)
def test_sliding_windows_totals_are_the_output(geo, mode):
    H, W, (kh, kw), kw_args = geo
    X, K = torch.randint(-3, 4, (H, W)), torch.randint(-3, 4, (kh, kw))
    try:
        trace = core.sliding_windows(X, K, padding_mode=mode, **kw_args)
    except ValueError:
        return
    assert len(trace.windows) == trace.Y.numel()
    for w in trace.windows:
        assert w.total == pytest.approx(float(trace.Y[w.i, w.j]), abs=1e-4)
        assert sum(w.products) == pytest.approx(w.total, abs=1e-4)
