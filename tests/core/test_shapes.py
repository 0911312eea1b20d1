"""The shapes page's core (formula, layers, torchcode, plan, padding): the seed's cells,
and the calculator, planner and solver agree with PyTorch."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from core import conv_output_shape
from core.formula import (
    MAX_INPUT,
    SEED_CELLS,
    ConvGeometry,
    exact_quotient,
    format_count,
    formulas,
    torch_check,
    torch_check_limit,
    torch_output_shape,
    window_map,
)
from core.layers import (
    MAX_LAYERS,
    Layer,
    LayerError,
    format_layer,
    format_stack,
    parse_layer,
    parse_stack,
    rows_text,
)
from core.padding import no_solution_advice, solve_padding, strides_without_solution
from core.plan import (
    LENET,
    LENET_INPUT,
    compact_from_code,
    plan,
    plan_text,
    run_limit,
    run_plan,
    sequential_script,
    table_rows,
)
from core.torchcode import editor_rows, module_code, read_code

small = st.integers(1, 5)
pairs = st.tuples(small, small)


# ------------------------------------------------------------------ the seed


@pytest.mark.parametrize("g, out", list(zip(SEED_CELLS, [(8, 8), (8, 8), (4, 4), (2, 2)])))
def test_the_seed_cells_give_the_notebook_shapes(g, out):
    assert conv_output_shape(g.input_size, g.kernel_size, padding=g.padding, stride=g.stride) == out
    assert torch_output_shape(g) == out
    assert g.label().endswith(f"→ {out[0]}×{out[1]}")
    assert tuple(f.out for f in formulas(g)) == out


def test_the_seed_third_cell_is_kernel_5x3_with_stride_2():
    g = SEED_CELLS[2]
    assert (g.kernel_size, g.padding, g.stride) == ((5, 3), (2, 1), (2, 2))
    assert g.code() == "nn.Conv2d(1, 1, kernel_size=(5, 3), stride=2, padding=(2, 1))"


def test_the_formula_shows_the_floor_rounding_down():
    fh, fw = formulas(SEED_CELLS[3])  # k (3, 5), p (0, 1), s (3, 4)
    assert fh.pytorch.endswith("⌊5 / 3⌋ + 1 = ⌊1\u202f2/3⌋ + 1 = 1 + 1 = 2")
    assert fh.d2l.endswith("⌊8 / 3⌋ = ⌊2\u202f2/3⌋ = 2")  # d2l's total padding: 0
    assert fw.d2l.startswith("⌊(8 − 5 + 2 + 4) / 4⌋")  # total padding 2 = 2 × per side 1


def test_the_resnet_stem_quotient_is_exact_not_rounded():
    # n 224, k 7, p 3, s 2: 223 / 2 is 111.5 and 225 / 2 is 112.5 (":.3g" showed ⌊112⌋ twice)
    fh, _ = formulas(ConvGeometry((224, 224), (7, 7), (3, 3), (2, 2)))
    assert fh.pytorch.endswith("⌊223 / 2⌋ + 1 = ⌊111.5⌋ + 1 = 111 + 1 = 112")
    assert fh.d2l.endswith("⌊225 / 2⌋ = ⌊112.5⌋ = 112")


@pytest.mark.parametrize("a, b, shown", [
    (223, 2, "111.5"), (1, 16, "0.0625"), (1021, 8, "127.625"), (223, 3, "74\u202f1/3"),
    (1, 3, "1/3"), (7, 14, "0.5"), (100, 12, "8\u202f1/3"), (-3, 2, "−1.5"), (-7, 3, "−2\u202f1/3"),
    (8, 4, "2"), (0, 5, "0"),
])
def test_exact_quotient(a, b, shown):
    assert exact_quotient(a, b) == shown


def shown_value(text: str) -> Fraction:
    """A quotient as the page shows it ("111.5", "−2 1/3", "1/3") back to a number."""
    sign = -1 if text.startswith("−") else 1
    whole, _, fraction = text.lstrip("−").rpartition("\u202f")
    if "/" not in text:
        return sign * Fraction(text.lstrip("−"))
    return sign * (Fraction(whole or 0) + Fraction(fraction))


FLOOR = re.compile(r"⌊(−?\d+) / (\d+)⌋(?: \+ 1)?(?: = ⌊([^⌋]+)⌋(?: \+ 1)?)?"
                   r"(?: = (−?\d+) \+ 1)? = (−?\d+)$")


@settings(max_examples=300)
@given(n=st.integers(1, MAX_INPUT), k=st.integers(1, 32),
       p=st.one_of(st.tuples(st.integers(0, 32), st.integers(0, 32)), st.just("same"),
                   st.just("valid")),
       s=st.integers(1, 16), d=st.integers(1, 16), w=st.integers(1, MAX_INPUT))
def test_shown_quotient_floored_is_the_shown_result(n, k, p, s, d, w):
    # every size the calculator accepts: input 1..1024, kernel and padding 0..32, stride and
    # dilation 1..16; the floor of the shown quotient is the shown result, in both rules
    g = ConvGeometry((n, w), (k, k), p, (s, s), (d, d))
    try:
        fh, fw = formulas(g)
    except ValueError:
        assume(False)  # "same" with a stride: no formula to show
    for f, size, (before, after) in ((fh, n, g.pads()[0]), (fw, w, g.pads()[1])):
        for text, plus in ((f.pytorch, 1), (f.d2l, 0)):
            a, b, q, floored, result = FLOOR.search(text).groups()
            a, b, result = int(a.replace("−", "-")), int(b), int(result.replace("−", "-"))
            if q is None:  # no quotient step: only when the division is exact
                assert a % b == 0
            exact = shown_value(q) if q else Fraction(a, b)
            assert exact == Fraction(a, b)  # the quotient shown is exact, not rounded
            assert math.floor(exact) + plus == result == f.out
            if plus and floored is not None:
                assert int(floored.replace("−", "-")) == math.floor(exact)
            assert a == (size + before + after - d * (k - 1) - 1 if plus
                         else size - (d * (k - 1) + 1) + before + after + s)


# ------------------------------------------------------------------ calculator


@given(n=st.tuples(st.integers(1, 24), st.integers(1, 24)), k=pairs,
       p=st.one_of(st.tuples(st.integers(0, 4), st.integers(0, 4)), st.just("same"),
                   st.just("valid")),
       s=st.tuples(st.integers(1, 4), st.integers(1, 4)), d=st.tuples(st.integers(1, 3),
                                                                      st.integers(1, 3)))
def test_calculator_agrees_with_pytorch(n, k, p, s, d):
    g = ConvGeometry(n, k, p, s, d)
    try:
        ours = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
    except ValueError:
        ours = None
    try:
        theirs = torch_output_shape(g)
    except ValueError:
        theirs = None
    assert ours == theirs
    if ours is not None:
        assert tuple(f.out for f in formulas(g)) == ours
        wm = window_map(g)
        assert len(wm.anchors) == ours[0] * ours[1]


def test_pytorch_check_is_skipped_for_big_inputs():
    g = ConvGeometry((4096, 4096), (3, 3), (1, 1))
    assert "cells" in torch_check_limit(g, (4096, 4096))
    assert torch_check_limit(SEED_CELLS[0], (8, 8)) is None


def test_window_map_marks_rows_the_stride_jumps_past():
    wm = window_map(SEED_CELLS[3])  # 8×8, k (3, 5), p (0, 1), s (3, 4)
    assert wm.unreached_rows == (6, 7) and wm.unreached_cols == ()
    assert wm.anchors == ((0, 0), (0, 4), (3, 0), (3, 4))
    assert wm.cells[6][1] == 2 and wm.cells[0][0] == 0 and wm.cells[0][1] == 1


def test_window_map_first_window_has_dilation_gaps():
    wm = window_map(ConvGeometry((9, 9), (2, 2), (0, 0), (1, 1), (3, 3)))
    assert wm.first == ((0, 0), (0, 3), (3, 0), (3, 3))


def test_window_map_refuses_big_pictures():
    with pytest.raises(ValueError, match="up to 40"):
        window_map(ConvGeometry((64, 64), (3, 3)))


# ------------------------------------------------------------------ text form


def test_compact_text_form_matches_the_issue():
    layers = parse_stack("conv:16,3,1,1;pool:max,2,2")
    assert layers[0] == Layer("conv", (3, 3), (1, 1), (1, 1), (1, 1), 16, 1)
    assert layers[1] == Layer("max", (2, 2), (2, 2), (0, 0), (1, 1))
    assert format_stack(layers) == "conv:16,3,1,1;pool:max,2,2"


def test_text_form_takes_pairs_same_and_defaults():
    (conv, pool) = parse_stack(" conv:8, 5x3, 2, 2x1, 1, 2 ; pool:AVG,3 ")
    assert (conv.kernel_size, conv.stride, conv.padding, conv.groups) == ((5, 3), (2, 2), (2, 1), 2)
    assert pool.stride == (3, 3)  # pools stride by their kernel, as in PyTorch
    assert parse_layer("conv:4,3,1,same").padding == "same"
    assert parse_layer("conv:,3").out_channels is None  # keeps the input's channels


layers_st = st.builds(
    lambda kind, k, s, p, d, out, g, bias: Layer(
        kind, k, s, p if kind == "conv" or not isinstance(p, str) else (0, 0),
        d if kind != "avg" else (1, 1), out if kind == "conv" else None,
        g if kind == "conv" else 1, bias or kind != "conv"),
    st.sampled_from(["conv", "max", "avg"]), pairs, pairs,
    st.one_of(st.tuples(st.integers(0, 3), st.integers(0, 3)), st.sampled_from(["same", "valid"])),
    st.tuples(st.integers(1, 3), st.integers(1, 3)), st.one_of(st.none(), small), st.integers(1, 3),
    st.booleans(),
)


@given(st.lists(layers_st, max_size=6))
def test_text_form_round_trips(layers):
    text = format_stack(layers)
    again = parse_stack(text)
    # "valid" is written as such; (0, 0) and "valid" are the same padding
    assert [format_layer(x) for x in again] == text.split(";") if text else again == []
    assert rows_text(editor_rows(text)) == text


@pytest.mark.parametrize("text, where, rule", [
    ("conv:4,3;conv:x", 1, "out channels must be a whole number"),
    ("conv:4,3;pool:min,2", 1, 'starts with "conv:"'),
    ("pool:max,2,2,same", 0, "not \"same\""),
    ("conv:4,0", 0, "kernel must be at least 1"),
    ("conv:4,3,1,1,1,1,True,9", 0, "too many fields"),
    ("conv:4,3,1,1,1,1,9", 0, "bias must be True or False"),
    ("pool:avg,2,2,0,2", 0, "too many fields"),  # avg pool has no dilation
    (";".join(["conv:1,3,1,1"] * 17), 16, "at most 16 layers"),
])
def test_parse_errors_name_the_layer_and_the_rule(text, where, rule):
    with pytest.raises(LayerError, match=rule) as e:
        parse_stack(text)
    assert e.value.index == where
    p = plan_text((1, 8, 8), text)
    assert p.error is not None and p.error.index == where and len(p.rows) == where


# ------------------------------------------------------------------ planner


def torch_layer(layer: Layer, C: int) -> nn.Module:
    if layer.kind == "conv":
        return nn.Conv2d(C, layer.out_channels or C, layer.kernel_size, stride=layer.stride,
                         padding=layer.padding, dilation=layer.dilation, groups=layer.groups,
                         bias=layer.bias)
    if layer.kind == "max":
        return nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    return nn.AvgPool2d(layer.kernel_size, layer.stride, layer.padding)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(C=st.integers(1, 4), H=st.integers(1, 20), W=st.integers(1, 20),
       layers=st.lists(layers_st, min_size=1, max_size=4))
def test_planner_agrees_with_pytorch_layer_by_layer(C, H, W, layers):
    p = plan((C, H, W), layers)
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

    p = plan((C, HW, HW), layers)
    assume(p.error is None)
    net = eval(sequential_script(p).split("net = ", 1)[1].split("\nX = ")[0], {"nn": nn})
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(torch.zeros(1, C, HW, HW))
    assert 2 * p.macs == counter.get_total_flops()  # a multiply-accumulate is 2 FLOPs


def test_lenet_default_plan():
    p = plan_text(LENET_INPUT, LENET)
    assert p.error is None
    assert [r.out_shape for r in p.rows] == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5)]
    assert p.params == 156 + 2416
    assert [r.rf.size[0] for r in p.rows] == [5, 6, 14, 16]
    assert [r.rf.jump[0] for r in p.rows] == [1, 2, 2, 4]
    assert [r.rf.start[0] for r in p.rows] == [-2, -2, -2, -2]
    script = sequential_script(p)
    assert "nn.Conv2d(1, 6, kernel_size=5, padding=2)" in script
    assert run_limit(p) is None and run_plan(p) == ((1, 16, 5, 5), False)  # a real run


@pytest.mark.parametrize("text, rule", [
    ("conv:4,3,1,1,1,2", "groups=2 must divide both the input channels (3)"),
    ("conv:4,3,2,same", 'padding="same" needs stride 1'),
    ("pool:max,3,1,2", "at most half its kernel"),
    ("conv:4,3;conv:4,9", "no output along the height"),
])
def test_plan_errors_name_the_rule(text, rule):
    p = plan_text((3, 8, 8), text)
    assert p.error is not None and rule in str(p.error)
    assert str(p.error).startswith(f"layer {p.error.index + 1} (")


def test_big_stacks_are_planned_but_not_run():
    p = plan_text((3, 1024, 1024), "conv:64,3,1,1")
    assert p.error is None and p.out_shape == (64, 1024, 1024)
    assert "numbers" in run_limit(p)
    with pytest.raises(ValueError, match="1..1024"):
        plan_text((3, 4096, 4096), "conv:64,3,1,1")


def test_plan_table_marks_the_bad_layer_and_stops_after_it():
    p = plan_text((1, 8, 8), "conv:2,3;pool:max,3,1,2;conv:2,3")
    rows = table_rows(p, 3)
    assert rows[0]["output"] == "2×6×6" and rows[1]["output"].startswith("✗")
    assert rows[2]["output"] == "—"


def brute_force_rf(layers: list[Layer], C: int, H: int, W: int, i: int, j: int):
    """Rows and columns of the input on which output (0, i, j) depends: the non-zero
    gradient of that pixel, with every kernel all ones (pools as ones convs of the same
    geometry, so no max picks a single cell)."""
    mods, c = [], C
    for L in layers:
        if L.kind == "conv":
            m = nn.Conv2d(c, L.out_channels or c, L.kernel_size, L.stride, L.padding, L.dilation,
                          L.groups, bias=False)
        else:
            m = nn.Conv2d(c, c, L.kernel_size, L.stride, L.padding, L.dilation, groups=c,
                          bias=False)
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
    p = plan((C, H, W), layers)
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
    found = solve_padding(n, m, kernels=(k, k), strides=(s, s), dilation=d)
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
    found = solve_padding(8, 8, kernels=(1, 4), strides=(1, 2))
    assert [(f.kernel_size, f.before, f.after) for f in found] == [(1, 0, 0), (2, 0, 1), (3, 1, 1),
                                                              (4, 1, 2)]
    assert found[2].code() == "nn.Conv2d(1, 1, kernel_size=3, padding=1)"
    assert found[1].code() == 'nn.Conv2d(1, 1, kernel_size=2, padding="same")'
    assert strides_without_solution(found, (1, 2)) == [2]


def test_solver_rejects_bad_ranges():
    with pytest.raises(ValueError, match="small to large"):
        solve_padding(8, 4, kernels=(5, 3), strides=(1, 1))
    with pytest.raises(ValueError, match="combinations"):
        solve_padding(8, 4, kernels=(1, 200), strides=(1, 100))


def test_export_runs_on_the_meta_device_when_big_and_allocates_nothing():
    # 16 convs of 4096 channels on 4096×1024×1024: about 2.4e9 weights and 4e9-number
    # activations, impossible for real here; on the meta device only shapes are made
    p = plan_text((4096, 1024, 1024), ";".join(["conv:4096,3,1,1"] * MAX_LAYERS))
    assert p.error is None and run_limit(p) is not None
    assert run_plan(p) == ((1, 4096, 1024, 1024), True)
    assert torch.zeros(1).device.type == "cpu"  # the meta device stayed inside the run
    stem = "conv:64,7,2,3,1,1,False;pool:max,3,2,1"
    assert run_plan(plan_text((3, 224, 224), stem)) == ((1, 64, 56, 56), False)  # 118 M
    p = plan_text((3, 224, 224), stem + ";conv:64,3,1,1,1,1,False" * 2)  # + ResNet's layer1
    macs = 64 * 3 * 7 * 7 * 112 * 112 + 2 * 64 * 64 * 3 * 3 * 56 * 56  # 349 M: was "Not run"
    assert f"{macs:,} multiply-accumulates" in run_limit(p)
    assert run_plan(p) == ((1, 64, 56, 56), True)


def test_calculator_checks_big_inputs_on_the_meta_device():
    g = ConvGeometry((1024, 1024), (32, 32), (0, 0))
    assert torch_check(g) == ((993, 993), True)
    assert torch_check(SEED_CELLS[2]) == ((4, 4), False)


# ------------------------------------------------------------- pasted PyTorch

STEM = """net = nn.Sequential(
    nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
)"""


@pytest.mark.parametrize("code", [
    STEM,
    "nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)\nnn.MaxPool2d(3, 2, 1)",
    "torch.nn.Conv2d(3, 64, (7, 7), (2, 2), (3, 3), 1, 1, False)\ntorch.nn.MaxPool2d(3, 2, 1)",
    "    self.conv1 = Conv2d(in_channels=3, out_channels=64, kernel_size=[7, 7], stride=2, "
    "padding=3, bias=False)\n    self.pool = MaxPool2d(3, stride=2, padding=1)",
    "[nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.ReLU(), nn.MaxPool2d(3, 2, 1),]",
    "import torch\nfrom torch import nn\nnn.Sequential(nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, "
    "bias=False), nn.ReLU()), nn.MaxPool2d(3, 2, 1, 1, False, False))",
])
def test_pasted_resnet_stem_reads_in_every_spelling(code):
    r = read_code(code)
    assert r.error is None
    assert format_stack(list(r.layers)) == "conv:64,7,2,3,1,1,False;pool:max,3,2,1"
    assert r.layers[0].in_channels == 3 and r.layers[0].bias is False
    p = plan_text((3, 224, 224), code)
    assert p.error is None and p.out_shape == (64, 56, 56) and p.params == 9408
    assert compact_from_code((3, 224, 224), code)[0] == "conv:64,7,2,3,1,1,False;pool:max,3,2,1"


def test_pasted_code_says_what_it_skipped_and_left_out():
    r = read_code(STEM.replace("bias=False", "bias=False, padding_mode='reflect'"))
    assert r.skipped == ("BatchNorm2d", "ReLU")
    assert r.note() == ("Read 2 layers from the pasted PyTorch code; skipped 2 that keep the "
                        "shape (BatchNorm2d, ReLU); left out padding_mode='reflect' (values, "
                        "not shapes).")


UNREADABLE = [
    ("nn.Conv2d(3, 64, 3)\nnn.Linear(64, 10)", "nn.Linear(64, 10)", "not a layer the planner"),
    ("nn.Conv2d(3, 64, kernel=3)", "nn.Conv2d(3, 64, kernel=3)", "missing a required argument"),
    ("nn.MaxPool2d(3, 2, 1, 1, False, False, 9)", "nn.MaxPool2d(3, 2, 1, 1, False, False, 9)",
     "too many positional arguments"),
    ("nn.Conv2d(in_ch, 64, 3)", "nn.Conv2d(in_ch, 64, 3)", "`in_ch` is not a value"),
    ("nn.Conv2d(3, 64, 3, padding='full')", "padding='full'", 'padding must be a number'),
    ("nn.MaxPool2d(2, padding='same')", "nn.MaxPool2d(2, padding='same')", "padding must be"),
    ("nn.MaxPool2d(3, ceil_mode=True)", "ceil_mode=True", "rounds the output size up"),
    ("nn.MaxPool2d(3, return_indices=True)", "return_indices=True", "(values, indices)"),
    ("nn.Conv2d(3, 64, 3.0)", "nn.Conv2d(3, 64, 3.0)", "kernel_size must be an int"),
    ("nn.Conv2d(3, 64, 3, bias=1)", "bias=1", "bias must be True or False"),
    ("nn.Conv2d(3, 0, 3)", "nn.Conv2d(3, 0, 3)", "out_channels must be a whole number 1..4096"),
    ("nn.Conv2d(*args)", "nn.Conv2d(*args)", "write the arguments out"),
    ("nn.Sequential(*layers)", "nn.Sequential(*layers)", "not a layer the planner reads"),
    ("for i in range(3): pass", "for i in range(3): pass", "not a layer the planner reads"),
    ("nn.Conv2d(3, 64, 3", "", "does not parse as Python (line 1"),
    ("nn.Conv2d(3, 64, 3, stride=2, stride=1)", "stride=1", "multiple values for argument"),
    ("nn.Conv2d(3, 64, 3, 1, kernel_size=3)", "kernel_size=3", "multiple values for argument"),
    ("nn.Conv2d(3, 64, 3, pad=1)", "pad=1", "unexpected keyword argument 'pad'"),
    ("nn.Conv2d(3, 64, 3, padding_mode='edge')", "padding_mode", "padding_mode must be one of"),
    ("nn.MaxPool2d(1)\n" * 17, "nn.MaxPool2d(1)", "at most 16 layers; remove some"),
]


@pytest.mark.parametrize("code, piece, rule", UNREADABLE)
def test_unsupported_code_gets_a_message_naming_the_piece(code, piece, rule):
    r = read_code(code)
    assert r.error is not None and rule in str(r.error) and piece in str(r.error)
    p = plan_text((3, 16, 16), code)
    assert p.error is not None and rule in str(p.error)
    assert len(p.rows) == len(r.layers) == r.error.index  # the layers before it are planned
    assert compact_from_code((3, 16, 16), code) is None  # kept as typed


#: English prose words (whole words, outside `code`): none may stay in a Chinese message.
ENGLISH_PROSE = re.compile(r"\b(the|a|is|are|must|got|not|reads?|layers?|arrives?|write|set|"
                           r"missing|argument|unexpected|multiple|values|too|many|positional|"
                           r"parse|remove|some|channels?|input|makes|planner|takes?)\b")


@pytest.mark.parametrize("code", [c for c, _, _ in UNREADABLE] + [
    STEM, "nn.Conv2d(3, 16, 3)\nnn.MaxPool2d(2)\nnn.Conv2d(32, 8, 3)",
    "nn.Conv2d(1, 1, 3)\nnn.Conv2d(4, 8, 3)"])
def test_every_refusal_of_pasted_code_reads_in_chinese(code):
    from i18n import error_text, texts

    error = plan_text((1, 16, 16), code).error
    zh = error_text(texts("zh"), error)
    prose = re.sub(r"`[^`]*`|nn\.\w+\([^)]*\)|'[^']*'|\w+=\w+", "", zh)
    if "Python" in zh:  # Python's own SyntaxError text ("'(' was never closed") is quoted
        prose = prose.split("：", 1)[0]
    assert re.search("[\u4e00-\u9fff]", zh), zh
    assert not ENGLISH_PROSE.search(prose), zh


def test_in_channels_that_contradict_the_running_count_are_named():
    p = plan_text((1, 224, 224), STEM)
    assert str(p.error) == ("layer 1 (`nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, "
                            "bias=False)`): in_channels=3, but 1 channel arrives here (the input "
                            "has 1): set the input channels to 3")
    assert compact_from_code((1, 224, 224), STEM) is None  # the check needs in_channels
    p = plan_text((3, 32, 32), "nn.Conv2d(3, 16, 3)\nnn.MaxPool2d(2)\nnn.Conv2d(32, 8, 3)")
    assert p.error.index == 2 and "in_channels=32, but 16 channels arrive here (layer 1 makes " \
        "16): write in_channels=16, or out_channels=32 in layer 1" in str(p.error)


def test_pasted_code_is_read_never_run(monkeypatch):
    import builtins

    def refuse(*args, **kwargs):
        raise AssertionError("the planner ran code")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    code = "nn.Conv2d(3, 64, __import__('os').getpid())\nnn.Conv2d(3, 64, exit())"
    assert "`__import__('os').getpid()` is not a value" in str(read_code(code).error)
    assert plan_text((3, 8, 8), STEM.replace("(64)", "(open('x', 'w'))")).error is None


CLASS = {"conv": "Conv2d", "max": "MaxPool2d", "avg": "AvgPool2d"}
ARGS = {"conv": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                 "groups", "bias"),
        "max": ("kernel_size", "stride", "padding", "dilation"),
        "avg": ("kernel_size", "stride", "padding")}
KEEPING = ("nn.ReLU()", "nn.ReLU(inplace=True)", "nn.Dropout(0.1)", "nn.Identity()",
           "nn.BatchNorm2d({c})", "nn.GroupNorm(1, {c})")


@st.composite
def pasted_stack(draw, C: int) -> tuple[str, list[str]]:
    """PyTorch code for a random stack, each call spelt at random (positional or keyword
    arguments, ints or pairs, nn./torch.nn., shape-keeping layers between), and the call
    texts one by one (for the test to build in torch)."""
    calls, c = [], C
    for L in draw(st.lists(layers_st, min_size=1, max_size=4)):
        values = {"kernel_size": L.kernel_size, "stride": L.stride, "padding": L.padding,
                  "dilation": L.dilation}
        if L.kind == "conv":
            values |= {"in_channels": c, "out_channels": L.out_channels or c,
                       "groups": L.groups, "bias": L.bias}
            c = L.out_channels or c
        names = ARGS[L.kind]
        given = names[:draw(st.integers(1 if L.kind != "conv" else 3, len(names)))]
        n_pos = draw(st.integers(0, len(given)))
        parts, keywords = [], []
        for i, name in enumerate(given):
            v = values[name]
            if isinstance(v, tuple) and v[0] == v[1] and draw(st.booleans()):
                v = v[0]
            (parts if i < n_pos else keywords).append(repr(v) if i < n_pos else f"{name}={v!r}")
        for name in names[len(given):]:  # the rest as keywords, or left at PyTorch's default
            default = values["kernel_size"] if name == "stride" and L.kind != "conv" else {
                "stride": (1, 1), "padding": (0, 0), "dilation": (1, 1), "groups": 1,
                "bias": True}[name]
            if values[name] != default or draw(st.booleans()):
                keywords.append(f"{name}={values[name]!r}")
        parts += draw(st.permutations(keywords))
        calls.append(f"{draw(st.sampled_from(['nn.', 'torch.nn.', '']))}{CLASS[L.kind]}"
                     f"({', '.join(parts)})")
        if draw(st.booleans()):
            calls.append(draw(st.sampled_from(KEEPING)).format(c=c))
    form = draw(st.sampled_from(["lines", "sequential", "list"]))
    code = ("\n".join(calls) if form == "lines" else
            "nn.Sequential(\n    " + ",\n    ".join(calls) + "\n)" if form == "sequential" else
            "[" + ", ".join(calls) + "]")
    return code, calls


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(C=st.integers(1, 4), H=st.integers(1, 20), W=st.integers(1, 20), data=st.data())
def test_pasted_code_plans_as_the_module_torch_builds_from_it(C, H, W, data):
    code, calls = data.draw(pasted_stack(C))
    p = plan_text((C, H, W), code)
    ns = {"nn": nn, "torch": torch} | {name: getattr(nn, name) for name in CLASS.values()}
    X, i = torch.zeros(1, C, H, W), 0
    with torch.no_grad():
        for call in calls:  # the test may build it with eval; the planner never does
            keeps = not call.split("(")[0].endswith(tuple(CLASS.values()))
            try:
                m = eval(call, ns).eval()
                X = m(X)
            except (RuntimeError, ValueError):
                if keeps:  # GroupNorm on one value per channel: a rule about values, not shapes
                    continue
                assert p.error is not None and p.error.index == i, f"torch refused {call}"
                return
            if keeps:
                continue
            assert p.error is None or p.error.index > i, f"{p.error} but torch ran {call}"
            assert p.rows[i].out_shape == tuple(X.shape[1:])
            assert p.rows[i].params == sum(t.numel() for t in m.parameters())
            i += 1
    assert p.error is None and p.out_shape == tuple(X.shape[1:])
    compact, _ = compact_from_code((C, H, W), code)
    assert [r.out_shape for r in plan_text((C, H, W), compact).rows] == [
        r.out_shape for r in p.rows]  # the compact form plans the same stack


# ------------------------------------------------------------- code text, counts


def test_every_layer_line_comes_from_module_code(monkeypatch):
    from core import channels, formula, padding
    from core import plan as planning

    assert channels.module_code is module_code  # the channels page writes its line with it
    for user in (formula, planning, padding):  # every module that writes a layer's call
        assert user.module_code is module_code
        monkeypatch.setattr(user, "module_code", lambda name, *a, **k: f"<{name}>")
    assert SEED_CELLS[0].code() == "<Conv2d>"
    script = sequential_script(plan_text((1, 8, 8), "conv:2,3;pool:max,2;pool:avg,2"))
    assert "<Conv2d>,  # →" in script and "<MaxPool2d>," in script and "<AvgPool2d>," in script
    codes = {s.code() for s in solve_padding(8, 4, kernels=(1, 5), strides=(2, 2))}
    assert codes == {"<Conv2d>", "nn.Sequential(<ZeroPad2d>, <Conv2d>)"}


def test_counts_are_written_one_way_in_the_table_and_the_summary():
    p = plan_text((3, 224, 224), "conv:64,7,2,3;conv:128,3,1,1")
    rows = table_rows(p, 2)
    assert (rows[0]["params"], rows[1]["params"]) == ("9,472", "73,856")  # was "73.9 k"
    assert format_count(p.params) == "83,328" and rows[1]["MACs"] == "924,844,032"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 30), m=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 4),
       d=st.integers(1, 3))
def test_each_solution_row_has_code_that_gives_the_wanted_size(n, m, k, s, d):
    for f in solve_padding(n, m, kernels=(k, k), strides=(s, s), dilation=d):
        with torch.no_grad():
            Y = eval(f.code(), {"nn": nn})(torch.zeros(1, 1, n, n))
        assert tuple(Y.shape) == (1, 1, m, m), f.code()


def test_no_solution_for_a_larger_size_says_what_grows_it():
    advice = no_solution_advice(224, 300, kernels=(1, 7), strides=(1, 2))
    assert "try other strides" not in advice
    assert "Only padding makes a size larger, by at most d·(k − 1) = 6 with kernel 7" in advice
    assert "transposed convolution (nn.ConvTranspose2d)" in advice
    assert "upsampling (nn.Upsample(size=300))" in advice


@pytest.mark.parametrize("n, m, ks, ss, says, check", [
    (224, 56, (1, 7), (1, 2), "Stride 4 works with kernel 1–7.", ((1, 7), (4, 4))),
    (8, 12, (1, 3), (1, 2), "Kernel 5–15 works with stride 1, 2.", ((5, 15), (1, 2))),
    (8, 9, (1, 7), (2, 4), "Stride 1 works with kernel 1–7.", ((1, 7), (1, 1))),
    (224, 100, (1, 7), (1, 2), "No kernel 1–15 with stride 1–8 does either.", None),
])
def test_no_solution_advice_names_what_works(n, m, ks, ss, says, check):
    assert not solve_padding(n, m, kernels=ks, strides=ss)
    assert says in no_solution_advice(n, m, kernels=ks, strides=ss)
    if check:  # what it names really works
        assert solve_padding(n, m, kernels=check[0], strides=check[1])
