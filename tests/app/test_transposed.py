"""The transposed-convolution page in AppTest: the book's numbers by default and one click
away, every view, URL round trips, bad link values, bad grids and PyTorch's output_padding rule
explained in both languages, never a traceback."""

from __future__ import annotations

import pytest

from core.errors import OutputPaddingTooLarge, TransNoOutput
from core.transposed import TRANS_Y, TRANS_Y_PADDING_1, TRANS_Y_STRIDE_2
from i18n import error_text, texts
from tests.app.test_lang import CHINESE
from tests.apptest import all_text, assert_clean, decode, figures, run_page

PAGE = "pages/transposed.py"


def animation(at) -> dict:
    return next(f for f in figures(at) if f.get("frames"))


def final_output(fig: dict) -> list[list[float]]:
    """Y after the last stamp, as the animation's last frame draws it."""
    out = next(t for t in fig["data"] if t["type"] == "heatmap" and t.get("xaxis") == "x4"
               and t.get("hovertemplate", "").startswith("Y["))
    index = fig["data"].index(out)
    frame = fig["frames"][-1]
    return decode(frame["data"][frame["traces"].index(index)]["z"]).tolist()


def book(Y) -> list[list[float]]:
    return [list(map(float, row)) for row in Y]


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_the_default_is_the_books_example_with_its_numbers(default):
    assert_clean(default)
    assert not default.error
    assert final_output(animation(default)) == book(TRANS_Y) == [[0, 0, 1], [0, 4, 6],
                                                                [4, 12, 9]]
    text = all_text(default)
    assert "H_out = (2 − 1)·1 − 2·0 + 1·(2 − 1) + 0 + 1 = 3" in text
    assert "nn.ConvTranspose2d(1, 1, kernel_size=2, bias=False)" in text
    assert ("✓ PyTorch's layer, the stamps, the ordinary convolution and the matrix give the "
            "same 3×3 Y") in text


@pytest.mark.parametrize("button, Y, code", [
    ("tc_book1", TRANS_Y_PADDING_1, "nn.ConvTranspose2d(1, 1, kernel_size=2, padding=1, "
                                    "bias=False)"),
    ("tc_book2", TRANS_Y_STRIDE_2, "nn.ConvTranspose2d(1, 1, kernel_size=2, stride=2, "
                                   "bias=False)"),
])
def test_the_books_other_examples_are_one_click_away_and_back(button, Y, code):
    at = run_page(PAGE, {"tc_x": "random integers", "tc_op_h": "0"})
    at.button(key=button).click().run()
    assert_clean(at)
    assert final_output(animation(at)) == book(Y)
    assert code in all_text(at)
    at.button(key="tc_book0").click().run()
    assert final_output(animation(at)) == book(TRANS_Y)


@pytest.mark.parametrize("query, Y", [
    ({"tc_pad_h": "1", "tc_pad_w": "1"}, TRANS_Y_PADDING_1),
    ({"tc_stride_h": "2", "tc_stride_w": "2"}, TRANS_Y_STRIDE_2),
])
def test_a_link_opens_the_books_examples(query, Y):
    at = run_page(PAGE, query)
    assert_clean(at)
    assert final_output(animation(at)) == book(Y)


