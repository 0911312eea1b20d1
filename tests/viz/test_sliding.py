"""The sliding-window figures carry the trace's numbers, and their frames are valid Plotly."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import torch

from core import windows
from core.windows import sliding_windows
from tests.apptest import decode
from viz import sliding
from viz.windows import TAP

SEED = sliding_windows(windows.D2L_X, [[0, 1], [2, 3]])


def as_json(fig: go.Figure) -> dict:
    """The figure as Streamlit sends it (to_dict, then JSON), read back."""
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def trace_named(spec: dict, axis: str, kind: str) -> list[dict]:
    return [t for t in spec["data"] if t.get("xaxis", "x") == axis and t["type"] == kind]


def polygon_area(xs: list[float], ys: list[float]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:]))) / 2


def test_animation_of_the_seed_has_a_frame_per_output_cell_and_the_seed_output():
    spec = as_json(sliding.animation(SEED))
    assert [f["name"] for f in spec["frames"]] == ["0", "1", "2", "3"]
    output = trace_named(spec, "x3", "heatmap")[0]
    assert decode(output["z"]).tolist() == [[19, 25], [37, 43]]
    assert output["text"] == [["19", "25"], ["37", "43"]]
    formulas = [f["data"][-1]["text"] for f in spec["frames"]]
    assert formulas[0] == "Step 1/4<br><b>Y[0, 0]</b> = 0×0 + 1×1 +<br>3×2 + 4×3 = 19"
    assert formulas[3].endswith("7×2 + 8×3 = 43")


def test_every_frame_is_valid_plotly_and_points_at_the_traces_it_moves():
    fig = sliding.animation(sliding_windows(torch.arange(30.0).reshape(5, 6), torch.ones(3, 2),
                                            padding=1, dilation=(1, 2), padding_mode="circular"))
    spec = fig.to_dict()
    go.Figure(spec)  # full validation, frames included: raises on any bad attribute
    n_traces = len(spec["data"])
    for frame in spec["frames"]:
        assert len(frame["traces"]) == len(frame["data"])
        for index, part in zip(frame["traces"], frame["data"]):
            assert index < n_traces and spec["data"][index]["type"] == part["type"]


def test_the_window_tint_follows_the_first_tap_and_leaves_dilation_gaps_untinted():
    trace = sliding_windows(torch.zeros(6, 6), torch.ones(2, 2), dilation=(2, 3), stride=2)
    spec = as_json(sliding.animation(trace))
    tint = trace_named(spec, "x", "heatmap")[2]
    z = np.array(tint["z"], dtype=float)
    assert z.shape == (3, 4)
    assert np.isnan(z[1]).all() and np.isnan(z[:, 1:3]).all()  # the gaps
    assert z[0, 0] == z[0, 3] == z[2, 0] == z[2, 3] == 1
    index = spec["data"].index(tint)
    for frame, w in zip(spec["frames"], trace.windows):
        part = frame["data"][frame["traces"].index(index)]
        assert (part["y0"], part["x0"]) == w.taps[0]


def test_padding_cells_are_drawn_apart_from_the_input():
    trace = sliding_windows(windows.D2L_X, [[1]], padding=(1, 2))
    spec = as_json(sliding.animation(trace))
    real, pad = (decode(t["z"]) for t in trace_named(spec, "x", "heatmap")[:2])
    expected = np.array([[trace.is_padding(r, c) for c in range(7)] for r in range(5)])
    assert np.array_equal(np.isnan(real), expected)
    assert np.array_equal(~np.isnan(pad), expected)
    # Axis labels count from the input's own corner: padding is row −1, column −2.
    assert spec["layout"]["yaxis"]["ticktext"][0] == "-1"
    assert spec["layout"]["xaxis"]["ticktext"][:3] == ["-2", "-1", "0"]


def test_the_cover_hides_exactly_the_cells_not_computed_yet():
    trace = sliding_windows(torch.zeros(4, 5), torch.ones(2, 2))  # Y is 3×4
    spec = as_json(sliding.animation(trace))
    cover = next(t for t in spec["data"] if t.get("fill") == "toself")
    index = spec["data"].index(cover)
    for n, frame in enumerate(spec["frames"]):
        part = frame["data"][frame["traces"].index(index)]
        assert polygon_area(part["x"], part["y"]) == pytest.approx(12 - (n + 1))


def test_controls_play_at_three_speeds_pause_and_step():
    spec = as_json(sliding.animation(SEED))
    buttons = spec["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["■ Pause", "▶ Slow", "▶ Play", "▶▶ Fast"]
    durations = [b["args"][1]["frame"]["duration"] for b in buttons[1:]]
    assert durations == sorted(durations, reverse=True) and len(set(durations)) == 3
    assert all(b["args"][1]["fromcurrent"] for b in buttons[1:])
    steps = spec["layout"]["sliders"][0]["steps"]
    assert [s["args"][0] for s in steps] == [["0"], ["1"], ["2"], ["3"]]


def test_sixteen_by_sixteen_with_a_3x3_kernel_stays_under_a_megabyte():
    X = windows.random_grid(16, 16, seed=0)
    for padding in (0, 1):
        fig = sliding.animation(sliding_windows(X, torch.randn(3, 3), padding=padding))
        assert len(pio.to_json(fig.to_dict(), validate=False)) < 1_000_000


def test_snapshot_outlines_the_picked_cell_and_its_taps_without_frames():
    spec = as_json(sliding.snapshot(SEED, 2))
    assert not spec.get("frames")
    lines = [t for t in spec["data"] if t.get("mode") == "lines"]
    current = next(t for t in lines if t["xaxis"] == "x3")
    assert (min(current["x"]), min(current["y"])) == (-0.5, 0.5)  # Y[1, 0]
    window = next(t for t in lines if t["xaxis"] == "x" and t["line"]["color"] == TAP)
    assert (min(window["y"]), max(window["y"]), max(window["x"])) == (0.5, 2.5, 1.5)
    assert not [t for t in spec["data"] if t.get("fill") == "toself"]  # no cover


def test_a_framed_figure_survives_a_copy():
    import copy

    fig = sliding.animation(SEED)
    assert copy.deepcopy(fig).to_dict()["frames"] == fig.to_dict()["frames"]
    assert math.isclose(fig.layout.height, copy.deepcopy(fig).layout.height)


def test_plotly_measures_no_text_per_frame_and_never_grows_the_margins():
    """Counts, not timings: every distinct slider label and every tick label Plotly hides
    past the page's edge is a forced layout of the whole Streamlit page in the browser."""
    X = windows.random_grid(16, 16, seed=0)
    spec = as_json(sliding.animation(sliding_windows(X, torch.ones(3, 3), padding=1)))
    steps = spec["layout"]["sliders"][0]["steps"]
    assert len(steps) == 256 and {s["label"] for s in steps} == {""}
    assert spec["layout"]["sliders"][0]["currentvalue"]["visible"] is False
    axes = [v for k, v in spec["layout"].items() if k.startswith(("xaxis", "yaxis"))]
    assert all(a.get("ticklabeloverflow") == "allow" for a in axes if a.get("visible", True))
    assert spec["layout"]["margin"]["autoexpand"] is False
    # The step and the cell are written above each frame's formula instead.
    assert spec["frames"][5]["data"][-1]["text"].startswith("Step 6/256<br><b>Y[0, 5]</b>")


