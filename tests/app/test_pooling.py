"""The pooling page in AppTest: the book's numbers by default and one click away, every setting
in the link, bad values noted, rejected settings explained in the visitor's language."""

from __future__ import annotations

import json

import pytest

import core
from core.practice import MISTAKES
from tests.apptest import all_text, assert_clean, decode, figures, run_page

PAGE = "pages/pooling.py"


def animation(at) -> dict:
    return next(f for f in figures(at) if f.get("frames"))


def output_of(fig: dict) -> list[list[float]]:
    """Y as the figure's output panel draws it."""
    heat = next(t for t in fig["data"] if t["type"] == "heatmap" and t.get("xaxis") == "x2")
    return decode(heat["z"]).tolist()


def errors(at) -> str:
    return " ".join(e.value for e in at.error)


def notes(at) -> list[str]:
    return [w.value for w in at.warning if "could not be used" in w.value
            or "无法使用" in w.value]


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE, {"lang": "en"})


def test_the_default_is_the_books_max_pooling_of_0_to_8(default):
    assert_clean(default)
    assert output_of(animation(default)) == [[4, 5], [7, 8]]
    text = all_text(default)
    assert "The book's example `pool2d(X, (2, 2))`: the book prints [[4, 5], [7, 8]]; ✓ the " \
           "same here." in text
    assert "H_out = ⌊(3 + 0 + 0 − 1·(2 − 1) − 1) / 1⌋ + 1 = ⌊1 / 1⌋ + 1 = 1 + 1 = 2" in text
    assert "pool = nn.MaxPool2d(kernel_size=2, stride=1)" in text
    assert "nn.MaxPool2d(3)` strides by 3, not 1" in text  # the trap, stated by its button
    assert not default.error and not notes(default)


def test_average_mode_gives_the_books_average():
    at = run_page(PAGE, {"pl_mode": "avg"})
    assert_clean(at)
    assert output_of(animation(at)) == [[2, 3], [5, 6]]
    assert "the book prints [[2, 3], [5, 6]]; ✓ the same here" in all_text(at)
    assert "nn.AvgPool2d(kernel_size=2, stride=1)" in all_text(at)


@pytest.mark.parametrize("n, name", list(enumerate(core.POOL_EXAMPLES)))
def test_each_example_is_one_click_and_gives_the_books_output(n, name):
    ex = core.POOL_EXAMPLES[name]
    at = run_page(PAGE, {"pl_x": "random integers", "pl_mode": "avg", "pl_ceil": "true"})
    at.button(key=f"pl_ex_{n}").click().run()
    assert_clean(at)
    assert not at.error, errors(at)
    channels = ex.Y if name == "two channels" else (ex.Y,)
    assert output_of(animation(at)) == [list(map(float, r)) for r in channels[0]]
    assert f"The book's example `{ex.code}`" in all_text(at) and "✓ the same here" in all_text(at)
    if name == "two channels":
        stills = [f for f in figures(at) if not f.get("frames") and len(f["data"]) > 2]
        assert [output_of(f) for f in stills[:2]] == [
            [list(map(float, r)) for r in c] for c in ex.Y]
        assert "Channels are pooled separately" in all_text(at)
    if ex.stride is None:  # PyTorch's default stride: the toggle says so, the code leaves it out
        assert at.toggle(key="pl_sdef").value is True
        assert "pool = nn.MaxPool2d(kernel_size=3)\n" in all_text(at)


def test_the_second_channel_can_be_animated():
    at = run_page(PAGE, {"pl_x": "two channels", "pl_k_h": "3", "pl_k_w": "3", "pl_s_h": "2",
                         "pl_s_w": "2", "pl_p_h": "1", "pl_p_w": "1", "pl_c": "1"})
    assert_clean(at)
    assert output_of(animation(at)) == [[6, 8], [14, 16]]
    titles = [a["text"] for a in animation(at)["layout"]["annotations"]]
    assert titles == ["<b>input X, channel 1</b>", "<b>output Y, channel 1</b>"]


def test_ceil_mode_adds_the_partial_window_and_rounds_the_rule_up():
    at = run_page(PAGE, {"pl_x": "book 4×4", "pl_k_h": "3", "pl_k_w": "3", "pl_s_h": "2",
                         "pl_s_w": "2", "pl_ceil": "true"})
    assert_clean(at)
    assert output_of(animation(at)) == [[10, 11], [14, 15]]
    text = all_text(at)
    assert "H_out = ⌈(4 + 0 + 0 − 3) / 2⌉ + 1 = ⌈1 / 2⌉ + 1 = ⌈0.5⌉ + 1 = 1 + 1 = 2" in text
    assert "ceil_mode=True" in text


