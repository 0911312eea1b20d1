"""core.channels: the seed's channel results, the page's tensors, the 1×1 check and layer costs."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import core
from core import channels as ch

SEED_OUTPUTS = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]


def test_the_seed_examples_give_the_seed_results():
    assert ch.example("K_out").shape == (3, 2, 2, 2)
    Y = core.corr2d_multi_in(ch.example("X"), ch.example("K"))
    assert Y.tolist() == SEED_OUTPUTS[0]
    assert core.corr2d_multi_in_out(ch.SEED_X, ch.SEED_K_OUT).tolist() == SEED_OUTPUTS


def test_example_returns_a_copy_and_names_the_choices():
    ch.example("X")[0, 0, 0] = 99
    assert ch.SEED_X[0, 0, 0] == 0
    with pytest.raises(ValueError, match="choose one of"):
        ch.example("Z")


def test_the_page_defaults_are_exactly_the_seed_tensors():
    T = ch.channel_tensors(ci=2, co=3, n=3, k=2)
    assert torch.equal(T.X, ch.SEED_X)
    assert torch.equal(T.K[0], ch.SEED_K)
    assert torch.equal(T.K, ch.SEED_K_OUT)
    assert T.K1.shape == (3, 2, 1, 1)


def test_the_notebook_pattern_adds_the_channel_and_output_index():
    T = ch.channel_tensors(ci=4, co=5, n=6, k=3)
    assert torch.equal(T.X[3] - T.X[0], torch.full((6, 6), 3.0))
    assert torch.equal(T.K[4, 2] - T.K[0, 0], torch.full((3, 3), 6.0))


def test_multi_in_keeps_one_term_per_channel_and_they_sum_to_the_result():
    mi = ch.multi_in(ch.SEED_X, ch.SEED_K)
    assert mi.Y.tolist() == SEED_OUTPUTS[0]
    assert mi.parts.tolist() == [[[19, 25], [37, 43]], [[37, 47], [67, 77]]]
    T = ch.channel_tensors(ci=5, co=1, n=7, k=3, values="uniform", seed=4)
    mi = ch.multi_in(T.X, T.K[0], padding=1, stride=2)
    assert mi.parts.shape == (5, 4, 4)
    torch.testing.assert_close(mi.parts.sum(0), mi.Y)


def test_random_values_repeat_with_the_seed_and_change_with_it():
    a = ch.channel_tensors(ci=3, co=2, n=4, k=2, values="integers", seed=7)
    b = ch.channel_tensors(ci=3, co=2, n=4, k=2, values="integers", seed=7)
    c = ch.channel_tensors(ci=3, co=2, n=4, k=2, values="integers", seed=8)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a.X, c.X)
    assert a.X.min() >= 0 and a.X.max() <= 9 and torch.equal(a.X, a.X.round())
    u = ch.channel_tensors(ci=3, co=2, n=4, k=2, values="uniform", seed=7)
    assert 0 <= u.X.min() and u.X.max() < 1


def test_k_channels_other_than_ci_give_the_libraries_mismatch_message():
    T = ch.channel_tensors(ci=2, co=3, n=3, k=2, k_channels=3)
    assert T.K.shape == (3, 3, 2, 2)
    with pytest.raises(ValueError, match="channel mismatch: X has 2 input channels but K has 3"):
        ch.multi_in(T.X, T.K[0])
    with pytest.raises(ValueError, match="channel mismatch"):
        ch.one_by_one(T.X, T.K1)


@pytest.mark.parametrize("kwargs, words", [
    ({"ci": 9}, "input channels ci must be a whole number from 1 to 8"),
    ({"co": 0}, "output channels co"),
    ({"n": 13}, "input size"),
    ({"k": 6}, "kernel size"),
    ({"k_channels": 9}, "channels of K"),
    ({"seed": -1}, "seed"),
    ({"values": "gaussian"}, "values must be one of"),
    ({"ci": True}, "input channels ci"),
])
def test_out_of_range_settings_are_refused_with_the_rule(kwargs, words):
    args = {"ci": 2, "co": 3, "n": 3, "k": 2} | kwargs
    with pytest.raises(ValueError, match=words):
        ch.channel_tensors(**args)


@given(ci=st.integers(1, 8), co=st.integers(1, 8), n=st.integers(1, 12),
       values=st.sampled_from(ch.VALUES), seed=st.integers(0, 10_000))
def test_the_1x1_convolution_is_a_matrix_product_for_any_sizes(ci, co, n, values, seed):
    T = ch.channel_tensors(ci=ci, co=co, n=n, k=1, values=values, seed=seed)
    ob = ch.one_by_one(T.X, T.K1)
    # within the notebook's 1e-6, or else within float32's round-off for these sizes (the
    # BLAS of some machines adds the ci products in another order than corr2d does)
    assert ob.passes and ob.norm <= ch.roundoff_bound(T.X, T.K1)
    assert ob.tolerance == ch.TOLERANCE or ob.norm >= ch.TOLERANCE
    assert ob.Xm.shape == (ci, n * n) and ob.Km.shape == (co, ci) and ob.Ym.shape == (co, n * n)
    torch.testing.assert_close(ob.Ym, ob.Km @ ob.Xm)
    torch.testing.assert_close(ob.Y1, ob.Ym.reshape(co, n, n))


def test_the_round_off_bound_is_far_below_a_real_mistake():
    # The largest inputs the page draws: a kernel one part in a thousand off still fails.
    T = ch.channel_tensors(ci=8, co=8, n=12, k=1, values="uniform", seed=1)
    bound = ch.roundoff_bound(T.X, T.K1)
    Y = core.corr2d_multi_in_out(T.X, T.K1)
    wrong = core.corr2d_multi_in_out(T.X, T.K1 * 1.001)
    assert ch.TOLERANCE < bound < float((wrong - Y).norm()) / 10


def test_the_1x1_check_reports_the_actual_norm():
    X, K = torch.rand(3, 3, 3), torch.rand(2, 3, 1, 1)
    ob = ch.one_by_one(X, K)
    assert ob.norm == pytest.approx(float((ob.Y1 - ob.Y2).norm()))


@given(ci=st.integers(1, 8), co_per=st.integers(1, 4), k=st.integers(1, 5),
       n=st.integers(5, 12), pad=st.integers(0, 2), stride=st.integers(1, 3), data=st.data())
def test_cost_matches_a_real_nn_conv2d(ci, co_per, k, n, pad, stride, data):
    groups = data.draw(st.sampled_from([g for g in range(1, ci + 1) if ci % g == 0]))
    co = groups * co_per
    c = ch.conv_cost(ci, co, k, input_size=n, padding=pad, stride=stride, groups=groups)
    layer = eval(c.line, {"nn": nn})  # the line the page shows builds this very layer
    assert sum(p.numel() for p in layer.parameters()) == c.params
    assert layer.weight.numel() == c.weights
    Y = layer(torch.zeros(1, ci, n, n))
    assert tuple(Y.shape[2:]) == c.output_size
    # one multiply-accumulate per weight per output pixel
    assert c.macs == layer.weight.numel() * Y.shape[2] * Y.shape[3]


def test_seed_layer_costs_27_parameters_and_96_macs():
    c = ch.conv_cost(2, 3, 2, input_size=3)
    assert (c.weights, c.biases, c.params, c.macs, c.output_size) == (24, 3, 27, 96, (2, 2))
    assert c.line == ("nn.Conv2d(in_channels=2, out_channels=3, kernel_size=2, padding=0, "
                      "stride=1, groups=1)")


def test_depthwise_divides_weights_and_macs_by_ci():
    std = ch.conv_cost(4, 8, 3, input_size=8, padding=1)
    dw = ch.conv_cost(4, 8, 3, input_size=8, padding=1, groups=4)
    assert dw.weights * 4 == std.weights and dw.macs * 4 == std.macs


def test_groups_that_do_not_divide_explain_themselves():
    with pytest.raises(ValueError, match="groups=3 must divide both the input channels \\(2\\)"):
        ch.conv_cost(2, 3, 2, input_size=3, groups=3)
    with pytest.raises(ValueError, match="no output along the height"):
        ch.conv_cost(2, 3, 5, input_size=3)


def test_cost_comparison_names_what_is_impossible_and_why():
    rows = ch.cost_comparison(2, 3, 2, input_size=3)
    assert [r.name for r in rows] == [
        "standard (groups=1)", "depthwise (groups=ci=2)", "depthwise separable (depthwise + 1×1)"
    ]
    assert rows[1].layers == () and "co to be a multiple of ci: co=3, ci=2" in rows[1].why
    sep = rows[2]
    assert [c.groups for c in sep.layers] == [2, 1] and sep.layers[1].kernel_size == (1, 1)
    assert sep.params == (2 * 1 * 4 + 2) + (3 * 2 + 3)
    grouped = ch.cost_comparison(4, 8, 3, input_size=8, groups=2)
    assert [r.name for r in grouped][1] == "grouped (groups=2)"
    assert grouped[1].macs * 2 == grouped[0].macs
    bad = ch.cost_comparison(4, 8, 3, input_size=8, groups=3)
    assert bad[1].layers == () and "groups=3 must divide" in bad[1].why


def test_group_mask_is_block_diagonal_with_one_kernel_per_connection():
    M = ch.group_mask(6, 4, 2)
    assert M.shape == (4, 6)
    assert int((M >= 0).sum()) == 4 * 6 // 2
    assert M[0, :3].tolist() == [0, 0, 0] and M[0, 3:].tolist() == [-1, -1, -1]
    assert (ch.group_mask(3, 3, 1) == 0).all()
