"""The learning page's figures carry the right data: no NaN drawn, reference lines, scales."""

import math

import numpy as np

from tests.apptest import decode
from tests.viz.readers import TAG
from viz.learn import EXACT, input_grid, kernel_grid, loss_curve


def ys(fig, i=0):
    return np.asarray(decode(fig.to_plotly_json()["data"][i]["y"]), dtype=float)


def test_the_curve_spans_the_whole_run_from_the_first_step():
    fig = loss_curve([8.0, 4.0, 2.0], total=20)
    assert list(fig.layout.xaxis.range) == [0.5, 20.5]
    assert fig.layout.yaxis.type == "log"
    assert list(ys(fig)) == [8.0, 4.0, 2.0]
    assert loss_curve([1.0], total=5, log=False).layout.yaxis.type == "linear"


def test_non_finite_losses_are_never_drawn_as_data():
    fig = loss_curve([3.0, 30.0, math.inf, math.nan], total=20, diverged=True)
    assert np.isfinite(ys(fig)).all() and list(ys(fig)) == [3.0, 30.0]
    marker = fig.data[1]
    assert list(marker.x) == [2] and "diverged at step 4" in marker.text[0]


def test_zero_loss_is_left_off_a_log_axis_but_kept_on_a_linear_one():
    assert list(ys(loss_curve([1.0, 0.0], total=2))) == [1.0]
    assert list(ys(loss_curve([1.0, 0.0], total=2, log=False))) == [1.0, 0.0]


def test_the_least_squares_optimum_is_a_dashed_reference_line():
    fig = loss_curve([10.0, 5.0], total=10, optimum=2.5)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].y0 == lines[0].y1 == 2.5
    assert lines[0].line.dash == "dash"
    assert "2.5" in fig.layout.annotations[0].text


def test_an_optimum_of_about_zero_is_said_in_the_title_on_a_log_axis():
    fig = loss_curve([10.0, 5.0], total=10, optimum=EXACT * 10 / 2)
    assert not fig.layout.shapes
    assert "best possible ≈ 0" in fig.layout.title.text
    linear = loss_curve([10.0, 5.0], total=10, optimum=0.0, log=False)
    assert [s.y0 for s in linear.layout.shapes] == [0.0]


def test_grids_share_a_colour_scale_and_hide_round_off():
    fig = kernel_grid([[1.0, -4.93e-9], [-2.0, 2.0]], zmax=4.0)
    z = np.asarray(decode(fig.to_plotly_json()["data"][0]["z"]), dtype=float)
    assert z[0, 1] == 0.0 and z[1, 0] == -2.0
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-4.0, 4.0)
    assert fig.data[0].text[0][1] == "0"


def test_long_numbers_get_fewer_digits_to_fit_their_cells():
    """Cells of 48 px leave a label 44 px: "−1" at the full 16 px; "−0.979" (6 characters
    × 0.6 em) would need 12 px, so it is written "−0.98" at 14 px instead."""
    fig = kernel_grid([[1.0, -1.0]])
    assert fig.data[0].textfont.size == 16
    for values in ([[1.0, -0.979]], [[6.17e6, 1.0]], [[6.17e6, 1.0, 0.0, 0.0]]):
        trace = kernel_grid(values).data[0]
        labels = [TAG.sub("", t) for row in trace.text for t in row]
        assert trace.textfont.size >= 13
        assert all(len(t) * 0.6 * trace.textfont.size <= 48 - 4 for t in labels), labels
    assert "−0.98" in [TAG.sub("", t) for t in kernel_grid([[1.0, -0.979]]).data[0].text[0]]


def test_a_small_input_is_numbered_and_a_big_one_is_one_picture():
    assert input_grid(np.ones((6, 8))).data[0].type == "heatmap"
    assert input_grid(np.ones((64, 64))).data[0].type == "image"


def test_the_animation_has_one_frame_per_shown_step_with_that_steps_kernel():
    from viz.learn import training_animation

    W = np.array([[[1.0, 2.0]], [[3.0, 4.0]], [[5.0, 6.0]]])
    P = np.zeros((3, 2, 2))
    fig = training_animation([9.0, 4.0, 2.0, 1.0, 0.5], [1, 3, 5], W, -W, P, np.zeros((2, 2)),
                             total=5)
    d = fig.to_dict()
    assert [f["name"] for f in d["frames"]] == ["1", "3", "5"]
    assert [f["data"][2]["z"] for f in d["frames"]] == [[[1.0, 2.0]], [[3.0, 4.0]], [[5.0, 6.0]]]
    # the loss after step s is covered from s on: the curve grows
    assert d["frames"][1]["data"][0]["x"][0] == 3.15
    assert [s["label"] for s in d["layout"]["sliders"][0]["steps"]] == [
        "1 of 5 · loss 9", "3 of 5 · loss 2", "5 of 5 · loss 0.5"]
    assert d["layout"]["sliders"][0]["active"] == 2  # opens on the last step shown
    go_fig = type(fig).__mro__[1](d)  # plotly validates the frames once
    assert len(go_fig.frames) == 3


