"""The pooling figures carry the trace's numbers, label input and output, and send what their
validated figure sends."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import torch

from core import POOL_X, POOL_X16, pool_windows
from core.windows import random_grid
from tests.apptest import decode
from viz import pooling
from viz.figure import PlainFigure

MAX_2X2 = pool_windows(POOL_X, 2, "max", stride=1)


def as_json(fig: go.Figure) -> dict:
    """The figure as Streamlit sends it (to_dict, then JSON), read back."""
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def output_z(spec: dict) -> list:
    return decode(next(t for t in spec["data"] if t["type"] == "heatmap"
                       and t.get("xaxis") == "x2")["z"]).tolist()


def part(spec: dict, frame: dict, test) -> dict:
    """The frame's update of the figure trace that ``test`` picks."""
    index = next(i for i, t in enumerate(spec["data"]) if test(t))
    return frame["data"][frame["traces"].index(index)]


def is_rings(t: dict) -> bool:
    return t.get("marker", {}).get("symbol") == "circle-open"


def formulas(spec: dict) -> list[str]:
    return [f["data"][-1]["text"] for f in spec["frames"]]


def test_the_books_max_pooling_plays_four_windows_into_its_output():
    spec = as_json(pooling.animation(MAX_2X2))
    assert [f["name"] for f in spec["frames"]] == ["0", "1", "2", "3"]
    assert output_z(spec) == [[4, 5], [7, 8]]
    assert formulas(spec)[0] == "Step 1/4<br><b>Y[0, 0]</b> = max(0, 1, 3, 4) = 4"
    assert formulas(spec)[3].endswith("max(4, 5, 7, 8) = 8")


def test_the_maximum_is_ringed_where_it_is_in_the_input():
    spec = as_json(pooling.animation(MAX_2X2))
    for frame, w in zip(spec["frames"], MAX_2X2.windows):
        rings = part(spec, frame, is_rings)
        (r, c), = [w.cells[t] for t in w.argmax]
        assert (rings["y"], rings["x"]) == ([r], [c])  # no padding: grid = input coordinates


def test_every_tie_is_ringed():
    trace = pool_windows(torch.ones(4, 4), 2)
    spec = as_json(pooling.animation(trace))
    for frame in spec["frames"]:
        assert len(part(spec, frame, is_rings)["x"]) == 4


def test_average_pooling_writes_sum_over_count_and_has_no_rings():
    spec = as_json(pooling.animation(pool_windows(POOL_X, 2, "avg", stride=1)))
    assert output_z(spec) == [[2, 3], [5, 6]]
    assert formulas(spec)[0] == ("Step 1/4<br><b>Y[0, 0]</b> = (0 + 1 + 3 + 4) / 4 = 2<br>"
                                 "÷ 4: every cell of the window")
    assert not [t for t in spec["data"] if is_rings(t)]


@pytest.mark.parametrize("count_include_pad, text", [
    (True, "(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.11<br>÷ 9: the window's cells, padding "
           "included"),
    (False, "(0 + 1 + 4 + 5) / 4 = 2.5<br>÷ 4: the input cells only"),
])
def test_average_padding_counts_or_not(count_include_pad, text):
    trace = pool_windows(POOL_X16, 3, "avg", padding=1, stride=2,
                         count_include_pad=count_include_pad)
    spec = as_json(pooling.animation(trace))
    assert formulas(spec)[0].endswith(text)


@pytest.mark.parametrize("mode, shown", [("max", "−∞"), ("avg", "0")])
def test_padding_cells_say_what_they_count_as(mode, shown):
    trace = pool_windows(POOL_X16, 3, mode, padding=1, stride=2)
    spec = as_json(pooling.animation(trace))
    labels = next(t for t in spec["data"] if t.get("mode") == "text" and t.get("xaxis") == "x")
    grid = np.array(labels["text"]).reshape(6, 6)  # 4×4 with one cell of padding around
    assert set(grid[0]) == set(grid[-1]) == set(grid[:, 0]) == {shown}
    assert grid[1:5, 1:5].tolist() == [[str(v) for v in row] for row in POOL_X16]
    assert spec["layout"]["xaxis"]["ticktext"][:2] == ["-1", "0"]  # counted from X's corner


