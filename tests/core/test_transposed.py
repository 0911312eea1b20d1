"""Transposed convolution: the book's numbers, nn.ConvTranspose2d over random settings, and
three views (scatter, an ordinary convolution, the matrix Wᵀ) that give the same output."""

import pickle

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import core
from core.errors import OutputPaddingTooLarge, TooManyElements, TransNoOutput

X, K = core.TRANS_X, core.TRANS_K


def floats(rows):
    return torch.tensor(rows, dtype=torch.float32).tolist()


# -- the book's numbers -------------------------------------------------------------------


def test_the_books_transposed_convolution():
    assert core.trans_conv2d(X, K).tolist() == floats(core.TRANS_Y)
    assert core.TRANS_Y == ((0, 0, 1), (0, 4, 6), (4, 12, 9))


def test_padding_crops_the_books_output_to_one_cell():
    assert core.trans_conv2d(X, K, padding=1).tolist() == floats(core.TRANS_Y_PADDING_1)
    assert core.TRANS_Y_PADDING_1 == ((4,),)


def test_stride_2_spreads_the_stamps_apart():
    assert core.trans_conv2d(X, K, stride=2).tolist() == floats(core.TRANS_Y_STRIDE_2)
    assert core.TRANS_Y_STRIDE_2 == ((0, 0, 0, 1), (0, 0, 2, 3), (0, 2, 0, 3), (4, 6, 6, 9))


def test_the_book_numbers_are_what_torch_gives():
    Xt, Kt = torch.tensor(X).float()[None, None], torch.tensor(K).float()[None, None]
    for kwargs, Y in (({}, core.TRANS_Y), ({"padding": 1}, core.TRANS_Y_PADDING_1),
                      ({"stride": 2}, core.TRANS_Y_STRIDE_2)):
        assert F.conv_transpose2d(Xt, Kt, **kwargs)[0, 0].tolist() == floats(Y)


# -- nn.ConvTranspose2d over random settings ----------------------------------------------

pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def settings(draw):
    H, W = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return H, W, (kh, kw), {
        "padding": draw(st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 3),
                                                                st.integers(0, 3)))),
        "stride": draw(st.one_of(st.integers(1, 3), pairs)),
        "dilation": draw(st.one_of(st.integers(1, 3), pairs)),
        "output_padding": draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2),
                                                                       st.integers(0, 2)))),
    }


def reference(X, K, **kwargs):
    """nn.ConvTranspose2d with K (ci, co, kh, kw) as its weight on X (ci, H, W); None when
    torch refuses."""
    try:
        layer = torch.nn.ConvTranspose2d(K.shape[0], K.shape[1], tuple(K.shape[2:]),
                                         bias=False, **kwargs)
        with torch.no_grad():
            layer.weight.copy_(K)
            Y = layer(X[None])[0]
    except (RuntimeError, ValueError):
        return None
    return Y if Y.numel() else None


def small_ints(*shape, generator=None):
    return torch.randint(-3, 4, shape, generator=generator).float()  # exact sums


@given(settings(), st.randoms(use_true_random=False))
def test_trans_conv2d_matches_conv_transpose2d_or_both_refuse(s, rnd):
    H, W, k, kwargs = s
    g = torch.Generator().manual_seed(rnd.randint(0, 2**31))
    Xr, Kr = small_ints(H, W, generator=g), small_ints(*k, generator=g)
    ref = reference(Xr[None], Kr[None, None], **kwargs)
    if ref is None:
        with pytest.raises(ValueError):
            core.trans_conv2d(Xr, Kr, **kwargs)
        with pytest.raises(ValueError):
            core.trans_conv_output_shape((H, W), k, **kwargs)
        return
    Y = core.trans_conv2d(Xr, Kr, **kwargs)
    assert torch.equal(Y, ref[0])
    assert core.trans_conv_output_shape((H, W), k, **kwargs) == tuple(Y.shape)


@given(st.integers(1, 3), st.integers(1, 3), settings())
def test_multi_channel_form_matches_nn_conv_transpose2d(ci, co, s):
    H, W, k, kwargs = s
    Xr, Kr = torch.randn(ci, H, W), torch.randn(ci, co, *k)
    ref = reference(Xr, Kr, **kwargs)
    if ref is None:
        with pytest.raises(ValueError):
            core.trans_conv2d_multi(Xr, Kr, **kwargs)
        return
    Y = core.trans_conv2d_multi(Xr, Kr, **kwargs)
    torch.testing.assert_close(Y, ref, rtol=1e-5, atol=1e-5)
    # Y[o] = Σ_c trans_conv2d(X[c], K[c, o])
    torch.testing.assert_close(Y[0], sum(core.trans_conv2d(Xr[c], Kr[c, 0], **kwargs)
                                         for c in range(ci)), rtol=1e-5, atol=1e-5)


