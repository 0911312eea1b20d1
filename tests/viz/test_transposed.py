"""The transposed-convolution figures and the matrix figure carry core's numbers, name their
panels, rows and columns, and send what Plotly's validated figure sends."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import torch

from core.errors import TooManyElements
from core.matrix import conv_matrix
from core.transposed import (
    TRANS_K,
    TRANS_X,
    TRANS_Y,
    TRANS_Y_PADDING_1,
    TRANS_Y_STRIDE_2,
    as_conv,
    scatter,
    trans_conv_matrix,
)
from tests.apptest import decode
from viz import matrix
from viz.transposed import INSERTED, as_conv_figure, scatter_animation

BOOK = [({}, TRANS_Y), ({"padding": 1}, TRANS_Y_PADDING_1), ({"stride": 2}, TRANS_Y_STRIDE_2)]


def sent(fig) -> dict:
    """The JSON st.plotly_chart sends (validate=False, as Streamlit calls it)."""
    return json.loads(pio.to_json(fig, validate=False))


def output_trace(spec: dict) -> dict:
    return next(t for t in spec["data"] if t["type"] == "heatmap" and t.get("xaxis") == "x4"
                and "colorscale" in t and t["hovertemplate"].startswith("Y["))


def titles(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"]]


@pytest.mark.parametrize("kw, Y", BOOK)
def test_the_scatters_last_frame_is_the_books_output(kw, Y):
    spec = sent(scatter_animation(scatter(TRANS_X, TRANS_K, **kw)))
    moving = spec["frames"][-1]["traces"]
    out_index = spec["data"].index(output_trace(spec))
    last = spec["frames"][-1]["data"][moving.index(out_index)]
    assert decode(last["z"]).tolist() == [list(r) for r in Y]
    assert len(spec["frames"]) == 4  # one stamp per input cell


def test_each_frame_shows_the_running_sum_and_the_stamp_of_its_input_cell():
    sc = scatter(TRANS_X, TRANS_K, stride=2)
    spec = sent(scatter_animation(sc))
    for n, frame in enumerate(spec["frames"]):
        out, stamp = frame["data"][0], frame["data"][1]
        assert decode(out["z"]).tolist() == sc.stamps[n].total.tolist()
        assert decode(stamp["z"]).tolist() == sc.stamps[n].stamp.tolist()
    # X[1, 1] = 3 stamps 3·K onto rows 2..3, columns 2..3, and says so
    assert spec["frames"][3]["data"][-1]["text"].endswith(
        "X[1, 1] = 3: 3 × K is added to Y at rows 2 to 3, columns 2 to 3")
    assert spec["frames"][3]["data"][1]["text"] == [["0", "3"], ["6", "9"]]


def test_every_panel_is_named_input_kernel_stamp_or_output_in_both_languages():
    sc = scatter(TRANS_X, TRANS_K, padding=1)
    assert titles(sent(scatter_animation(sc))) == [
        "<b>input X</b>", "<b>kernel K</b>", "<b>stamp X[i, j]·K</b>",
        "<b>output Y (running sum)</b>"]
    assert titles(sent(scatter_animation(sc, lang="zh"))) == [
        "<b>输入 X</b>", "<b>卷积核 K</b>", "<b>叠加项 X[i, j]·K</b>", "<b>输出 Y（累加中）</b>"]
    conv = titles(sent(as_conv_figure(as_conv(TRANS_X, TRANS_K, stride=2))))
    assert conv == ["<b>input: X spread out, with a border</b>", "<b>flipped K</b>",
                    "<b>output Y</b>"]


def test_the_padding_crops_a_grey_ring_around_y_in_output_coordinates():
    spec = sent(scatter_animation(scatter(TRANS_X, TRANS_K, padding=1)))
    crop = next(t for t in spec["data"] if t.get("hovertemplate", "").startswith("cropped"))
    z = np.array(crop["z"] if isinstance(crop["z"], list) else decode(crop["z"]), dtype=float)
    assert z.shape == (3, 3) and np.isnan(z[1, 1]) and np.nansum(z == 0) == 8
    assert spec["layout"]["xaxis4"]["ticktext"] == ["-1", "0", "1"]


def test_the_convolution_view_tells_inputs_inserted_zeros_and_border_apart():
    v = as_conv(TRANS_X, TRANS_K, stride=2)
    spec = sent(as_conv_figure(v))
    real, other = spec["data"][0], spec["data"][1]
    hover = real["customdata"]
    assert hover[1][1] == "X[0, 0]" and hover[1][3] == "X[0, 1]" and hover[3][3] == "X[1, 1]"
    assert hover[1][2] == "inserted 0 (stride)" and hover[0][0] == "border 0"
    assert other["colorscale"][0][1] == INSERTED
    y = next(t for t in spec["data"] if t.get("xaxis") == "x3")
    assert decode(y["z"]).tolist() == [list(r) for r in TRANS_Y_STRIDE_2]
    flipped = next(t for t in spec["data"] if t.get("xaxis") == "x2")
    assert decode(flipped["z"]).tolist() == [[3, 2], [1, 0]]


def test_a_negative_border_crops_the_spread_input_and_names_what_is_left():
    v = as_conv(torch.arange(16.0).reshape(4, 4), torch.ones(3, 3), stride=2, padding=3)
    assert v.border == ((-1, -1), (-1, -1))
    hover = sent(as_conv_figure(v))["data"][0]["customdata"]
    # spread 7×7 cropped by one cell each side: its first cell is the inserted zero at (1, 1)
    assert len(hover) == 5 and hover[0][0] == "inserted 0 (stride)" and hover[1][1] == "X[1, 1]"


def test_the_matrix_figure_names_rows_and_columns_after_their_cells():
    M = trans_conv_matrix((2, 2), TRANS_K)
    X = torch.tensor(TRANS_X, dtype=torch.float32)
    Y = torch.tensor(TRANS_Y, dtype=torch.float32)
    spec = sent(matrix.product(
        M, X.reshape(-1), Y.reshape(-1), names=("Wᵀ", "vec(X)", "vec(Y)"),
        rows=matrix.cell_names("Y", (3, 3)), cols=matrix.cell_names("X", (2, 2)),
        row_title="rows: output Y", col_title="columns: input X"))
    Wt, vx, vy = spec["data"]
    assert decode(Wt["z"]).tolist() == M.tolist()
    assert Wt["y"][1] == "Y[0, 1]" and Wt["x"][2] == "X[1, 0]"
    assert Wt["hovertemplate"].startswith("%{y} ← %{x}")
    assert decode(vy["z"]).ravel().tolist() == Y.reshape(-1).tolist()
    assert vx["y"] == ["X[0, 0]", "X[0, 1]", "X[1, 0]", "X[1, 1]"]
    assert Wt["text"][0] == ["", "", "", ""]  # W's zeros are structure: left blank
    assert vx["text"][0] == ["0"]  # X's 0 is a value: written
    assert "rows: output Y" in titles(spec)[-3]


def test_a_matrix_above_the_drawing_cap_is_refused_with_its_shape():
    M = conv_matrix((20, 20), torch.ones(1, 1), padding=0)  # 400×400 = 160000 entries
    with pytest.raises(TooManyElements) as e:
        matrix.product(M, names=("W", "", ""), rows=matrix.cell_names("Y", (20, 20)),
                       cols=matrix.cell_names("X", (20, 20)), row_title="r", col_title="c")
    assert e.value.shape == (400, 400) and e.value.maximum == matrix.MAX_DRAWN


def _largest_matrix():
    """The page's largest drawn matrix: Wᵀ of an 8×8 input, a 5×5 kernel and stride 4
    (Y is 33×33), with vec(X) and vec(Y)."""
    X = torch.arange(64.0).reshape(8, 8) % 7 - 3
    K = torch.arange(25.0).reshape(5, 5) % 5 - 2
    M = trans_conv_matrix((8, 8), K, stride=4)
    Y = scatter(X, K, stride=4).Y
    fig = matrix.product(M, X.reshape(-1), Y.reshape(-1), names=("Wᵀ", "vec(X)", "vec(Y)"),
                         rows=matrix.cell_names("Y", (33, 33)),
                         cols=matrix.cell_names("X", (8, 8)), row_title="r", col_title="c")
    return M, fig


def test_a_matrix_too_large_for_a_pixel_a_cell_is_a_spy_plot_of_every_nonzero_entry():
    M, fig = _largest_matrix()
    assert M.shape == (1089, 64)
    spec = sent(fig)
    Wt, vx, vy = spec["data"]
    assert Wt["type"] == "scatter" and Wt["marker"]["size"] >= 2
    rows, cols = torch.nonzero(M, as_tuple=True)
    assert len(Wt["x"]) == len(rows) == int((M != 0).sum()) > 0  # no entry dropped
    names_y, names_x = matrix.cell_names("Y", (33, 33)), matrix.cell_names("X", (8, 8))
    assert Wt["y"] == [names_y[i] for i in rows.tolist()]
    assert Wt["x"] == [names_x[j] for j in cols.tolist()]
    assert decode(Wt["marker"]["color"]).tolist() == M[rows, cols].tolist()
    assert Wt["hovertemplate"].startswith("%{y} ← %{x}: %{marker.color")
    # Every row and column keeps its place, empty ones too; Y[0, 0] on top.
    assert spec["layout"]["xaxis"]["categoryarray"] == names_x
    assert spec["layout"]["yaxis"]["categoryarray"] == names_y
    assert spec["layout"]["yaxis"]["range"] == [1088.5, -0.5]
    assert vx["type"] == vy["type"] == "heatmap"  # the vectors stay cells


def test_a_matrix_with_room_for_its_cells_stays_a_heatmap():
    M = trans_conv_matrix((5, 5), torch.ones(5, 5), stride=2)  # 169×25: cells of ≈ 4.5 px
    spec = sent(matrix.product(M, names=("W", "", ""), rows=matrix.cell_names("Y", (13, 13)),
                               cols=matrix.cell_names("X", (5, 5)), row_title="r",
                               col_title="c"))
    assert spec["data"][0]["type"] == "heatmap" and "shapes" not in spec["layout"]


def _builders():
    big = scatter(torch.arange(64.0).reshape(8, 8) % 10, torch.ones(5, 5), stride=4,
                  dilation=3, output_padding=3)
    return {
        "scatter, book": lambda: scatter_animation(scatter(TRANS_X, TRANS_K)),
        "scatter, phone": lambda: scatter_animation(scatter(TRANS_X, TRANS_K, stride=2),
                                                    width=360),
        "scatter, largest": lambda: scatter_animation(big),
        "as_conv, negative border": lambda: as_conv_figure(as_conv(
            torch.arange(16.0).reshape(4, 4), torch.ones(3, 3), stride=2, padding=3)),
        "as_conv, output padding": lambda: as_conv_figure(as_conv(
            TRANS_X, TRANS_K, stride=3, output_padding=2, dilation=2)),
        "matrix, largest (spy)": lambda: _largest_matrix()[1],
        "matrix alone": lambda: matrix.product(
            trans_conv_matrix((2, 2), TRANS_K).T, names=("W", "", ""),
            rows=matrix.cell_names("X", (2, 2)), cols=matrix.cell_names("Y", (3, 3)),
            row_title="r", col_title="c"),
    }


@pytest.mark.parametrize("name", list(_builders()))
def test_a_builder_sends_what_the_validated_figure_sends(name):
    fig = _builders()[name]()
    validated = fig.validated()  # raises on any property Plotly does not know
    assert sent(fig) == sent(validated)
    go.Figure(fig.to_dict())  # frames included


def test_the_largest_scatter_stays_small():
    big = scatter(torch.arange(64.0).reshape(8, 8) % 10, torch.ones(5, 5), stride=4,
                  dilation=3, output_padding=3)
    assert big.Y.shape == (44, 44)
    assert len(pio.to_json(scatter_animation(big), validate=False)) < 1_000_000