def test_ceil_modes_partial_window_reaches_past_the_padding_and_is_drawn_there():
    trace = pool_windows(POOL_X16, 3, "max", stride=2, ceil_mode=True)
    assert trace.Y.tolist() == [[10, 11], [14, 15]]
    spec = as_json(pooling.animation(trace))
    past = next(t for t in spec["data"] if t["type"] == "heatmap"
                and t["colorscale"][0][1] == pooling.OUTSIDE)
    z = decode(past["z"])
    assert z.shape == (5, 5)  # the input's 4 rows and columns and one past them
    assert np.isnan(z[:4, :4]).all() and not np.isnan(z[4]).any()
    tint = part(spec, spec["frames"][3], lambda t: t.get("opacity") == 0.4)
    assert (tint["y0"], tint["x0"]) == (2, 2)
    assert np.isnan(np.array(tint["z"], dtype=float)[2]).all()  # row 4: not in the window


def test_input_and_output_are_labelled_on_every_figure():
    for fig in (pooling.animation(MAX_2X2), pooling.still(MAX_2X2)):
        titles = [a["text"] for a in as_json(fig)["layout"]["annotations"]]
        assert titles == ["<b>input X</b>", "<b>output Y</b>"]
    titles = [a["text"] for a in as_json(pooling.still(MAX_2X2, channel=1, lang="zh"))
              ["layout"]["annotations"]]
    assert titles == ["<b>输入 X，通道 1</b>", "<b>输出 Y，通道 1</b>"]


def test_the_still_figure_shows_the_whole_output_and_no_window():
    spec = as_json(pooling.still(MAX_2X2))
    assert not spec.get("frames")
    assert output_z(spec) == [[4, 5], [7, 8]]
    assert not [t for t in spec["data"] if t.get("fill") == "toself" or is_rings(t)]


def test_every_frame_is_valid_plotly_and_points_at_the_traces_it_moves():
    trace = pool_windows(torch.arange(35.0).reshape(5, 7), (3, 2), "avg", padding=1,
                         stride=(2, 3), ceil_mode=True, count_include_pad=False)
    spec = pooling.animation(trace, lang="zh").to_dict()
    go.Figure(spec)  # full validation, frames included: raises on any bad attribute
    for frame in spec["frames"]:
        assert len(frame["traces"]) == len(frame["data"])
        for index, moved in zip(frame["traces"], frame["data"]):
            assert spec["data"][index]["type"] == moved["type"]


@pytest.mark.parametrize("build", [
    lambda: pooling.animation(MAX_2X2),
    lambda: pooling.animation(pool_windows(POOL_X16, 3, "avg", padding=1, stride=2,
                                           ceil_mode=True), width=360),
    lambda: pooling.still(pool_windows(POOL_X16, 3, padding=1, stride=2), channel=0),
])
def test_what_is_sent_is_what_the_validated_figure_sends(build):
    fig = build()
    assert isinstance(fig, PlainFigure)
    sent = json.loads(pio.to_json(fig, validate=False))
    assert sent == json.loads(pio.to_json(fig.validated(), validate=False))


def test_sixteen_by_sixteen_stays_under_a_megabyte():
    X = random_grid(16, 16, seed=0)
    for k, padding in ((2, 0), (3, 1), (8, 4)):
        fig = pooling.animation(pool_windows(X, k, "avg", padding=padding, stride=1,
                                             ceil_mode=True))
        size = len(pio.to_json(fig.to_dict(), validate=False))
        assert size < 1_000_000, (k, size)


def test_the_formula_wraps_a_large_window_into_lines():
    trace = pool_windows(random_grid(8, 8, seed=1), 8, "avg")
    text = formulas(as_json(pooling.animation(trace)))[0]
    lines = text.split("<br>")
    assert len(lines) >= 3 and all(len(line) <= pooling.LINE_CHARS + 7 for line in lines)
    assert math.isclose(float(lines[-2].rsplit("= ", 1)[1]), float(trace.Y[0, 0]), rel_tol=1e-2)
