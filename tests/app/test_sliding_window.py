"""The sliding-window page in AppTest: defaults, every control, URL round trips, bad input."""

from __future__ import annotations

import json

import pytest

from tests.apptest import all_text, assert_clean, decode, figures, run_page

PAGE = "pages/sliding_window.py"


def animation(at) -> dict:
    """The animated figure (the one with frames)."""
    return next(f for f in figures(at) if f.get("frames"))


def output_of(fig: dict) -> list[list[float]]:
    """Y as drawn in the output panel."""
    heat = next(t for t in fig["data"] if t["type"] == "heatmap" and t.get("xaxis") == "x3")
    return decode(heat["z"]).tolist()


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_defaults_show_the_seed_output_and_its_arithmetic(default):
    assert_clean(default)
    assert output_of(animation(default)) == [[19, 25], [37, 43]]
    text = all_text(default)
    assert "Y[0, 0] = 0×0 + 1×1 + 3×2 + 4×3 = 19" in text
    assert "def corr2d_loop" in text
    assert "F.conv2d(X[None, None], K[None, None])[0, 0]" in text
    assert "✓ Both give the same 2×2 Y" in text
    assert "H_out = ⌊(3 + 0 + 0 − 1·(2 − 1) − 1) / 1⌋ + 1 = ⌊1 / 1⌋ + 1 = 2" in text
    assert not default.error


CHANGES = [  # (widget kind, key, new value)
    ("selectbox", "sw_x", "seed stripes 6×8"),
    ("selectbox", "sw_x", "random integers"),
    ("selectbox", "sw_k", "edge [1, -1]"),
    ("selectbox", "sw_k", "preset"),
    ("toggle", "sw_flip", True),
    ("slider", "sw_pad_h", 1),
    ("slider", "sw_pad_w", 2),
    ("slider", "sw_stride_h", 2),
    ("slider", "sw_stride_w", 2),
    ("slider", "sw_dil_h", 2),
    ("slider", "sw_dil_w", 2),
]


@pytest.mark.parametrize("kind, key, value", CHANGES)
def test_each_control_changes_the_animation(default, kind, key, value):
    at = run_page(PAGE)
    widget = getattr(at, kind)(key=key)
    (widget.select(value) if kind == "selectbox" else widget.set_value(value)).run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert animation(at) != animation(default)


@pytest.mark.parametrize("query", [
    {"sw_mode": "reflect", "sw_pad_h": "1"},
    {"sw_x": "random integers", "sw_rows": "4"},
    {"sw_x": "random integers", "sw_seed": "5"},
    {"sw_k": "preset", "sw_kpreset": "Laplacian"},
    {"sw_x": "typed", "sw_xgrid": "1 2 3 4; 5 6 7 8"},
    {"sw_k": "typed", "sw_kgrid": "1 0; 0 -1"},
])
def test_the_conditional_controls_change_the_animation_too(query):
    base = {k: v for k, v in query.items() if k in ("sw_x", "sw_k", "sw_pad_h")}
    before, after = run_page(PAGE, base), run_page(PAGE, query)
    assert_clean(after)
    assert not after.error, [e.value for e in after.error]
    assert animation(after) != animation(before)


def test_the_cell_picker_shows_the_formula_and_receptive_field():
    at = run_page(PAGE)
    at.slider(key="sw_r").set_value(1).run()
    text = all_text(at)
    assert "Y[1, 0] = 3×0 + 4×1 + 6×2 + 7×3 = 37" in text
    assert "Y[1, 0] = X[1,0]·K[0,0] + X[1,1]·K[0,1] + X[2,0]·K[1,0] + X[2,1]·K[1,1]" in text
    assert "rows 1 to 2 and columns 0 to 1 of X (2×2 cells); 4 taps read X." in text


def test_the_picked_cell_follows_a_shrinking_output():
    at = run_page(PAGE, {"sw_pad_h": "1"})  # Y is 4×2
    at.slider(key="sw_r").set_value(3).run()
    assert "Y[3, 0]" in all_text(at)
    at.slider(key="sw_pad_h").set_value(0).run()  # Y is 2×2 again
    assert_clean(at)
    assert at.slider(key="sw_r").value == 1
    assert "Y[1, 0] = 3×0" in all_text(at)


