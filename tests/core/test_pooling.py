"""Pooling: the book's numbers, PyTorch's rules over random settings, the windows the page
animates, and the book's questions (average as a convolution, min from max, max from ReLU)."""

import math
import pickle

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import core
from core.errors import CoreError, NoOutput, PoolPaddingTooLarge, TooManyElements, UnknownName


def grid(rows):
    return [[float(v) for v in row] for row in rows]


# -- the book's numbers -------------------------------------------------------------------


def test_the_books_2x2_window_with_stride_1():
    X = core.POOL_X
    assert core.pool2d(X, (2, 2), stride=1).tolist() == [[4, 5], [7, 8]]
    assert core.pool2d(X, (2, 2), "avg", stride=1).tolist() == [[2, 3], [5, 6]]


def test_maxpool2d_3_strides_by_its_window_by_default():
    # PyTorch's stride defaults to the window: the book's trap (a 4×4 input gives one cell).
    assert core.pool2d(core.POOL_X16, 3).tolist() == [[10]]
    assert core.pool_stride(None, 3) == (3, 3)
    assert core.pool2d(core.POOL_X16, 3, stride=1).shape == (2, 2)


def test_the_books_padding_and_stride_cells():
    X = core.POOL_X16
    assert core.pool2d(X, 3, padding=1, stride=2).tolist() == [[5, 7], [13, 15]]
    assert core.pool2d(X, (2, 3), stride=(2, 3), padding=(0, 1)).tolist() == [[5, 7], [13, 15]]


def test_two_channels_stay_apart():
    Y = core.pool2d_multi(core.POOL_X16_2, 3, padding=1, stride=2)
    assert Y.tolist() == [[[5, 7], [13, 15]], [[6, 8], [14, 16]]]  # no sum over channels


@pytest.mark.parametrize("name", list(core.POOL_EXAMPLES))
def test_every_example_gives_the_books_output(name):
    ex = core.POOL_EXAMPLES[name]
    pool = core.pool2d_multi if isinstance(ex.X[0][0], tuple) else core.pool2d
    Y = pool(ex.X, ex.pool_size, **ex.settings())
    assert Y.tolist() == torch.tensor(ex.Y, dtype=torch.float32).tolist()


def test_the_examples_code_is_what_torch_runs():
    for ex in core.POOL_EXAMPLES.values():
        if not ex.code.startswith("nn."):
            continue
        layer = eval(ex.code, {"nn": torch.nn})  # our own constant, not user input
        X = torch.tensor(ex.X, dtype=torch.float32)
        out = layer(X if X.dim() == 3 else X[None])
        assert out.reshape(torch.tensor(ex.Y).shape).tolist() == torch.tensor(
            ex.Y, dtype=torch.float32).tolist()


# -- PyTorch's rules over random settings -------------------------------------------------

sizes = st.integers(1, 8)
kernel = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)))
padding = st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)))
stride = st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3),
                                                            st.integers(1, 3)))


@st.composite
def pool_settings(draw):
    H, W = draw(sizes), draw(sizes)
    return H, W, draw(kernel), {
        "mode": draw(st.sampled_from(core.POOL_MODES)), "padding": draw(padding),
        "stride": draw(stride), "ceil_mode": draw(st.booleans()),
        "count_include_pad": draw(st.booleans()),
    }


def torch_pool(X, k, *, mode, padding, stride, ceil_mode, count_include_pad):
    """F.max_pool2d / F.avg_pool2d on X (C, H, W), or None when torch refuses."""
    try:
        if mode == "max":
            Y = F.max_pool2d(X, k, stride=stride, padding=padding, ceil_mode=ceil_mode)
        else:
            Y = F.avg_pool2d(X, k, stride=stride, padding=padding, ceil_mode=ceil_mode,
                             count_include_pad=count_include_pad)
    except (RuntimeError, ValueError):
        return None
    return Y if Y.numel() else None


@given(pool_settings(), st.randoms(use_true_random=False))
def test_pool2d_matches_torch_or_both_refuse(settings, rnd):
    H, W, k, kwargs = settings
    g = torch.Generator().manual_seed(rnd.randint(0, 2**31))
    X = torch.randint(-3, 4, (H, W), generator=g).float()  # small ints: ties happen
    ref = torch_pool(X[None], k, **kwargs)
    if ref is None:
        with pytest.raises(ValueError):
            core.pool2d(X, k, **kwargs)
        with pytest.raises(ValueError):
            core.pool_output_shape((H, W), k, padding=kwargs["padding"],
                                   stride=kwargs["stride"], ceil_mode=kwargs["ceil_mode"])
        return
    Y = core.pool2d(X, k, **kwargs)
    torch.testing.assert_close(Y, ref[0])
    assert core.pool_output_shape((H, W), k, padding=kwargs["padding"],
                                  stride=kwargs["stride"],
                                  ceil_mode=kwargs["ceil_mode"]) == tuple(ref.shape[1:])