def cell_texts(spec: dict) -> list[tuple[str, float, float]]:
    """(text, font size, cell px) of every number written in a cell of the figure."""
    out = []
    for t in spec["data"]:
        texts = t.get("text")
        if t["type"] == "heatmap" and texts:
            out += [(s, t["textfont"]["size"]) for row in texts for s in row]
        elif t.get("mode") == "text" and isinstance(texts, list):
            out += [(s.lstrip("×"), t["textfont"]["size"]) for s in texts]
    return out


@pytest.mark.parametrize("width", [None, 350])
@pytest.mark.parametrize("K", ["Gaussian", "Box blur", "Sobel x"])
def test_every_number_fits_its_cell(K, width):
    from core import kernels
    from viz.grid import PAD_PX, label_px

    for X, padding in ((windows.D2L_X, 0), (windows.random_grid(16, 16, seed=3), 1)):
        trace = sliding_windows(torch.tensor(X, dtype=torch.float32) if isinstance(X, list)
                                else X, kernels.preset(K), padding=padding)
        L = sliding._Layout(trace, formula_lines=3, controls=True, width=width)
        spec = as_json(sliding.animation(trace, width=width))
        for text, size in cell_texts(spec):
            assert label_px(text, size) <= L.cell - PAD_PX, (text, size, L.cell)