def test_convolution_shows_the_flipped_kernel_and_both_outputs():
    at = run_page(PAGE, {"sw_flip": "true"})
    assert_clean(at)
    assert output_of(animation(at)) == [[5, 11], [23, 29]]
    zs = [decode(t["z"]).tolist() for f in figures(at) for t in f["data"]
          if t["type"] == "heatmap" and t.get("xaxis", "x") == "x" and len(f["data"]) == 1]
    assert [[3, 2], [1, 0]] in zs  # the flipped kernel
    assert [[19, 25], [37, 43]] in zs and [[5, 11], [23, 29]] in zs
    assert "K.flip(0, 1)[None, None]" in all_text(at)


def test_unreached_rows_and_columns_are_named():
    at = run_page(PAGE, {"sw_x": "seed stripes 6×8", "sw_stride_h": "2"})
    assert "Along H" not in all_text(at)  # 6 − 2 = 4 rows of room: stride 2 divides it
    assert "Every cell of X is read by at least one window." in all_text(at)
    at = run_page(PAGE, {"sw_x": "seed stripes 6×8", "sw_stride_h": "3"})
    text = all_text(at)
    assert "Along H, the stride 3 does not divide 4 (= padded 6 − span 2): the last padded " \
        "row is never covered by a window." in text
    # Windows cover rows 0–1 and 3–4: row 2 falls between them, row 5 after the last.
    assert "Never read by any window: rows 2, 5 of X." in text


def test_url_round_trip_reproduces_the_figure():
    at = run_page(PAGE)
    at.selectbox(key="sw_k").select("preset").run()
    at.selectbox(key="sw_kpreset").select("Sobel x").run()
    at.selectbox(key="sw_x").select("random integers").run()
    at.slider(key="sw_seed").set_value(42).run()
    at.slider(key="sw_pad_w").set_value(1).run()
    at.slider(key="sw_stride_h").set_value(2).run()
    at.selectbox(key="sw_mode").select("replicate").run()
    at.toggle(key="sw_flip").set_value(True).run()
    at.slider(key="sw_c").set_value(2).run()
    assert_clean(at)
    keys = ("sw_x", "sw_k", "sw_kpreset", "sw_seed", "sw_pad_w", "sw_stride_h", "sw_mode",
            "sw_flip", "sw_c")
    query = {k: json.dumps(v) if isinstance(v, bool) else str(v)
             for k in keys for v in [at.session_state[k]]}
    again = run_page(PAGE, query)
    assert_clean(again)
    notes = [w.value for w in again.warning if "could not be used" in w.value]
    assert not notes  # every value in the URL was taken
    assert figures(again) == figures(at)


def sidebar_control(at, key: str):
    """The sidebar widget with this key (any kind)."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)
    return next(w for w in walk(at.sidebar) if getattr(w, "key", None) == key)


@pytest.mark.parametrize("query, message, fix", [
    ({"sw_k": "preset", "sw_kpreset": "Sobel x", "sw_dil_h": "2"},
     "no output along the height: kernel 3 with dilation 2 spans 5 > padded input 3",
     ("sw_dil_h", 1)),
    ({"sw_mode": "reflect", "sw_pad_w": "3"}, "reflect padding must be smaller than the input",
     ("sw_pad_w", 1)),
    ({"sw_k": "typed", "sw_kgrid": "1 2 3 4"}, "kernel 4 with dilation 1 spans 4 > padded",
     ("sw_kgrid", "1 2")),
    ({"sw_x": "typed", "sw_xgrid": "1 2; 3"}, "every row needs the same number of values",
     ("sw_xgrid", "1 2; 3 4")),
    ({"sw_k": "typed", "sw_kgrid": "1 x"}, "'x' is not a number", ("sw_kgrid", "1 2")),
])
def test_invalid_configurations_explain_the_rule_without_crashing(query, message, fix):
    at = run_page(PAGE, query)
    assert_clean(at)
    errors = " ".join(e.value for e in at.error)
    assert message in errors
    assert not [f for f in figures(at) if f.get("frames")]  # no animation of nothing
    key, value = fix  # the controls stay usable: the sidebar fixes it
    sidebar_control(at, key).set_value(value).run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert animation(at)


def test_the_seed_slider_says_what_the_seed_does():
    at = run_page(PAGE, {"sw_x": "random integers"})
    seed = at.slider(key="sw_seed")
    assert seed.label == "Random seed" and seed.max == 99
    assert "digits 0–9" in seed.help and "seed picks which" in seed.help


@pytest.mark.parametrize("padding", ["1", "2"])
def test_the_animation_sent_at_16x16_stays_under_a_megabyte(padding):
    """A size, not a time: the bytes of the animated figure as the page sends it."""
    at = run_page(PAGE, {"sw_x": "random integers", "sw_rows": "16", "sw_cols": "16",
                         "sw_k": "preset", "sw_kpreset": "Sobel x", "sw_pad_h": padding,
                         "sw_pad_w": padding})
    assert_clean(at)
    sizes = [len(c.proto.spec.encode()) for c in at.get("plotly_chart")
             if '"frames": [{' in c.proto.spec or '"frames":[{' in c.proto.spec]
    assert len(sizes) == 1 and sizes[0] < 1_000_000, sizes


# -- the matrix view (the book's exercise 4) -------------------------------------------------


def matrix_figures(at) -> list[dict]:
    """The matrix view's figures: W·vec(X) and im2col(X)·vec(K)."""
    return [f for f, c in zip(figures(at), at.get("plotly_chart"))
            if c.key in ("sw_matrix_w", "sw_matrix_cols")]