def test_count_include_pad_changes_the_average_at_the_border():
    query = {"pl_x": "book 4×4", "pl_mode": "avg", "pl_k_h": "3", "pl_k_w": "3",
             "pl_s_h": "2", "pl_s_w": "2", "pl_p_h": "1", "pl_p_w": "1"}
    counted, not_counted = run_page(PAGE, query), run_page(PAGE, {**query, "pl_cip": "false"})
    assert output_of(animation(counted))[0][0] == pytest.approx(10 / 9)
    assert output_of(animation(not_counted))[0][0] == pytest.approx(2.5)
    assert "count_include_pad=False" in all_text(not_counted)


def questions_open(at) -> bool:
    return "✓ The two outputs are equal." in all_text(at) or "✓ 两个输出相等。" in all_text(at)


def test_the_books_questions_are_a_closed_section_that_costs_no_figure(default):
    assert "The book's questions" in [h.value for h in default.header]
    (box,) = [e for e in default.expander if "min pooling as −max(−X)" in e.label]
    assert not questions_open(default)
    assert len(figures(default)) == 1  # the animation alone: no question's grid is made
    assert "pl_questions" not in default.query_params


def test_the_books_questions_opened_by_a_link_show_equal_outputs():
    at = run_page(PAGE, {"lang": "en", "pl_questions": "true"})
    assert_clean(at)
    text = all_text(at)
    assert text.count("✓ The two outputs are equal.") == 2
    assert "max(3, 5) = 3 + ReLU(5 − 3) = 5" in text
    zs = [decode(f["data"][0]["z"]).tolist() for f in figures(at) if len(f["data"]) == 1]
    assert [[0.25, 0.25], [0.25, 0.25]] in zs  # the constant kernel
    assert zs.count([[2, 3], [5, 6]]) == 2  # average pooling and the convolution
    assert [[0, 1], [3, 4]] in zs  # min pooling
    assert len(figures(at)) == 1 + 7


def test_opened_questions_stay_open_through_a_change_and_a_language_switch():
    at = run_page(PAGE, {"lang": "en"})
    at.session_state["pl_questions"] = True
    at.run()
    assert questions_open(at)
    at.slider(key="pl_k_h").set_value(3).run()
    assert questions_open(at)
    at.button_group(key="lang_switch").set_value("zh").run()
    assert_clean(at)
    assert "✓ 两个输出相等。" in all_text(at)
    assert at.query_params["pl_questions"] == "true"
    at.button_group(key="lang_switch").set_value("en").run()
    assert questions_open(at)


def test_a_link_with_every_setting_opens_the_same_view():
    at = run_page(PAGE, {"lang": "en"})
    at.selectbox(key="pl_x").select("random integers").run()
    at.slider(key="pl_rows").set_value(7).run()
    at.slider(key="pl_cols").set_value(9).run()
    at.slider(key="pl_seed").set_value(42).run()
    at.radio(key="pl_mode").set_value("avg").run()
    at.slider(key="pl_k_h").set_value(3).run()
    at.slider(key="pl_k_w").set_value(2).run()
    at.slider(key="pl_s_h").set_value(2).run()
    at.slider(key="pl_s_w").set_value(3).run()
    at.slider(key="pl_p_h").set_value(1).run()
    at.slider(key="pl_p_w").set_value(1).run()
    at.toggle(key="pl_ceil").set_value(True).run()
    at.toggle(key="pl_cip").set_value(False).run()
    assert_clean(at)
    assert not at.error, errors(at)
    keys = ("pl_x", "pl_rows", "pl_cols", "pl_seed", "pl_mode", "pl_k_h", "pl_k_w", "pl_s_h",
            "pl_s_w", "pl_p_h", "pl_p_w", "pl_ceil", "pl_cip")
    query = {k: json.dumps(v) if isinstance(v, bool) else str(v)
             for k in keys for v in [at.session_state[k]]}
    for lang in ("en", "zh"):
        again = run_page(PAGE, {**query, "lang": lang})
        assert_clean(again)
        assert not notes(again)
        assert {k: again.session_state[k] for k in keys} == {k: at.session_state[k] for k in keys}
        assert output_of(animation(again)) == output_of(animation(at))


