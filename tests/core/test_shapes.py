"""core.shapes: the seed's cells, and the calculator, planner and solver agree with PyTorch."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

import core.shapes as S
from core import conv_output_shape

small = st.integers(1, 5)
pairs = st.tuples(small, small)


# ------------------------------------------------------------------ the seed


@pytest.mark.parametrize("g, out", list(zip(S.SEED_CELLS, [(8, 8), (8, 8), (4, 4), (2, 2)])))
def test_the_seed_cells_give_the_notebook_shapes(g, out):
    assert conv_output_shape(g.input_size, g.kernel, padding=g.padding, stride=g.stride) == out
    assert S.torch_output_shape(g) == out
    assert g.label().endswith(f"→ {out[0]}×{out[1]}")
    assert tuple(f.out for f in S.formulas(g)) == out


def test_the_seed_third_cell_is_kernel_5x3_with_stride_2():
    g = S.SEED_CELLS[2]
    assert (g.kernel, g.padding, g.stride) == ((5, 3), (2, 1), (2, 2))
    assert g.code() == "nn.Conv2d(1, 1, kernel_size=(5, 3), padding=(2, 1), stride=2)"


def test_the_formula_shows_the_floor_rounding_down():
    fh, fw = S.formulas(S.SEED_CELLS[3])  # k (3, 5), p (0, 1), s (3, 4)
    assert fh.pytorch.endswith("⌊5 / 3⌋ + 1 = ⌊1.67⌋ + 1 = 1 + 1 = 2")
    assert fh.d2l.endswith("⌊8 / 3⌋ = ⌊2.67⌋ = 2")  # d2l's total padding: 0
    assert fw.d2l.startswith("⌊(8 − 5 + 2 + 4) / 4⌋")  # total padding 2 = 2 × per side 1


# ------------------------------------------------------------------ calculator


@given(n=st.tuples(st.integers(1, 24), st.integers(1, 24)), k=pairs,
       p=st.one_of(st.tuples(st.integers(0, 4), st.integers(0, 4)), st.just("same"),
                   st.just("valid")),
       s=st.tuples(st.integers(1, 4), st.integers(1, 4)), d=st.tuples(st.integers(1, 3),
                                                                      st.integers(1, 3)))
def test_calculator_agrees_with_pytorch(n, k, p, s, d):
    g = S.ConvGeometry(n, k, p, s, d)
    try:
        ours = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
    except ValueError:
        ours = None
    try:
        theirs = S.torch_output_shape(g)
    except ValueError:
        theirs = None
    assert ours == theirs
    if ours is not None:
        assert tuple(f.out for f in S.formulas(g)) == ours
        wm = S.window_map(g)
        assert len(wm.anchors) == ours[0] * ours[1]


def test_pytorch_check_is_skipped_for_big_inputs():
    g = S.ConvGeometry((4096, 4096), (3, 3), (1, 1))
    assert "cells" in S.torch_check_limit(g, (4096, 4096))
    assert S.torch_check_limit(S.SEED_CELLS[0], (8, 8)) is None


def test_window_map_marks_rows_the_stride_jumps_past():
    wm = S.window_map(S.SEED_CELLS[3])  # 8×8, k (3, 5), p (0, 1), s (3, 4)
    assert wm.unreached_rows == (6, 7) and wm.unreached_cols == ()
    assert wm.anchors == ((0, 0), (0, 4), (3, 0), (3, 4))
    assert wm.cells[6][1] == 2 and wm.cells[0][0] == 0 and wm.cells[0][1] == 1


def test_window_map_first_window_has_dilation_gaps():
    wm = S.window_map(S.ConvGeometry((9, 9), (2, 2), (0, 0), (1, 1), (3, 3)))
    assert wm.first == ((0, 0), (0, 3), (3, 0), (3, 3))


def test_window_map_refuses_big_pictures():
    with pytest.raises(ValueError, match="up to 40"):
        S.window_map(S.ConvGeometry((64, 64), (3, 3)))


# ------------------------------------------------------------------ text form


def test_compact_text_form_matches_the_issue():
    layers = S.parse_stack("conv:16,3,1,1;pool:max,2,2")
    assert layers[0] == S.Layer("conv", (3, 3), (1, 1), (1, 1), (1, 1), 16, 1)
    assert layers[1] == S.Layer("max", (2, 2), (2, 2), (0, 0), (1, 1))
    assert S.format_stack(layers) == "conv:16,3,1,1;pool:max,2,2"


def test_text_form_takes_pairs_same_and_defaults():
    (conv, pool) = S.parse_stack(" conv:8, 5x3, 2, 2x1, 1, 2 ; pool:AVG,3 ")
    assert (conv.kernel, conv.stride, conv.padding, conv.groups) == ((5, 3), (2, 2), (2, 1), 2)
    assert pool.stride == (3, 3)  # pools stride by their kernel, as in PyTorch
    assert S.parse_layer("conv:4,3,1,same").padding == "same"
    assert S.parse_layer("conv:,3").out_channels is None  # keeps the input's channels


layers_st = st.builds(
    lambda kind, k, s, p, d, out, g: S.Layer(
        kind, k, s, p if kind == "conv" or not isinstance(p, str) else (0, 0),
        d if kind != "avg" else (1, 1), out if kind == "conv" else None,
        g if kind == "conv" else 1),
    st.sampled_from(["conv", "max", "avg"]), pairs, pairs,
    st.one_of(st.tuples(st.integers(0, 3), st.integers(0, 3)), st.sampled_from(["same", "valid"])),
    st.tuples(st.integers(1, 3), st.integers(1, 3)), st.one_of(st.none(), small), st.integers(1, 3),
)


@given(st.lists(layers_st, max_size=6))
def test_text_form_round_trips(layers):
    text = S.format_stack(layers)
    again = S.parse_stack(text)
    # "valid" is written as such; (0, 0) and "valid" are the same padding
    assert [S.format_layer(x) for x in again] == text.split(";") if text else again == []
    assert S.rows_text(S.editor_rows(text)) == text


@pytest.mark.parametrize("text, where, rule", [
    ("conv:4,3;conv:x", 1, "out channels must be a whole number"),
    ("conv:4,3;pool:min,2", 1, 'starts with "conv:"'),
    ("pool:max,2,2,same", 0, "not \"same\""),
    ("conv:4,0", 0, "kernel must be at least 1"),
    ("conv:4,3,1,1,1,1,9", 0, "too many fields"),
    ("pool:avg,2,2,0,2", 0, "too many fields"),  # avg pool has no dilation
    (";".join(["conv:1,3,1,1"] * 17), 16, "at most 16 layers"),
])
def test_parse_errors_name_the_layer_and_the_rule(text, where, rule):
    with pytest.raises(S.LayerError, match=rule) as e:
        S.parse_stack(text)
    assert e.value.index == where
    p = S.plan_text((1, 8, 8), text)
    assert p.error is not None and p.error.index == where and len(p.rows) == where


# ------------------------------------------------------------------ planner


def torch_layer(layer: S.Layer, C: int) -> nn.Module:
    if layer.kind == "conv":
        return nn.Conv2d(C, layer.out_channels or C, layer.kernel, stride=layer.stride,
                         padding=layer.padding, dilation=layer.dilation, groups=layer.groups)
    if layer.kind == "max":
        return nn.MaxPool2d(layer.kernel, layer.stride, layer.padding, layer.dilation)
    return nn.AvgPool2d(layer.kernel, layer.stride, layer.padding)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(C=st.integers(1, 4), H=st.integers(1, 20), W=st.integers(1, 20),
       layers=st.lists(layers_st, min_size=1, max_size=4))
def test_planner_agrees_with_pytorch_layer_by_layer(C, H, W, layers):
    p = S.plan((C, H, W), layers)
    X = torch.zeros(1, C, H, W)
    with torch.no_grad():
        for i, layer in enumerate(layers):
            try:
                m = torch_layer(layer, X.shape[1])
                X = m(X)
            except (RuntimeError, ValueError):
                assert p.error is not None and p.error.index == i, f"torch refused layer {i + 1}"
                assert len(p.rows) == i
                return
            assert p.error is None or p.error.index > i, f"{p.error} but torch ran it"
            row = p.rows[i]
            assert row.out_shape == tuple(X.shape[1:])
            assert row.params == sum(t.numel() for t in m.parameters())
    assert p.error is None


@given(C=st.integers(1, 4), HW=st.integers(6, 16), layers=st.lists(layers_st, min_size=1,
                                                                   max_size=3))
def test_conv_macs_match_pytorch_flop_counter(C, HW, layers):
    from torch.utils.flop_counter import FlopCounterMode

    p = S.plan((C, HW, HW), layers)
    assume(p.error is None)
    net = eval(S.sequential_script(p).split("net = ", 1)[1].split("\nX = ")[0], {"nn": nn})
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(torch.zeros(1, C, HW, HW))
    assert 2 * p.macs == counter.get_total_flops()  # a multiply-accumulate is 2 FLOPs


def test_lenet_default_plan():
    p = S.plan_text(S.LENET_INPUT, S.LENET)
    assert p.error is None
    assert [r.out_shape for r in p.rows] == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5)]
    assert p.params == 156 + 2416
    assert [r.rf.size[0] for r in p.rows] == [5, 6, 14, 16]
    assert [r.rf.jump[0] for r in p.rows] == [1, 2, 2, 4]
    assert [r.rf.start[0] for r in p.rows] == [-2, -2, -2, -2]
    script = S.sequential_script(p)
    assert "nn.Conv2d(1, 6, kernel_size=5, padding=2)" in script
    assert S.run_limit(p) is None and S.run_script(script) == (1, 16, 5, 5)


@pytest.mark.parametrize("text, rule", [
    ("conv:4,3,1,1,1,2", "groups=2 must divide both the input channels (3)"),
    ("conv:4,3,2,same", 'padding="same" needs stride 1'),
    ("pool:max,3,1,2", "at most half its kernel"),
    ("conv:4,3;conv:4,9", "no output along the height"),
])
def test_plan_errors_name_the_rule(text, rule):
    p = S.plan_text((3, 8, 8), text)
    assert p.error is not None and rule in str(p.error)
    assert str(p.error).startswith(f"layer {p.error.index + 1} (")


def test_big_stacks_are_planned_but_not_run():
    p = S.plan_text((3, 1024, 1024), "conv:64,3,1,1")
    assert p.error is None and p.out_shape == (64, 1024, 1024)
    assert "numbers" in S.run_limit(p)
    with pytest.raises(ValueError, match="1..1024"):
        S.plan_text((3, 4096, 4096), "conv:64,3,1,1")


def test_plan_table_marks_the_bad_layer_and_stops_after_it():
    p = S.plan_text((1, 8, 8), "conv:2,3;pool:max,3,1,2;conv:2,3")
    rows = S.table_rows(p, 3)
    assert rows[0]["output"] == "2×6×6" and rows[1]["output"].startswith("✗")
    assert rows[2]["output"] == "—"


def brute_force_rf(layers: list[S.Layer], C: int, H: int, W: int, i: int, j: int):
    """Rows and columns of the input on which output (0, i, j) depends: the non-zero
    gradient of that pixel, with every kernel all ones (pools as ones convs of the same
    geometry, so no max picks a single cell)."""
    mods, c = [], C
    for L in layers:
        if L.kind == "conv":
            m = nn.Conv2d(c, L.out_channels or c, L.kernel, L.stride, L.padding, L.dilation,
                          L.groups, bias=False)
        else:
            m = nn.Conv2d(c, c, L.kernel, L.stride, L.padding, L.dilation, groups=c, bias=False)
        nn.init.ones_(m.weight)
        mods.append(m)
        c = m.out_channels
    X = torch.zeros(1, C, H, W, requires_grad=True)
    nn.Sequential(*mods)(X)[0, 0, i, j].backward()
    G = X.grad[0].abs().sum(0)  # (H, W)
    rows, cols = G.sum(1).nonzero().flatten(), G.sum(0).nonzero().flatten()
    return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(layers=st.lists(layers_st, min_size=1, max_size=3), C=st.integers(1, 3))
def test_receptive_field_matches_brute_force_gradient(layers, C):
    H = W = 40
    p = S.plan((C, H, W), layers)
    assume(p.error is None)
    rf = p.rows[-1].rf
    _, Ho, Wo = p.out_shape
    i, j = Ho // 2, Wo // 2
    top, left = rf.start[0] + i * rf.jump[0], rf.start[1] + j * rf.jump[1]
    bottom, right = top + rf.size[0] - 1, left + rf.size[1] - 1
    assume(top >= 0 and left >= 0 and bottom < H and right < W)  # all inside the input
    assert brute_force_rf(layers, C, H, W, i, j) == ((top, bottom), (left, right))


# ------------------------------------------------------------------ solver


@given(n=st.integers(1, 30), m=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 4),
       d=st.integers(1, 3))
def test_solver_lists_exactly_the_paddings_pytorch_agrees_with(n, m, k, s, d):
    found = S.solve_padding(n, m, kernels=(k, k), strides=(s, s), dilation=d)
    reach = d * (k - 1) + 1
    X, K = torch.zeros(1, 1, 1, n), torch.zeros(1, 1, 1, k)
    expected = set()
    for total in range(0, 2 * (reach - 1) + 1):  # every split PyTorch's "same" would use
        before, after = total // 2, total - total // 2
        Xp = F.pad(X, (before, after))
        if Xp.shape[-1] >= reach and F.conv2d(Xp, K, stride=(1, s),
                                              dilation=(1, d)).shape[-1] == m:
            expected.add((before, after))
    assert {(f.before, f.after) for f in found} == expected
    for f in found:
        assert f.total == f.before + f.after and f.same == (s == 1 and m == n)


def test_solver_same_rows_and_pytorch_spelling():
    found = S.solve_padding(8, 8, kernels=(1, 4), strides=(1, 2))
    assert [(f.kernel, f.before, f.after) for f in found] == [(1, 0, 0), (2, 0, 1), (3, 1, 1),
                                                              (4, 1, 2)]
    assert found[2].pytorch() == 'padding=1 or padding="same"'
    assert found[1].pytorch() == 'padding="same"'
    assert S.strides_without_solution(found, (1, 2)) == [2]


def test_solver_rejects_bad_ranges():
    with pytest.raises(ValueError, match="small to large"):
        S.solve_padding(8, 4, kernels=(5, 3), strides=(1, 1))
    with pytest.raises(ValueError, match="combinations"):
        S.solve_padding(8, 4, kernels=(1, 200), strides=(1, 100))