@given(settings())
def test_the_three_views_equal_trans_conv2d(s):
    H, W, k, kwargs = s
    Xr, Kr = small_ints(H, W), small_ints(*k)
    try:
        Y = core.trans_conv2d(Xr, Kr, **kwargs)
    except ValueError:
        return
    sc = core.scatter(Xr, Kr, **kwargs)
    assert len(sc.stamps) == H * W and torch.equal(sc.stamps[-1].total, Y)
    assert torch.equal(sc.Y, Y)
    view = core.as_conv(Xr, Kr, **kwargs)
    assert torch.equal(view.Y, Y)
    assert torch.equal(core.trans_conv2d_by_matrix(Xr, Kr, **kwargs), Y)
    M = core.trans_conv_matrix((H, W), Kr, **kwargs)
    assert M.shape == (Y.numel(), H * W)
    assert torch.equal((M @ Xr.reshape(-1)).reshape(Y.shape), Y)


@given(settings())
def test_the_shape_rule_inverts_the_convolutions(s):
    # A convolution with the same kernel and geometry maps the output's shape back to X's
    # (output_padding below the stride picks among the sizes that do).
    H, W, k, kwargs = s
    try:
        out = core.trans_conv_output_shape((H, W), k, **kwargs)
    except ValueError:
        return
    op, st_ = kwargs["output_padding"], kwargs["stride"]
    op = op if isinstance(op, tuple) else (op, op)
    st_ = st_ if isinstance(st_, tuple) else (st_, st_)
    if all(o < s_ for o, s_ in zip(op, st_)):
        conv = {key: kwargs[key] for key in ("padding", "stride", "dilation")}
        assert core.conv_output_shape(out, k, **conv) == (H, W)


# -- the views' details -------------------------------------------------------------------


def test_each_stamp_is_k_scaled_by_its_input_and_the_sums_run():
    sc = core.scatter(X, K)
    assert [(st.i, st.j, st.value) for st in sc.stamps] == [(0, 0, 0), (0, 1, 1), (1, 0, 2),
                                                            (1, 1, 3)]
    assert sc.stamps[2].stamp.tolist() == [[0, 2], [4, 6]]
    assert (sc.stamps[2].rows, sc.stamps[2].cols) == ((1, 2), (0, 1))
    assert sc.stamps[1].total.tolist() == [[0, 0, 1], [0, 2, 3], [0, 0, 0]]
    assert sc.stamps[3].total.tolist() == floats(core.TRANS_Y)


def test_with_padding_the_stamps_reach_past_the_cropped_output():
    sc = core.scatter(X, K, padding=1)
    assert [st.rows for st in sc.stamps] == [(-1, 0), (-1, 0), (0, 1), (0, 1)]
    assert [st.total.tolist() for st in sc.stamps] == [[[0]], [[2]], [[4]], [[4]]]


def test_as_a_convolution_zeros_go_between_and_a_border_around():
    v = core.as_conv(X, K, stride=2)
    assert v.X_spread.tolist() == [[0, 0, 1], [0, 0, 0], [2, 0, 3]]
    assert v.border == ((1, 1), (1, 1))  # k − 1 − p = 1
    assert v.X_padded.shape == (5, 5) and v.K_flipped.tolist() == [[3, 2], [1, 0]]
    assert v.Y.tolist() == floats(core.TRANS_Y_STRIDE_2)


def test_padding_beyond_the_kernel_crops_the_spread_input():
    v = core.as_conv([[1, 2, 3]] * 3, [[1]], padding=1)
    assert v.border == ((-1, -1), (-1, -1)) and v.X_padded.tolist() == [[2]]


def test_output_padding_adds_to_the_bottom_right_border():
    v = core.as_conv(X, K, stride=2, output_padding=1)
    assert v.border == ((1, 2), (1, 2)) and v.Y.shape == (5, 5)


def test_the_books_matrix_demonstration():
    # W: the 2×2 kernel's convolution of a 3×3 input; the transposed convolution is Wᵀ.
    W = core.conv_matrix((3, 3), K)
    assert W.shape == (4, 9)
    assert torch.equal(core.trans_conv_matrix((2, 2), K), W.T)
    Y = (W.T @ torch.tensor(X).float().reshape(-1)).reshape(3, 3)
    assert Y.tolist() == floats(core.TRANS_Y)


# -- what is refused ----------------------------------------------------------------------


def test_output_padding_must_be_below_stride_or_dilation():
    with pytest.raises(OutputPaddingTooLarge) as e:
        core.trans_conv2d(X, K, stride=2, output_padding=(0, 2))
    assert (e.value.axis, e.value.output_padding, e.value.stride, e.value.limit) == (
        "width", 2, 2, 1)
    assert "smaller than the stride or the dilation" in str(e.value)
    assert core.trans_conv2d(X, K, dilation=3, output_padding=2).shape == (7, 7)  # d allows
    with pytest.raises(RuntimeError, match="output padding must be smaller"):
        F.conv_transpose2d(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 2), stride=2,
                           output_padding=2)


def test_padding_that_crops_everything_is_a_typed_error_with_the_number():
    with pytest.raises(TransNoOutput) as e:
        core.trans_conv2d(X, K, padding=2)
    assert e.value.out == -1 and e.value.axis == "height"
    assert str(e.value) == (
        "no output along the height: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
        "(2 − 1)·1 − 2·2 + 1·(2 − 1) + 0 + 1 = -1; use less padding")
    assert pickle.loads(pickle.dumps(e.value)).out == -1