@pytest.mark.parametrize("view, keys", [
    ("As a convolution", {"tc_conv"}),
    ("As a matrix", {"tc_w", "tc_wt"}),
])
def test_each_view_opens_from_the_link_with_the_same_y(view, keys):
    at = run_page(PAGE, {"tc_view": view, "tc_stride_h": "2", "tc_stride_w": "2"})
    assert_clean(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert keys <= charts and "tc_anim" not in charts
    assert "largest difference 0" in all_text(at)
    if view == "As a matrix":
        WT = figures(at)[-1]
        assert decode(WT["data"][2]["z"]).ravel().tolist() == [
            v for row in book(TRANS_Y_STRIDE_2) for v in row]
        assert WT["data"][0]["y"][0] == "Y[0, 0]" and WT["data"][0]["x"][3] == "X[1, 1]"


def test_changing_settings_and_reopening_the_link_gives_the_same_figures():
    at = run_page(PAGE)
    at.selectbox(key="tc_x").select("random integers").run()
    at.slider(key="tc_seed").set_value(7).run()
    at.slider(key="tc_rows").set_value(4).run()
    at.slider(key="tc_stride_w").set_value(3).run()
    at.slider(key="tc_op_w").set_value(2).run()
    at.slider(key="tc_dil_h").set_value(2).run()
    at.slider(key="tc_pad_h").set_value(1).run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.query_params["tc_x"] == "random integers"  # a choice writes its id
    keys = ("tc_seed", "tc_rows", "tc_stride_w", "tc_op_w", "tc_dil_h", "tc_pad_h")
    query = {"tc_x": "random integers", **{k: str(at.session_state[k]) for k in keys}}
    again = run_page(PAGE, query)
    assert_clean(again)
    assert not [w for w in again.warning if "could not be used" in w.value]
    assert figures(again) == figures(at)


@pytest.mark.parametrize("key, value, used", [
    ("tc_stride_h", "9", "1"), ("tc_op_w", "abc", "0"), ("tc_x", "bogus", "d2l X 2×2"),
    ("tc_view", "Nope", "Scatter"),
])
def test_a_bad_link_value_is_noted_and_replaced(key, value, used):
    at = run_page(PAGE, {key: value})
    assert_clean(at)
    notes = " ".join(w.value for w in at.warning)
    assert f"`{key}={value}` from the link is not a valid value; the page used `{used}`" in notes
    assert final_output(animation(at)) == book(TRANS_Y)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query, error", [
    ({"tc_op_h": "1"}, OutputPaddingTooLarge(axis="height", output_padding=1, stride=1,
                                             dilation=1)),
    ({"tc_stride_w": "2", "tc_op_w": "2"},
     OutputPaddingTooLarge(axis="width", output_padding=2, stride=2, dilation=1)),
    ({"tc_pad_h": "2"}, TransNoOutput(axis="height", n=2, k=2, padding=2, stride=1,
                                      dilation=1, output_padding=0)),
])
def test_pytorchs_rules_are_explained_in_the_readers_language(lang, query, error):
    at = run_page(PAGE, {**query, "lang": lang})
    assert_clean(at)
    message = " ".join(e.value for e in at.error)
    assert error_text(texts(lang), error).rstrip(".") in message
    assert texts(lang).gettext("This configuration has no output.") in message
    assert not [f for f in figures(at) if f.get("frames")]
    for key, value in query.items():  # what was set stays set
        assert str(at.slider(key=key).value) == value


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query, text_key, english", [
    ({"tc_x": "typed", "tc_xgrid": "1 2; 3"}, "tc_xgrid",
     "every row needs the same number of values"),
    ({"tc_k": "typed", "tc_kgrid": "1 x"}, "tc_kgrid", "'x' is not a number"),
    ({"tc_k": "typed", "tc_kgrid": "1 2 3 4 5 6"}, "tc_kgrid", "at most 5"),
])
def test_a_bad_grid_is_explained_and_kept_as_typed(lang, query, text_key, english):
    at = run_page(PAGE, {**query, "lang": lang})
    assert_clean(at)
    message = " ".join(e.value for e in at.error)
    assert message
    if lang == "en":
        assert english in message
    else:
        assert english not in message and CHINESE.search(message)
    assert at.text_input(key=text_key).value == query[text_key]
    assert not [f for f in figures(at) if f.get("frames")]


def test_a_typed_grid_runs_and_matches_pytorch():
    at = run_page(PAGE, {"tc_x": "typed", "tc_xgrid": "1 -2 3; 0 5 -1",
                         "tc_k": "typed", "tc_kgrid": "1 0 -1; 2 1 0", "tc_stride_h": "2",
                         "tc_dil_w": "2", "tc_op_h": "1"})
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    import torch
    import torch.nn.functional as F
    X = torch.tensor([[1.0, -2, 3], [0, 5, -1]])
    K = torch.tensor([[1.0, 0, -1], [2, 1, 0]])
    Y = F.conv_transpose2d(X[None, None], K[None, None], stride=(2, 1), dilation=(1, 2),
                           output_padding=(1, 0))[0, 0]
    assert final_output(animation(at)) == Y.tolist()


@pytest.mark.parametrize("view", ["Scatter", "As a convolution", "As a matrix"])
def test_the_largest_setting_runs_in_every_view(view):
    at = run_page(PAGE, {"tc_x": "random integers", "tc_rows": "8", "tc_cols": "8",
                         "tc_k": "typed", "tc_kgrid": "1 2 3 4 5; " * 4 + "1 2 3 4 5",
                         "tc_stride_h": "4", "tc_stride_w": "4", "tc_dil_h": "3",
                         "tc_dil_w": "3", "tc_op_h": "3", "tc_op_w": "3", "tc_view": view})
    assert_clean(at)
    assert "H_out = (8 − 1)·4 − 2·0 + 3·(5 − 1) + 3 + 1 = 44" in all_text(at)
    assert "largest difference 0" in all_text(at)
    sizes = [len(c.proto.spec.encode()) for c in at.get("plotly_chart")]
    assert sizes and max(sizes) < 1_000_000, sizes