def test_the_pytorch_default_stride_and_a_typed_grid_travel_in_the_link_too():
    query = {"pl_x": "typed", "pl_xgrid": "1 2 3 4; 5 6 7 8; 9 1 2 3", "pl_sdef": "true"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert at.toggle(key="pl_sdef").value is True
    assert at.slider(key="pl_s_h").disabled
    assert output_of(animation(at)) == [[6, 8]]  # 2×2 windows, stride 2: rows 0–1 only
    assert "here it is 2 × 2" in all_text(at)


@pytest.mark.parametrize("query, key, used", [
    ({"pl_k_h": "99"}, "pl_k_h", "2"),
    ({"pl_mode": "median"}, "pl_mode", "max"),
    ({"pl_x": "book 5×5"}, "pl_x", "book 3×3"),
    ({"pl_x": "two channels", "pl_c": "7"}, "pl_c", "0"),
    ({"pl_ceil": "maybe"}, "pl_ceil", "False"),
    ({"pl_questions": "maybe"}, "pl_questions", "False"),
])
def test_bad_link_values_are_noted_and_replaced(query, key, used):
    at = run_page(PAGE, {**query, "lang": "en"})
    assert_clean(at)
    text = " ".join(notes(at))
    assert f"`{key}=" in text and f"the page used `{used}` instead" in text
    assert animation(at)  # the page still draws with the default


@pytest.mark.parametrize("lang, message", [
    ("en", "a pool's padding must be at most half its kernel (PyTorch's rule): padding 2 > "
           "2 // 2 along the height; use at most 1"),
    ("zh", "汇聚层的填充最多是其窗口大小的一半"),
])
def test_padding_over_half_the_window_is_explained_and_kept(lang, message):
    at = run_page(PAGE, {"pl_p_h": "2", "lang": lang})
    assert_clean(at)
    assert message in errors(at)
    assert not [f for f in figures(at) if f.get("frames")]  # no animation of nothing
    assert at.slider(key="pl_p_h").value == 2  # what was set stays, to be fixed there
    at.slider(key="pl_p_h").set_value(1).run()
    assert not at.error and animation(at)


def test_a_window_larger_than_the_padded_input_has_no_output_and_says_why():
    at = run_page(PAGE, {"pl_k_h": "5", "lang": "en"})
    assert_clean(at)
    assert "no output along the height" in errors(at)
    assert "switch on `ceil_mode`" in errors(at)


@pytest.mark.parametrize("lang, message, hint", [
    ("en", "every row needs the same number of values", "rows are separated by “;”"),
    ("zh", "每一行", "；"),
])
def test_a_bad_typed_grid_is_explained_in_the_visitors_language(lang, message, hint):
    at = run_page(PAGE, {"pl_x": "typed", "pl_xgrid": "1 2; 3", "lang": lang})
    assert_clean(at)
    assert message in errors(at) and hint in errors(at)
    assert at.text_input(key="pl_xgrid").value == "1 2; 3"  # what was typed is kept
    assert not figures(at)


@pytest.mark.parametrize("query", [
    {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16", "pl_mode": "avg",
     "pl_k_h": "8", "pl_k_w": "8", "pl_p_h": "4", "pl_p_w": "4", "pl_ceil": "true",
     "pl_s_h": "3", "pl_s_w": "5"},
    {"pl_x": "random integers", "pl_rows": "1", "pl_cols": "16", "pl_k_h": "1",
     "pl_sdef": "true"},
    {"pl_x": "two channels", "pl_mode": "avg", "pl_ceil": "true", "pl_cip": "false",
     "pl_k_h": "3", "pl_s_h": "2", "pl_p_h": "1", "lang": "zh"},
    {"pl_x": "typed", "pl_xgrid": "-1.5 2; 1e3 0", "pl_k_h": "1", "pl_k_w": "1"},
])
def test_extreme_settings_draw_without_an_exception(query):
    at = run_page(PAGE, query)
    assert_clean(at)
    assert not at.error, errors(at)
    assert animation(at)


def test_sixteen_by_sixteen_sends_under_a_megabyte():
    at = run_page(PAGE, {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16",
                         "pl_mode": "avg", "pl_k_h": "3", "pl_k_w": "3", "pl_p_h": "1",
                         "pl_p_w": "1"})
    sizes = [len(c.proto.spec.encode()) for c in at.get("plotly_chart")]
    assert max(sizes) < 1_000_000, sizes


# -- predict, then reveal ----------------------------------------------------------------------

def quiz_answer(at, text: str, button: str = "Check"):
    state = at.session_state["pl_quiz_state"]
    at.text_input(key=f"pl_quiz_state_answer_{state['n']}").set_value(text)
    # the form's buttons in order, Check then Reveal (their labels are translated)
    form = [b for b in at.get("button") if b.proto.form_id == "pl_quiz_state_form"]
    form[("Check", "Reveal").index(button)].click()
    return at.run()


def page_strings(at) -> str:
    """Every text and figure on the page, as one string (what a learner could read off it)."""
    parts = [all_text(at)] + [c.value for c in at.code]
    parts += [json.dumps(f) for f in figures(at)]
    return " ".join(parts)


def test_the_quiz_hides_the_output_and_every_answer_on_the_page():
    at = run_page(PAGE, {"lang": "en", "pl_quiz": "true", "pl_x": "book 4×4", "pl_k_h": "3",
                         "pl_k_w": "3", "pl_sdef": "false", "pl_s_h": "2", "pl_s_w": "2",
                         "pl_p_h": "1", "pl_p_w": "1"})
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.startswith("### ")] == ["### Y[0, 0] = ?"]
    (fig,) = figures(at)  # the quiz's figure only: no animation, no questions, no stills
    assert not fig.get("frames")
    assert all(v is None for row in output_of(fig) for v in row) or all(
        v != v for row in output_of(fig) for v in row)  # Y's cells not sent (NaN/null)
    text = page_strings(at)
    assert "[[5.0, 7.0], [13.0, 15.0]]" not in text and "[[5, 7], [13, 15]]" not in text
    assert "tensor" not in text and "print(Y)" not in text
    assert "The book's example `" not in all_text(at)  # its check prints the book's Y