def test_the_matrix_view_is_off_by_default_and_the_link_turns_it_on(default):
    assert not matrix_figures(default)
    at = run_page(PAGE, {"sw_matrix": "true"})
    assert_clean(at)
    W, cols = matrix_figures(at)
    from core.matrix import conv_matrix, im2col
    assert decode(W["data"][0]["z"]).tolist() == conv_matrix((3, 3), [[0, 1], [2, 3]]).tolist()
    assert decode(W["data"][2]["z"]).ravel().tolist() == [19, 25, 37, 43]
    assert W["data"][0]["y"] == ["Y[0, 0]", "Y[0, 1]", "Y[1, 0]", "Y[1, 1]"]
    assert W["data"][0]["x"][4] == "X[1, 1]"
    assert decode(cols["data"][0]["z"]).tolist() == im2col(
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2).tolist()
    assert cols["data"][1]["y"] == ["K[0, 0]", "K[0, 1]", "K[1, 0]", "K[1, 1]"]
    assert "✓ Both products give the sliding window's Y (largest difference 0)" in all_text(at)


def test_the_matrix_view_follows_the_geometry_and_the_flip():
    at = run_page(PAGE, {"sw_matrix": "true", "sw_pad_w": "1", "sw_stride_h": "2",
                         "sw_flip": "true"})
    assert_clean(at)
    W, _ = matrix_figures(at)
    from core.matrix import conv_matrix
    K = [[3, 2], [1, 0]]  # flipped
    assert decode(W["data"][0]["z"]).tolist() == conv_matrix(
        (3, 3), K, padding=(0, 1), stride=(2, 1)).tolist()
    assert "largest difference 0" in all_text(at)


def test_the_matrix_view_says_plainly_when_it_is_not_drawn():
    at = run_page(PAGE, {"sw_matrix": "true", "sw_mode": "reflect", "sw_pad_h": "1"})
    assert_clean(at)
    assert not matrix_figures(at)
    assert any("drawn for zero padding" in i.value for i in at.info)
    big = run_page(PAGE, {"sw_matrix": "true", "sw_x": "random integers", "sw_rows": "16",
                          "sw_cols": "16", "sw_k": "typed", "sw_kgrid": "1", "sw_pad_h": "6",
                          "sw_pad_w": "6"})
    assert_clean(big)
    assert not matrix_figures(big)
    message = " ".join(e.value for e in big.error)
    assert "The matrix is too large to draw." in message and "(784, 256)" in message
    assert "矩阵太大" in " ".join(e.value for e in run_page(PAGE, {
        "sw_matrix": "true", "sw_x": "random integers", "sw_rows": "16", "sw_cols": "16",
        "sw_k": "typed", "sw_kgrid": "1", "sw_pad_h": "6", "sw_pad_w": "6",
        "lang": "zh"}).error)