@given(pool_settings(), st.randoms(use_true_random=False))
def test_each_window_rebuilt_by_hand_is_the_torch_value(settings, rnd):
    H, W, k, kwargs = settings
    if torch_pool(torch.zeros(1, H, W), k, **kwargs) is None:
        return
    g = torch.Generator().manual_seed(rnd.randint(0, 2**31))
    X = torch.randint(-3, 4, (H, W), generator=g).float()
    trace = core.pool_windows(X, k, **kwargs)
    assert len(trace.windows) == trace.Y.numel()
    for w in trace.windows:
        assert w.value == trace.Y[w.i, w.j].item()
        if kwargs["mode"] == "max":
            assert w.argmax and all(w.values[t] == w.value for t in w.argmax)
            assert all(v <= w.value for v, kind in zip(w.values, w.kinds) if kind != "outside")
        else:
            assert w.count >= 1 and math.isclose(w.total / w.count, w.value, abs_tol=1e-5)


@given(st.integers(1, 3), pool_settings())
def test_multi_channel_pooling_is_pool2d_per_channel(C, settings):
    H, W, k, kwargs = settings
    if torch_pool(torch.zeros(1, H, W), k, **kwargs) is None:
        return
    X = torch.randn(C, H, W)
    Y = core.pool2d_multi(X, k, **kwargs)
    assert Y.shape[0] == C
    for c in range(C):
        torch.testing.assert_close(Y[c], core.pool2d(X[c], k, **kwargs))


def test_ceil_mode_drops_a_last_window_that_would_start_on_the_right_padding():
    # n=5, k=2, s=2, p=1: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but window 3 would start at padded cell 6,
    # past the input and the left padding: PyTorch keeps 3.
    assert core.pool_output_shape((5, 5), 2, padding=1, stride=2, ceil_mode=True) == (3, 3)
    assert F.max_pool2d(torch.zeros(1, 5, 5), 2, 2, 1, ceil_mode=True).shape == (1, 3, 3)


def test_ceil_mode_can_give_an_output_where_floor_mode_has_none():
    X = [[0, 1], [2, 3]]
    with pytest.raises(NoOutput):
        core.pool2d(X, 3, stride=2)
    assert core.pool2d(X, 3, stride=2, ceil_mode=True).tolist() == [[3]]
    assert core.pool2d(X, 3, "avg", stride=2, ceil_mode=True).tolist() == [[1.5]]


# -- the windows the page animates --------------------------------------------------------


def test_max_padding_is_minus_infinity_and_never_wins():
    w = core.pool_windows(core.POOL_X16, 3, padding=1, stride=2).windows[0]
    assert w.kinds.count("padding") == 5 and w.values[0] == -math.inf
    assert w.cells[4] == (0, 0) and w.cells[0] == (-1, -1)
    assert w.formula() == "max(−∞, −∞, −∞, −∞, 0, 1, −∞, 4, 5) = 5"
    assert [w.cells[t] for t in w.argmax] == [(1, 1)]


def test_max_ties_are_all_marked():
    w = core.pool_windows([[1, 1], [0, 1]], 2).windows[0]
    assert w.argmax == (0, 1, 3) and w.value == 1


def test_average_writes_sum_over_count_with_and_without_padding():
    kw = {"mode": "avg", "padding": 1, "stride": 2}
    with_pad = core.pool_windows(core.POOL_X16, 3, **kw).windows[0]
    assert (with_pad.total, with_pad.count) == (10, 9)
    assert with_pad.formula() == "(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.11"
    without = core.pool_windows(core.POOL_X16, 3, count_include_pad=False, **kw).windows[0]
    assert (without.total, without.count) == (10, 4)
    assert without.formula() == "(0 + 1 + 4 + 5) / 4 = 2.5"


def test_ceil_modes_extra_window_marks_cells_past_the_padding_and_leaves_them_out():
    trace = core.pool_windows(core.POOL_X16, 3, "avg", stride=2, ceil_mode=True)
    assert trace.Y.shape == (2, 2)  # floor mode: 1×1
    last = trace.windows[-1]
    assert last.kinds.count("outside") == 5 and last.count == 4
    assert last.formula() == "(10 + 11 + 14 + 15) / 4 = 12.5"
    assert last.value == F.avg_pool2d(torch.tensor(core.POOL_X16).float()[None], 3, 2,
                                      ceil_mode=True)[0, 1, 1].item()


def test_the_trace_keeps_its_settings():
    t = core.pool_windows(core.POOL_X16, (2, 3), stride=(2, 3), padding=(0, 1))
    assert (t.mode, t.pool_size, t.stride, t.padding) == ("max", (2, 3), (2, 3), (0, 1))
    assert t.X.tolist() == grid(core.POOL_X16) and t.Y.tolist() == [[5, 7], [13, 15]]


# -- the book's questions -----------------------------------------------------------------


@given(st.integers(1, 8), st.integers(1, 8), kernel, padding, stride)
def test_average_pooling_is_a_convolution_with_a_constant_kernel(H, W, k, p, s):
    X = torch.randn(H, W)
    try:
        want = core.pool2d(X, k, "avg", padding=p, stride=s, count_include_pad=True)
    except ValueError:
        return
    torch.testing.assert_close(core.avg_pool_as_conv(X, k, padding=p, stride=s), want)