def test_a_right_answer_is_accepted_revealed_with_its_arithmetic_and_scored():
    at = run_page(PAGE, {"lang": "en", "pl_quiz": "true"})
    for value in ("4", "5", "7", "8"):  # the book's max pooling of 0..8
        at = quiz_answer(at, value)
        assert any("Right" in s.value for s in at.success)
        at.button(key="pl_quiz_state_next").click()
        at.run()
    assert any("4 of 4" in s.value for s in at.success)


def test_the_reveal_writes_the_windows_formula():
    at = quiz_answer(run_page(PAGE, {"lang": "en", "pl_quiz": "true", "pl_mode": "avg"}), "",
                     button="Reveal")
    assert any("Y[0, 0] = (0 + 1 + 3 + 4) / 4 = 2" in m.value for m in at.markdown)
    at.button(key="pl_quiz_state_next").click()
    at.run()
    fig = figures(at)[0]
    assert output_of(fig)[0][0] == 2  # the revealed cell is drawn; the next is not
    assert output_of(fig)[0][1] != 3


AVG_PADDED = {"lang": "en", "pl_quiz": "true", "pl_x": "book 4×4", "pl_mode": "avg",
              "pl_k_h": "2", "pl_k_w": "2", "pl_p_h": "1", "pl_p_w": "1"}


@pytest.mark.parametrize("query, answer, slip", [
    # max pooling of 0..8, Y[0, 0] = 4: the mean of 0, 1, 3, 4 is 2
    ({}, "2", "pool_mean_not_max"),
    # average pooling of 0..8, Y[0, 0] = 2: the maximum 4, the sum 8
    ({"pl_mode": "avg"}, "4", "pool_max_not_mean"),
    ({"pl_mode": "avg"}, "8", "pool_sum_not_divided"),
    # 4×4, 2×2 window, padding 1, stride 2: Y[0, 0]'s window is three padding zeros and X[0, 0]
    # = 0; Y[0, 1] = (0 + 0 + 1 + 2) / 4 = 0.75 with the padding counted, 1.5 without
    ({**AVG_PADDED, "pl_x": "typed", "pl_xgrid": "1 1 1 1; 1 1 1 1; 1 1 1 1; 1 1 1 1"}, "1",
     "pool_pad_not_counted"),
    ({**AVG_PADDED, "pl_x": "typed", "pl_xgrid": "1 1 1 1; 1 1 1 1; 1 1 1 1; 1 1 1 1",
      "pl_cip": "false"}, "0.25", "pool_pad_counted"),
])
def test_each_named_slip_is_named(query, answer, slip):
    at = quiz_answer(run_page(PAGE, {"lang": "en", "pl_quiz": "true", **query}), answer)
    assert any(MISTAKES[slip] in e.value for e in at.error), [
        e.value for e in at.error]


@pytest.mark.parametrize("lang, word", [("en", "number"), ("zh", "数")])
def test_garbage_is_refused_in_the_visitors_language_and_kept(lang, word):
    at = quiz_answer(run_page(PAGE, {"lang": lang, "pl_quiz": "true"}), "four")
    assert any(word in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.text_input(key="pl_quiz_state_answer_0").value == "four"
    assert not at.error and not at.success


def test_a_changed_setting_restarts_the_quiz():
    at = quiz_answer(run_page(PAGE, {"lang": "en", "pl_quiz": "true"}), "4")
    at.button(key="pl_quiz_state_next").click()
    at.run()
    assert any(m.value == "### Y[0, 1] = ?" for m in at.markdown)
    at.radio(key="pl_mode").set_value("avg")
    at.run()
    assert any(m.value == "### Y[0, 0] = ?" for m in at.markdown)
    assert at.session_state["pl_quiz_state"]["right"] == 0
