"""One home per rule in core: each rule is computed in one function that the others call."""

from __future__ import annotations

from core import formula, geometry, windows


def test_the_output_length_rule_is_computed_in_one_place(monkeypatch):
    # Every place that states an output length gets it from unchecked_output_length.
    monkeypatch.setattr(geometry, "unchecked_output_length", lambda *a: 99)
    assert geometry.output_length(8, 3, 1, 1, 1, 1, axis="height") == 99
    assert geometry.conv_output_shape((8, 8), 3) == (99, 99)
    assert formula.axis_formula(8, 5, 2, 2, 2, 1).out == 99
    assert formula.window_map(formula.SEED_CELLS[0]).out == (99, 99)
    assert windows.AxisShape("H", 8, 1, 1, 3, 1, 1).out == 99


def test_parameters_and_macs_are_counted_in_one_place(monkeypatch):
    # The planner's and the channels page's costs both come from channels.ConvCost.
    from core import channels
    from core.layers import parse_stack
    from core.plan import plan

    monkeypatch.setattr(channels.ConvCost, "weights", property(lambda c: 1000 * c.in_channels))
    p = plan((3, 8, 8), parse_stack("conv:4,3"))
    assert (p.params, p.macs) == (3004, 3000 * 36)
    cost = channels.conv_cost(3, 4, 3, input_size=8)
    assert (cost.params, cost.macs) == (p.params, p.macs)


def test_cells_no_window_reads_are_found_in_one_place(monkeypatch):
    # The shapes page's window map and the sliding-window trace both ask unread_cells.
    trace = windows.sliding_windows([[0] * 6] * 6, [[1]], stride=3)
    assert trace.unreached() == ([1, 2, 4, 5], [1, 2, 4, 5])  # the real answer first
    monkeypatch.setattr(geometry, "unread_cells", lambda n, *a: (n - 1,))
    assert trace.unreached() == ([5], [5])
    wm = formula.window_map(formula.SEED_CELLS[3])
    assert (wm.unreached_rows, wm.unreached_cols) == ((7,), (7,))


def test_sliding_windows_builds_one_trace(monkeypatch):
    made = []

    class Counted(windows.WindowTrace):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(windows, "WindowTrace", Counted)
    trace = windows.sliding_windows([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 0], [0, 1]], padding=1)
    assert made == [trace] and trace.windows[0].on_padding[:2] == (True, True)


def test_pairs_are_written_by_one_formatter(monkeypatch):
    from core import layers, plan

    monkeypatch.setattr(geometry, "pair_text", lambda p, both="{}×{}": "<pair>")
    assert formula.SEED_CELLS[1].label() == "k<pair> p<pair> → 8×8"
    text = layers.format_layer(layers.parse_layer("conv:16,5x3"))
    assert text == "conv:16," + ",".join(["<pair>"] * 4)  # kernel, stride, padding, dilation
    row = plan.table_rows(plan.plan_text((1, 8, 8), "conv:2,3"), 1)[0]
    assert (row["RF size"], row["RF jump"], row["RF start"]) == ("<pair>",) * 3


def test_pooling_shares_the_convolutions_output_length_rule(monkeypatch):
    monkeypatch.setattr(geometry, "unchecked_output_length", lambda *a: 99)
    assert geometry.pool_output_shape((4, 4), 3) == (99, 99)
    assert geometry.pool_output_shape((4, 4), 3, ceil_mode=True) == (99, 99)


def test_pools_padding_rule_is_checked_in_one_place(monkeypatch):
    # The pooling functions and the shape planner's pool layers both ask check_pool_padding.
    from core import pooling
    from core.plan import plan_text

    calls = []
    monkeypatch.setattr(geometry, "check_pool_padding", lambda k, p: calls.append((k, p)))
    pooling.pool2d(pooling.POOL_X16, 3, padding=1, stride=2)
    monkeypatch.setattr("core.plan.check_pool_padding", geometry.check_pool_padding)
    plan_text((1, 8, 8), "pool:max,3,1,1")
    assert calls == [((3, 3), (1, 1)), ((3, 3), (1, 1))]


def test_the_transposed_output_length_is_computed_in_one_place(monkeypatch):
    from core.errors import TransNoOutput

    monkeypatch.setattr(geometry, "trans_output_length", lambda *a: 99)
    assert geometry.trans_conv_output_shape((2, 2), 2) == (99, 99)
    assert TransNoOutput(axis="", n=2, k=2, padding=5, stride=1, dilation=1,
                         output_padding=0).out == 99