def test_the_constant_kernel_is_one_over_the_window():
    K = core.mean_kernel((2, 3))
    assert K.shape == (2, 3) and torch.equal(K, torch.full((2, 3), 1 / 6))
    assert core.mean_kernel(2).sum().item() == 1


@given(st.integers(1, 8), st.integers(1, 8), kernel, padding, stride, st.booleans())
def test_min_pooling_is_minus_max_pooling_of_minus_x(H, W, k, p, s, ceil_mode):
    X = torch.randn(1, H, W)
    ref = torch_pool(-X, k, mode="max", padding=p, stride=s, ceil_mode=ceil_mode,
                     count_include_pad=True)
    if ref is None:
        return
    Y = core.min_pool2d(X[0], k, padding=p, stride=s, ceil_mode=ceil_mode)
    torch.testing.assert_close(Y, -ref[0])
    trace = core.pool_windows(X[0], k, padding=p, stride=s, ceil_mode=ceil_mode)
    assert all(Y[w.i, w.j] <= w.value for w in trace.windows)


@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_max_of_two_numbers_from_one_relu(a, b):
    assert math.isclose(core.relu_max(a, b).item(), max(a, b), rel_tol=1e-6, abs_tol=1e-3)


@given(st.integers(1, 8), st.integers(1, 8), kernel, stride)
def test_max_pooling_from_convolutions_and_relus(H, W, k, s):
    X = torch.randint(-5, 6, (H, W)).float()
    try:
        want = core.pool2d(X, k, stride=s)
    except ValueError:
        return
    assert torch.equal(core.max_pool_by_relu(X, k, stride=s), want)


# -- what is refused ----------------------------------------------------------------------


def test_padding_above_half_the_window_is_pytorchs_typed_error():
    with pytest.raises(PoolPaddingTooLarge) as e:
        core.pool2d(core.POOL_X16, (3, 2), padding=(1, 2))
    assert (e.value.axis, e.value.padding, e.value.k, e.value.limit) == ("width", 2, 2, 1)
    assert str(e.value) == ("a pool's padding must be at most half its kernel (PyTorch's rule): "
                            "padding 2 > 2 // 2 along the width; use at most 1")
    assert isinstance(e.value, CoreError) and isinstance(pickle.loads(pickle.dumps(e.value)),
                                                         PoolPaddingTooLarge)
    with pytest.raises(RuntimeError):  # what torch itself says
        F.max_pool2d(torch.zeros(1, 4, 4), (3, 2), padding=(1, 2))


def test_the_planner_refuses_pool_padding_with_the_same_error():
    from core.plan import plan_text

    p = plan_text((1, 8, 8), "pool:max,3,1,2")
    assert "at most half its kernel" in str(p.error)
    assert "padding 2 > 3 // 2 along the height; use at most 1" in str(p.error)


def test_an_unknown_mode_and_bad_settings_are_refused():
    with pytest.raises(UnknownName, match="'min'"):
        core.pool2d(core.POOL_X, 2, "min")
    with pytest.raises(ValueError, match="stride must be at least 1"):
        core.pool2d(core.POOL_X, 2, stride=0)
    with pytest.raises(ValueError, match="must have 3 dimensions"):
        core.pool2d_multi(core.POOL_X, 2)
    with pytest.raises(NoOutput, match="no output along the height"):
        core.pool2d(core.POOL_X, 4)


def test_a_record_too_large_to_animate_is_refused_before_it_is_made():
    with pytest.raises(TooManyElements) as e:
        core.pool_windows(torch.zeros(1024, 1024), 3, stride=1)
    assert e.value.elements == 1022 * 1022 * 9 and e.value.maximum == 2**20


def test_the_shape_rule_written_out_gives_the_pools_output_length():
    """pool_axis_formula's last number is pool_output_shape's, floor and ceil, over every small
    setting PyTorch accepts; a ceil window taken back is written as "− 1"."""
    for n in range(1, 8):
        for k in range(1, 5):
            for p in range(k // 2 + 1):
                for s in range(1, 4):
                    for ceil_mode in (False, True):
                        try:
                            want = core.pool_output_shape((n, n), k, padding=p, stride=s,
                                                     ceil_mode=ceil_mode)[0]
                        except ValueError:
                            continue
                        f = core.pool_axis_formula("H", n, k, p, s, ceil_mode=ceil_mode)
                        assert f.out == want and f.text.endswith(f"= {want}"), f.text
                        assert f.text.startswith("H_out = " + ("⌈" if ceil_mode else "⌊"))
                        assert f.dropped == f.text.endswith(f" − 1 = {want}")
    # 5 cells, window 2, padding 1, stride 2: ⌈5/2⌉ + 1 = 4 windows, but the 4th would start
    # on the right padding.
    f = core.pool_axis_formula("W", 5, 2, 1, 2, ceil_mode=True)
    assert f.dropped and f.out == 3 and f.text.endswith("= 3 + 1 = 4 − 1 = 3")