def test_sizes_are_capped_before_computing():
    with pytest.raises(TooManyElements):
        core.trans_conv2d(torch.ones(64, 64), torch.ones(2, 2), stride=1000)
    with pytest.raises(TooManyElements):
        core.scatter(torch.ones(32, 32), torch.ones(3, 3))  # 1024 stamps of 34×34
    with pytest.raises(TooManyElements):
        core.trans_conv_matrix((48, 48), torch.ones(3, 3))
    with pytest.raises(ValueError, match="input channels"):
        core.trans_conv2d_multi(torch.ones(2, 2, 2), torch.ones(3, 1, 2, 2))


# -- the page's text: the shape rule with its numbers, and the layer's code ---------------


@given(n=st.integers(1, 5), k=st.integers(1, 4), p=st.integers(0, 3), s=st.integers(1, 4),
       d=st.integers(1, 3), op=st.integers(0, 3))
def test_the_layer_code_runs_in_torch_and_gives_trans_conv2d_and_the_stated_shape(
        n, k, p, s, d, op):
    from torch import nn  # noqa: F401 (the code text names nn)

    from core.transposed import layer_code, output_shape_text, trans_geometry
    try:
        g = trans_geometry((n, n + 1), (k, k), padding=p, stride=s, dilation=d,
                           output_padding=op)
    except (OutputPaddingTooLarge, TransNoOutput):
        return
    layer = eval(layer_code((k, k), g))
    Xr = torch.randn(n, n + 1)
    Kr = torch.randn(k, k)
    with torch.no_grad():
        layer.weight.copy_(Kr[None, None])
        Y = layer(Xr[None, None])[0, 0]
    assert torch.allclose(Y, core.trans_conv2d(Xr, Kr, padding=p, stride=s, dilation=d,
                                               output_padding=op), atol=1e-5)
    h, w = output_shape_text((n, n + 1), (k, k), g)
    assert h.startswith(f"H_out = ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = ")
    assert h.endswith(f"= {Y.shape[0]}") and w.endswith(f"= {Y.shape[1]}")


# -- predict, then reveal: each cell's stamps and the named slips ---------------------------------

@given(settings())
def test_each_cells_stamps_add_up_to_torchs_value(s):
    H, W, k, kwargs = s
    Xr, Kr = small_ints(H, W), small_ints(*k)
    ref = reference(Xr[None], Kr[None, None], **kwargs)
    if ref is None:
        return
    sc = core.scatter(Xr, Kr, **kwargs)
    d = sc.geometry.dilation
    for r in range(ref.shape[1]):
        for c in range(ref.shape[2]):
            terms = core.transposed.cell_terms(sc, r, c)
            assert sum(t.x * t.k for t in terms) == float(ref[0, r, c])
            for t in terms:  # each term is a real tap of a real stamp
                assert (t.x, t.k) == (float(Xr[t.i, t.j]), float(Kr[t.a, t.b]))
                assert sc.stamps[t.i * W + t.j].rows[0] + t.a * d[0] == r


@given(settings())
def test_the_quizs_cells_and_slips_are_what_torch_gives_for_each_slip(s):
    from core.practice import trans_cell_tasks

    H, W, k, kwargs = s
    Xr, Kr = small_ints(H, W), small_ints(*k)
    ref = reference(Xr[None], Kr[None, None], **kwargs)
    if ref is None:
        return
    g = core.scatter(Xr, Kr, **kwargs).geometry
    tasks = trans_cell_tasks(Xr, Kr, **kwargs)
    assert [t.value for t in tasks] == ref.reshape(-1).tolist()
    # K not turned: torch's cross-correlation of the spread, bordered input with K as given
    v = core.as_conv(Xr, Kr, **kwargs)
    unturned = F.conv2d(v.X_padded[None, None], Kr[None, None], dilation=g.dilation)[0, 0]
    # the stride ignored: torch with stride 1; the crop forgotten: torch with padding 0
    one = reference(Xr[None], Kr[None, None], **{**kwargs, "stride": 1, "output_padding": 0})
    whole = reference(Xr[None], Kr[None, None], **{**kwargs, "padding": 0})
    Wo = ref.shape[2]
    for n, t in enumerate(tasks):
        i, j = divmod(n, Wo)
        slips = dict(t.slips)
        assert slips["trans_unflipped_kernel"] == float(unturned[i, j])
        if g.stride == (1, 1) or one is None or i >= one.shape[1] or j >= one.shape[2]:
            assert "trans_ignored_stride" not in slips
        else:
            assert slips["trans_ignored_stride"] == float(one[0, i, j])
        if g.padding == (0, 0):
            assert "trans_forgot_crop" not in slips
        else:
            assert slips["trans_forgot_crop"] == float(whole[0, i, j])
        assert t.check(str(t.value)).right
        for _slip, value in t.slips:  # a slip's value is named (unless it is right, or an
            verdict = t.check(str(value))  # earlier slip gives the same value)
            if value != t.value:
                assert not verdict.right and verdict.mistake is not None
