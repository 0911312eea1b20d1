"""viz.channels: figures built from the seed's tensors carry the seed's numbers, labels and shapes;
big settings switch to the compact view with a handful of traces."""

import numpy as np
import pytest

import core
from core import channels as ch
from tests.viz.readers import TAG
from viz.channels import groups_figure, matmul_figure, multi_in_figure, multi_out_figure


def texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def cells(trace) -> list[str]:
    """Every number written in a trace's cells (without the span that colours it white)."""
    return [] if trace.text is None else [TAG.sub("", str(t))
                                          for t in np.asarray(trace.text).ravel() if t]


@pytest.fixture(scope="module")
def seed_in():
    mi = ch.multi_in(ch.SEED_X, ch.SEED_K)
    return multi_in_figure(ch.SEED_X, ch.SEED_K, mi.parts, mi.Y)


def test_multi_in_ends_with_the_seed_sum_written_in_its_cells(seed_in):
    last = seed_in.data[-1]
    assert np.array_equal(np.asarray(last.z), [[56, 72], [104, 120]])
    assert cells(last) == ["56", "72", "104", "120"]
    assert seed_in.layout.meta["numbers"] is True


def test_multi_in_shows_the_plus_between_terms_and_equals_before_the_sum(seed_in):
    ops = [t for t in texts(seed_in) if t in ("<b>+</b>", "<b>=</b>")]
    assert ops == ["<b>+</b>", "<b>=</b>"]  # ci = 2: one "+", then "="
    assert cells(seed_in.data[2]) == ["19", "25", "37", "47", "37", "43", "67", "77"]
    assert "input X: ci × h × w = 2 × 3 × 3" in texts(seed_in)


def test_multi_in_blocks_line_up_by_channel(seed_in):
    # Channel 1's X, K and term share a left edge, so a column reads top to bottom.
    frames = [s for s in seed_in.layout.shapes if s.line.color == "#999"]
    lefts = sorted({round(s.x0, 3) for s in frames})
    assert len(lefts) == 3  # channel 0, channel 1, the sum


def test_multi_out_labels_the_kernel_shape_and_draws_the_seed_outputs():
    Y = core.corr2d_multi_in_out(ch.SEED_X, ch.SEED_K_OUT)
    fig = multi_out_figure(ch.SEED_K_OUT, Y, col_names=["K", "K + 1", "K + 2"])
    assert "kernel K: co × ci × kh × kw = 3 × 2 × 2 × 2" in texts(fig)
    assert "o=2 · K + 2" in texts(fig)
    out = fig.data[-1]
    for numbers in (["56", "72"], ["76", "100"], ["96", "128"]):
        assert all(n in cells(out) for n in numbers)
    assert len(fig.data) == 3  # one trace per input channel of K, one for Y


def test_matmul_figure_labels_shapes_and_outlines_one_product():
    T = ch.channel_tensors(ci=2, co=3, n=3, k=2)
    ob = ch.one_by_one(T.X, T.K1)
    fig = matmul_figure(ob.Xm, ob.Km, ob.Ym, ob.Y1)
    labels = " | ".join(texts(fig))
    for words in ("X.view(ci, h·w): 2 × 9", "K.view(co, ci)<br>3 × 2",
                  "Y = torch.mm(K, X): 3 × 9", "Y.view(co, h, w): 3 × 3 × 3"):
        assert words in labels
    assert np.array_equal(np.asarray(fig.data[2].z), ob.Ym.numpy())
    red = [s for s in fig.layout.shapes if s.line.width == 3]
    assert len(red) == 3  # K's row 0, X's column 0, Y[0, 0]


def test_large_settings_switch_to_a_compact_view_with_few_traces():
    T = ch.channel_tensors(ci=8, co=8, n=12, k=3, values="uniform")
    mi = ch.multi_in(T.X, T.K[0], padding=1)
    fig_in = multi_in_figure(T.X, T.K[0], mi.parts, mi.Y)
    Y = core.corr2d_multi_in_out(T.X, T.K, padding=1)
    fig_out = multi_out_figure(T.K, Y)
    ob = ch.one_by_one(T.X, T.K1)
    fig_mm = matmul_figure(ob.Xm, ob.Km, ob.Ym, ob.Y1)
    for fig in (fig_in, fig_out, fig_mm):
        assert fig.layout.meta["numbers"] is False
        assert all(not t.texttemplate for t in fig.data)
    assert len(fig_in.data) == 4 and len(fig_out.data) == 9  # not 8 × 8 = 64 grids
    # Values still reachable: each cell's hover names the block and the value.
    assert fig_out.data[0].customdata[0][0].startswith("K[0, 0][0, 0] = ")


def test_numbers_can_be_forced_off():
    mi = ch.multi_in(ch.SEED_X, ch.SEED_K)
    fig = multi_in_figure(ch.SEED_X, ch.SEED_K, mi.parts, mi.Y, numbers=False)
    assert fig.layout.meta["numbers"] is False and not fig.data[0].texttemplate


def test_groups_figure_colours_one_cell_per_kernel():
    fig = groups_figure(ch.group_mask(4, 8, 2), kernel="3×3")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (8, 4)
    assert int(np.isfinite(z).sum()) == 8 * 4 // 2
    assert sorted({int(v) for v in z[np.isfinite(z)]}) == [0, 1]


def test_on_a_phone_a_sheet_sizes_its_cells_for_the_column_and_wraps_its_captions():
    mi = ch.multi_in(ch.SEED_X, ch.SEED_K)
    fig = multi_in_figure(ch.SEED_X, ch.SEED_K, mi.parts, mi.Y, width=340)
    wide = multi_in_figure(ch.SEED_X, ch.SEED_K, mi.parts, mi.Y)
    assert fig.layout.height < wide.layout.height  # smaller cells
    notes = [TAG.sub("", t.replace("<br>", " ")) for t in texts(fig)]
    assert any(t.startswith("Colours") for t in notes)
    assert any("<br>" in t for t in texts(fig))  # the legend no longer runs past 340 px
    assert "c=0" in notes  # "corr2d(X[0], K[0])" is wider than its block there
    assert fig.layout.meta["numbers"] and cells(fig.data[-1]) == ["56", "72", "104", "120"]
