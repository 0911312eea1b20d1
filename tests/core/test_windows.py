"""Facts about the sliding-window trace and the numbers the sliding-window page prints."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import core
from core import windows
from core.windows import AxisShape, Field, describe_field, loop_check, sliding_windows

SEED_K = [[0, 1], [2, 3]]


def test_the_seed_windows_write_out_d2ls_arithmetic():
    trace = sliding_windows(windows.D2L_X, SEED_K)
    assert [w.formula() for w in trace.windows] == [
        "0×0 + 1×1 + 3×2 + 4×3 = 19",
        "1×0 + 2×1 + 4×2 + 5×3 = 25",
        "3×0 + 4×1 + 6×2 + 7×3 = 37",
        "4×0 + 5×1 + 7×2 + 8×3 = 43",
    ]
    assert trace.Y.tolist() == [[19, 25], [37, 43]]


def test_formula_wraps_per_kernel_row_and_brackets_negative_weights():
    w = sliding_windows([[1, 2, 3]], [[1, -1.5, 0.25]]).windows[0]
    assert w.formula() == "1×1 + 2×(−1.5) + 3×0.25 = −1.25"
    assert w.formula(per_row=1) == "1×1 +\n2×(−1.5) +\n3×0.25 = −1.25"


def test_flipping_gives_true_convolution_and_remembers_the_given_kernel():
    trace = sliding_windows(windows.D2L_X, SEED_K, flip=True)
    assert trace.Y.tolist() == [[5, 11], [23, 29]]
    assert trace.K.tolist() == [[3, 2], [1, 0]]
    assert trace.K_given.tolist() == SEED_K
    assert trace.flipped


def test_the_trace_keeps_its_geometry_and_the_original_input():
    X = torch.arange(20.0).reshape(4, 5)
    trace = sliding_windows(X, torch.ones(2, 2), padding=(1, 2), stride=(2, 1), dilation=(1, 2),
                            padding_mode="replicate")
    assert trace.padding == ((1, 1), (2, 2))
    assert (trace.stride, trace.dilation, trace.padding_mode) == ((2, 1), (1, 2), "replicate")
    assert torch.equal(trace.X, X)


def test_a_stride_that_does_not_divide_leaves_the_last_row_and_column_unread():
    trace = sliding_windows(torch.zeros(5, 5), torch.ones(2, 2), stride=2)
    assert trace.unreached() == ([4], [4])
    assert windows.describe_unreached(*trace.unreached()) == (
        "Never read by any window: row 4 and column 4 of X."
    )
    assert windows.describe_unreached([], []) == ""
    h, w = windows.output_shape_steps(trace)
    assert (h.out, h.left_over) == (2, 1)
    assert h.left_over_text().endswith("the last padded row is never covered by a window.")
    assert AxisShape("W", 8, 0, 0, 2, 1, 4).left_over_text().endswith(
        "the last 2 padded columns are never covered by a window.")
    assert AxisShape("W", 7, 0, 0, 1, 1, 2).left_over_text() == ""
    assert h.formula() == "H_out = ⌊(5 + 0 + 0 − 1·(2 − 1) − 1) / 2⌋ + 1 = ⌊3 / 2⌋ + 1 = 2"


@given(n=st.integers(1, 20), k=st.integers(1, 7), p=st.integers(0, 6), s=st.integers(1, 6),
       d=st.integers(1, 4))
def test_axis_shape_agrees_with_the_core_output_size(n, k, p, s, d):
    try:
        expected = core.conv_output_size(n, k, padding=p, stride=s, dilation=d)
    except ValueError:
        return
    shape = AxisShape("H", n, p, p, k, d, s)
    assert shape.out == expected
    # The last window ends exactly left_over cells before the padded input does.
    assert (shape.out - 1) * s + shape.reach + shape.left_over == n + 2 * p


def test_receptive_field_of_a_corner_window_reaches_into_the_padding():
    trace = sliding_windows(windows.D2L_X, torch.ones(3, 3), padding=1)
    field = windows.receptive_field(trace, 0)
    assert field == Field((-1, 1), (-1, 1), 4, 5)
    assert field.span == (3, 3)
    assert windows.symbolic(trace, 0).startswith("pad[-1,-1]·K[0,0] + pad[-1,0]·K[0,1]")
    assert "X[0,0]·K[1,1]" in windows.symbolic(trace, 0)


def test_receptive_field_of_a_dilated_window_spans_its_gaps():
    trace = sliding_windows(torch.zeros(5, 5), torch.ones(2, 2), dilation=2)
    assert windows.receptive_field(trace, 0) == Field((0, 2), (0, 2), 4, 0)


def test_describe_field_in_words():
    assert describe_field(Field((0, 1), (1, 2), 4, 0)) == (
        "rows 0 to 1 and columns 1 to 2 of X (2×2 cells); 4 taps read X."
    )
    assert describe_field(Field((-1, -1), (-2, -1), 0, 2)).startswith("row −1 and columns −2")


def test_random_grid_is_reproducible_integers_0_to_9():
    a, b = windows.random_grid(16, 16, seed=7), windows.random_grid(16, 16, seed=7)
    assert torch.equal(a, b)
    assert not torch.equal(a, windows.random_grid(16, 16, seed=8))
    assert a.min() >= 0 and a.max() <= 9 and torch.equal(a, a.round())
    with pytest.raises(ValueError, match="rows must be between 1 and 64"):
        windows.random_grid(0, 3, seed=0)


def test_dilate_kernel_puts_zeros_between_the_taps():
    holed = windows.dilate_kernel(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 3))
    assert holed.tolist() == [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 4]]


def test_torch_one_liner_writes_only_what_differs_from_the_defaults():
    plain = sliding_windows(windows.D2L_X, SEED_K)
    assert windows.torch_one_liner(plain) == "F.conv2d(X[None, None], K[None, None])[0, 0]"
    reflect = sliding_windows(windows.D2L_X, SEED_K, padding=(1, 2), padding_mode="reflect",
                              stride=(1, 2), flip=True)
    assert windows.torch_one_liner(reflect) == (
        "F.conv2d(F.pad(X[None, None], (2, 2, 1, 1), mode='reflect'), K.flip(0, 1)[None, None], "
        "stride=(1, 2))[0, 0]"
    )


geometry = st.fixed_dictionaries({
    "H": st.integers(1, 9), "W": st.integers(1, 9), "kh": st.integers(1, 4),
    "kw": st.integers(1, 4), "padding": st.tuples(st.integers(0, 3), st.integers(0, 3)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "dilation": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding_mode": st.sampled_from(core.PADDING_MODES), "flip": st.booleans(),
})


@given(geometry)
def test_loop_and_torch_one_liner_agree_with_the_trace(g):
    X = torch.randint(-5, 6, (g.pop("H"), g.pop("W")))
    K = torch.randint(-3, 4, (g.pop("kh"), g.pop("kw")))
    try:
        trace = sliding_windows(X, K, **g)
    except ValueError:
        return
    check = loop_check(trace)
    assert check.agree, (check.loop_code, check.torch_code, check.max_diff)
    torch.testing.assert_close(check.Y_torch, trace.Y)
    assert "def corr2d_loop" in check.loop_source


def test_loop_check_reports_a_disagreement(monkeypatch):
    monkeypatch.setattr(windows, "corr2d_loop", lambda X, K: torch.zeros(2, 2))
    check = loop_check(sliding_windows(windows.D2L_X, SEED_K))
    assert not check.agree
    assert check.max_diff == 43