def test_the_page_in_chinese_uses_the_books_terms():
    at = run_page(PAGE, {"lang": "zh"})
    assert_clean(at)
    assert at.title[0].value == "转置卷积"
    assert at.slider(key="tc_stride_h").label == "步幅（高）"
    assert at.slider(key="tc_op_h").label == "输出填充（高）"
    text = all_text(at)
    assert "转置卷积由较小的输入得到较大的输出" in text
    assert final_output(animation(at)) == book(TRANS_Y)


# -- predict, then reveal (issue 17) --------------------------------------------------------------
QUIZ = "tc_quiz_state"


def quiz_answer(at, text: str, button: str = "Check"):
    state = at.session_state[QUIZ]
    at.text_input(key=f"{QUIZ}_answer_{state['n']}").set_value(text)
    check, reveal = [b for b in at.get("button") if b.proto.form_id == f"{QUIZ}_form"]
    (check if button == "Check" else reveal).click()  # by place: labels are translated
    return at.run()


def quiz_next(at):
    at.button(key=f"{QUIZ}_next").click()
    return at.run()


def slip_named(at, slip: str, lang: str = "en") -> bool:
    from core.practice import MISTAKES

    return any(texts(lang).gettext(MISTAKES[slip]) in e.value for e in at.error)


def test_the_quiz_hides_the_output_and_every_answer_on_the_page():
    at = run_page(PAGE, {"tc_quiz": "true", "tc_x": "typed", "tc_xgrid": "5 7; 11 13"})
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.startswith("### ")] == ["### Y[0, 0] = ?"]
    figs = figures(at)
    assert len(figs) == 1 and not figs[0].get("frames")  # no animation, no other view
    shown = all_text(at)
    for value in ("26", "143", "169"):  # Y = [[0, 5, 7], [10, 26, 21], [22, 59, 39]]…
        assert value not in shown
    assert "✓" not in shown and not at.get("tabs")
    y = [t for t in figs[0]["data"] if t.get("xaxis") == "x3" and t["type"] == "heatmap"][-1]
    assert all(v == "" for row in y["text"] for v in row)  # no value of Y drawn
    assert [t["text"] for t in figs[0]["data"] if t.get("mode") == "text"] == [["?"]]


def test_a_right_answer_reveals_the_stamps_and_moves_on():
    at = quiz_next(quiz_answer(run_page(PAGE, {"tc_quiz": "true"}), "0"))
    at = quiz_next(quiz_answer(at, "0"))
    at = quiz_next(quiz_answer(at, "1"))
    at = quiz_next(quiz_answer(at, "0"))
    at = quiz_answer(at, "4")  # Y[1, 1]: four stamps overlap
    assert any("Right" in s.value for s in at.success)
    reveal = " ".join(m.value for m in at.markdown)
    assert "X[0, 0]·K[1, 1] + X[0, 1]·K[1, 0] + X[1, 0]·K[0, 1] + X[1, 1]·K[0, 0]" in reveal
    assert "0·3 + 1·2 + 2·1 + 3·0 = **4**" in reveal
    at = quiz_next(at)
    for value in ("6", "4", "12", "9"):
        at = quiz_next(quiz_answer(at, value))
    assert any("9 of 9" in s.value for s in at.success)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("url, skip, answer, slip", [
    ({}, 1, "3", "trans_unflipped_kernel"),  # Y[0, 1] = 0; K as given: 1·3 = 3
    ({"tc_stride_h": "2", "tc_stride_w": "2"}, 2, "1", "trans_ignored_stride"),  # Y[0, 2]
    ({"tc_pad_h": "1", "tc_pad_w": "1"}, 0, "0", "trans_forgot_crop"),  # [[4]]; uncropped 0
])
def test_each_named_slip_is_named_and_garbage_refused(lang, url, skip, answer, slip):
    at = run_page(PAGE, {"tc_quiz": "true", "lang": lang, **url})
    for _ in range(skip):
        at = quiz_next(quiz_answer(at, "", button="Reveal"))
    at = quiz_answer(at, answer)
    assert slip_named(at, slip, lang)
    n = at.session_state[QUIZ]["n"]
    at = quiz_answer(at, "vier")
    assert at.warning and not at.exception
    assert at.text_input(key=f"{QUIZ}_answer_{n}").value == "vier"  # what was typed stays
    if lang == "zh":
        assert CHINESE.search(at.warning[0].value)


def test_a_changed_setting_restarts_the_quiz():
    at = quiz_next(quiz_answer(run_page(PAGE, {"tc_quiz": "true"}), "0"))
    assert at.session_state[QUIZ]["n"] == 1
    at.slider(key="tc_stride_h").set_value(2).run()
    assert at.session_state[QUIZ]["n"] == 0
    assert any(m.value == "### Y[0, 0] = ?" for m in at.markdown)