def test_each_frame_colours_the_gradient_on_its_own_steps_scale():
    # ∂loss/∂K shrinks by orders over a run: on the last step's ±0.4 scale, step 1's 13.1
    # would be one saturated colour (seen in the notebook run). K keeps the run's one scale.
    from viz.learn import training_animation

    W = np.array([[[1.0, 2.0]], [[3.0, 4.0]]])
    G = np.array([[[11.8, -13.1]], [[0.4, -0.2]]])
    fig = training_animation([9.0, 1.0], [1, 2], W, G, np.zeros((2, 2, 2)), np.zeros((2, 2)),
                             total=2, kmax=4.0)
    d = fig.to_dict()
    grads = [f["data"][3] for f in d["frames"]]
    assert [(g["zmin"], g["zmax"]) for g in grads] == [(-13.1, 13.1), (-0.4, 0.4)]
    assert all("zmin" not in f["data"][2] for f in d["frames"])  # K: one scale, kmax
    shown = [t for t in d["data"] if t.get("xaxis") == "x3"][0]  # the opening view: last step
    assert (shown["zmin"], shown["zmax"]) == (-0.4, 0.4)
    type(fig).__mro__[1](d)  # and plotly accepts the frames


def test_on_a_phone_the_grids_stand_two_to_a_row_with_numbers_that_fit_every_frame():
    from viz.grid import label_px
    from viz.learn import PHONE_GAP_PX, PHONE_MARGIN, training_animation

    W = np.array([[[1.0, -0.5]], [[1.5, -0.98765]], [[1.01, -0.98]]])
    P = np.arange(3 * 6 * 7, dtype=float).reshape(3, 6, 7) / 10
    fig = training_animation([9.0, 4.0, 0.5], [1, 2, 3], W, -W, P, P[-1], total=3, width=340)
    d = fig.to_dict()
    lay = d["layout"]
    # K beside ∂loss/∂K, Ŷ beside Y, the second row under the first
    assert lay["xaxis2"]["domain"][1] < lay["xaxis3"]["domain"][0]
    assert lay["yaxis2"]["domain"] == lay["yaxis3"]["domain"]
    assert lay["yaxis4"]["domain"][1] < lay["yaxis2"]["domain"][0]
    # each frame's K labels fit a cell at the trace's one type size
    plot_w = 340 - PHONE_MARGIN["l"] - PHONE_MARGIN["r"]
    cell = min(48, (plot_w - PHONE_GAP_PX) / 2 / 2)
    k_trace = d["data"][-4]
    size = k_trace["textfont"]["size"]
    for frame in d["frames"]:
        for t in np.ravel(frame["data"][2]["text"]):
            assert label_px(TAG.sub("", t), size) <= cell
    assert [TAG.sub("", t) for t in np.ravel(k_trace["text"])] == ["1.01", "−0.98"]
    assert len(d["layout"]["updatemenus"][0]["buttons"]) == 5  # the same controls as wide


def test_without_a_width_the_animation_keeps_its_wide_layout():
    from viz.learn import training_animation

    W = np.ones((2, 1, 2))
    fig = training_animation([2.0, 1.0], [1, 2], W, W, np.zeros((2, 2, 2)), np.zeros((2, 2)),
                             total=2, width=1200)
    assert fig.layout.xaxis2.domain == (0.01, 0.24)  # four grids in a row


def test_wide_each_grid_writes_every_frames_numbers_at_one_size_that_fits_or_none_at_all():
    """A frame's numbers are drawn at the trace's type size (frames change the text only): so
    that size is the smallest any frame needs, and a grid with a frame whose numbers fit at no
    size writes none in any frame (a frame without text would go on showing the last one's)."""
    from viz.grid import PAD_PX, cell_px, label_px
    from viz.learn import training_animation

    # K: full labels at first ("−0.98765" needs shortening), whole numbers later (bigger type).
    W = np.array([[[1.0, -0.98765]], [[1.5, -0.5]], [[1.0, 2.0]]])
    # Ŷ 16×16: its last frame 0s and 1s fit its small cells, its first frame's −0.123 cannot.
    P = np.stack([np.full((16, 16), -0.123), np.eye(16), np.eye(16)])
    fig = training_animation([9.0, 4.0, 0.5], [1, 2, 3], W, -W, P, P[-1], total=3)
    d = fig.to_dict()
    k_trace, p_trace = d["data"][-4], d["data"][-2]
    size = k_trace["textfont"]["size"]
    cell = cell_px((1, 2), colorbar=True)
    for frame in d["frames"]:
        for t in np.ravel(frame["data"][2]["text"]):
            assert label_px(TAG.sub("", t), size) <= cell - PAD_PX
    assert [TAG.sub("", t) for t in np.ravel(d["frames"][0]["data"][2]["text"])] == ["1", "−0.99"]
    assert [TAG.sub("", t) for t in np.ravel(k_trace["text"])] == ["1", "2"]
    assert "text" not in p_trace and all("text" not in f["data"][4] for f in d["frames"])
