"""The practice page: right answers pass, named slips are named, garbage is refused with a
message and kept as typed, the same seed gives the same tasks, progress stays in the session
and answers never reach the URL."""

from __future__ import annotations

import pytest

from core import practice as pr
from core.pooling import pool2d
from tests.apptest import assert_clean, run_page

PAGE = "pages/practice.py"


#: The page's sections (its tabs, in order) and the exercises of each, by their id's start.
SECTIONS = ("Shapes", "Predict Y", "Design K", "Cost", "Pooling", "Matrix",
            "Transposed convolution")
SECTION_OF = (("shape_", "Shapes"), ("edge_", "Predict Y"), ("design_", "Design K"),
              ("cost_", "Cost"), ("pool_", "Pooling"), ("avg_kernel_", "Pooling"),
              ("min_pool_", "Pooling"), ("matrix_", "Matrix"),
              ("trans_", "Transposed convolution"))


def open_section(at, section: str):
    """Open a section's tab as a click would (its label in the page's language)."""
    if at.session_state["_pr_tab_id"] != section:
        at.session_state["pr_tab"] = at.tabs[SECTIONS.index(section)].label
        at.run()
    assert at.session_state["_pr_tab_id"] == section
    return at


def answer(at, exercise: str, text: str):
    """Open the exercise's section, type ``text`` into its box and press its Check button."""
    open_section(at, next(tab for start, tab in SECTION_OF if exercise.startswith(start)))
    key = f"pr_ans_{exercise}"
    box = (at.text_input(key=key) if any(w.key == key for w in at.text_input)
           else at.text_area(key=key))
    box.set_value(text)
    form = [b for b in at.get("button") if b.proto.form_id == f"pr_form_{exercise}"]
    assert form, f"no Check button for {exercise}"
    form[0].click()
    return at.run()


def texts(at) -> str:
    return " ".join([s.value for s in at.success] + [e.value for e in at.error]
                    + [w.value for w in at.warning] + [c.value for c in at.caption])


def test_the_books_shape_exercise_takes_the_right_answer():
    at = answer(run_page(PAGE), "shape_book", "2×2")
    assert_clean(at)
    assert any("Right" in s.value for s in at.success)
    assert "1 attempt · solved" in texts(at)


@pytest.mark.parametrize("typed, slip", [("1×1", "dropped_plus_s"), ("3×3", "rounded_up"),
                                         ("6×6", "ignored_stride")])
def test_a_slip_is_named(typed, slip):
    at = answer(run_page(PAGE), "shape_book", typed)
    assert any(pr.MISTAKES[slip] in e.value for e in at.error)


@pytest.mark.parametrize("typed", ["", "abc", "2×2×2", "1e99×2", "９９９９９９９９９９９×1"])
def test_garbage_is_refused_with_a_message_and_kept_as_typed(typed):
    at = answer(run_page(PAGE), "shape_book", typed)
    assert_clean(at)
    assert at.warning and not at.success and not at.error
    assert at.text_input(key="pr_ans_shape_book").value == typed
    assert "attempt" not in texts(at)  # not counted


def test_a_grid_of_the_wrong_size_is_refused_and_a_flipped_kernel_named():
    at = answer(run_page(PAGE), "edge_K", "1 0; 0 1")
    assert_clean(at)
    assert any("6×5" in w.value for w in at.warning)
    Y = pr.edge_tasks()["K"].answer()
    flipped = "; ".join(" ".join(str(int(-v)) for v in row) for row in Y.tolist())
    at = answer(at, "edge_K", flipped)
    assert any(pr.MISTAKES["flipped_kernel"] in e.value for e in at.error)
    right = "; ".join(" ".join(str(int(v)) for v in row) for row in Y.tolist())
    at = answer(at, "edge_K", right)
    assert any("Right" in s.value for s in at.success)


def test_a_designed_kernel_is_judged_by_what_it_does():
    at = answer(run_page(PAGE), "design_second_derivative_x", "-3 6 -3")
    assert any("Right" in s.value for s in at.success)
    at = answer(at, "design_blur", "1 1")
    assert any(pr.DESIGN_FAILS["not_sum_one"] in e.value for e in at.error)
    at = answer(at, "design_blur", "1 x")
    assert at.warning  # the grid reader's own message


def test_the_same_seed_gives_the_same_tasks_and_another_seed_others():
    def tasks(seed: str) -> list[str]:
        at = run_page(PAGE, {"pr_seed": seed})
        assert_clean(at)
        return [m.value for m in at.markdown if "Drill" in m.value or "nn.Conv2d(" in m.value]

    assert tasks("41") == tasks("41")
    assert tasks("41") != tasks("42")


def test_answers_never_reach_the_url_and_progress_stays_in_the_session():
    at = run_page(PAGE, {"pr_seed": "7"})
    at = answer(at, "shape_book", "2×2")
    assert dict(at.query_params).get("pr_seed") in (["7"], "7")
    assert not any("2×2" in str(v) for v in dict(at.query_params).values())
    assert at.session_state["pr_progress"]["shape_book"] == {"attempts": 1, "solved": True}


def test_new_variant_draws_another_seed():
    at = run_page(PAGE)
    at.button(key="pr_new").click()
    at.run()
    assert at.number_input(key="pr_seed").value != 0


def test_the_share_link_offers_a_qr_code_of_itself_on_request():
    import io

    import segno
    from PIL import Image

    from ui.share import qr_png

    at = run_page(PAGE, {"pr_seed": "12"}, pr_share=True)  # the share popover open
    assert not at.get("image")  # not drawn until asked for (it costs CPU)
    at.toggle(key="pr_share_qr").set_value(True)
    at.run()
    assert_clean(at)
    assert len(at.get("image")) == 1
    url = [c.value for c in at.sidebar.get("code")][-1]
    assert "pr_seed=12" in url
    png = qr_png(url)
    side = Image.open(io.BytesIO(png)).size[0]
    # the symbol for exactly this link: its modules, a 4-module quiet zone, 8 px a module
    assert side == (segno.make(url, error="m", micro=False).symbol_size(border=4)[0]) * 8


# -- predict, then reveal on the sliding window --------------------------------------------------
SLIDING = "pages/sliding_window.py"


def quiz_answer(at, text: str, button: str = "Check"):
    state = at.session_state["sw_quiz_state"]
    at.text_input(key=f"sw_quiz_state_answer_{state['n']}").set_value(text)
    [b for b in at.get("button") if b.proto.form_id == "sw_quiz_state_form"
     and b.label == button][0].click()
    return at.run()


def test_the_quiz_hides_the_output_and_every_answer_on_the_page():
    at = run_page(SLIDING, {"sw_quiz": "true"})
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.startswith("### ")] == ["### Y[0, 0] = ?"]
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.code)
    assert "19" not in shown  # Y[0, 0] of the seed: nowhere on the page yet
    assert len(at.get("plotly_chart")) == 1  # the quiz's figure only, no animation


def test_a_right_answer_reveals_the_cell_and_moves_on():
    at = quiz_answer(run_page(SLIDING, {"sw_quiz": "true"}), "19")
    assert any("Right" in s.value for s in at.success)
    assert any("19" in m.value and "Y[0, 0]" in m.value for m in at.markdown)
    at.button(key="sw_quiz_state_next").click()
    at.run()
    assert any(m.value == "### Y[0, 1] = ?" for m in at.markdown)


def test_a_flipped_kernel_is_named_and_garbage_is_refused():
    at = quiz_answer(run_page(SLIDING, {"sw_quiz": "true"}), "5")  # K flipped: 0·3+1·2+3·1+4·0
    assert any(pr.MISTAKES["flipped_kernel"] in e.value for e in at.error)
    at = quiz_answer(at, "nineteen")
    assert at.warning and at.text_input(key="sw_quiz_state_answer_0").value == "nineteen"
    at = quiz_answer(at, "", button="Reveal")
    assert any("Y[0, 0] = " in m.value and "19" in m.value for m in at.markdown)


def test_the_whole_seed_grid_ends_with_a_score():
    at = run_page(SLIDING, {"sw_quiz": "true"})
    for value in ("19", "25", "37", "43"):
        at = quiz_answer(at, value)
        at.button(key="sw_quiz_state_next").click()
        at.run()
    assert any("4 of 4" in s.value for s in at.success)


# -- issue 17's list: the matrix, pooling from convolution and from max pooling, the transposed
# convolution's shape; right, each slip named, garbage refused, in both languages ----------------

def _grid(T) -> str:
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in T.tolist())


def _named(at, slip: str, lang: str) -> bool:
    from i18n import texts as catalog

    return any(catalog(lang).gettext(pr.MISTAKES[slip]) in e.value for e in at.error)


def _right(at) -> bool:
    return bool(at.success) and not at.error


NEW = [  # (exercise id at seed 0, the right answer, {slip: its answer}, garbage)
    ("matrix_0", _grid(pr.matrix_task(0).answer()),
     {k: _grid(v) for k, v in pr.matrix_task(0).slips().items()}, "1 2; 3"),
    ("avg_kernel_0", "0.25 0.25; 0.25 0.25", {"pool_sum_not_mean": "1 1; 1 1"}, "0.25 x; 1 1"),
    ("min_pool_0", _grid(pr.min_pool_task(0).answer()),
     {"max_not_min": _grid(pool2d(pr.min_pool_task(0).X, 2, "max")),
      "forgot_negate_back": _grid(-pr.min_pool_task(0).answer())}, "1 2 3"),
    ("trans_book", "4×4", {"trans_conv_formula": "1×1", "trans_n_not_n_minus_1": "6×6"},
     "4×four"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("exercise, right, slips, garbage", NEW, ids=[n[0] for n in NEW])
def test_the_new_exercises_accept_name_and_refuse(exercise, right, slips, garbage, lang):
    at = run_page(PAGE, {"lang": lang})
    at = answer(at, exercise, garbage)
    assert_clean(at)
    assert at.warning and not at.success and not at.error, "garbage refused, not judged"
    for slip, typed in slips.items():
        at = answer(at, exercise, typed)
        assert _named(at, slip, lang), (slip, typed)
    at = answer(at, exercise, right)
    assert _right(at)
    assert not at.exception


def test_the_transposed_drills_and_the_matrix_follow_the_seed():
    at = run_page(PAGE, {"pr_seed": "7", "lang": "en"})
    task = pr.trans_drill(7, 0)
    at = answer(at, "trans_7_0", f"{task.answer()[0]}×{task.answer()[1]}")
    assert _right(at)
    at = answer(at, "matrix_7", _grid(pr.matrix_task(7).answer()))
    assert _right(at)
    slip, wrong = next(iter(task.slips().items()))
    at = answer(at, "trans_7_0", f"{wrong[0]}×{wrong[1]}")
    assert _named(at, slip, "en")


def _exercise_ids(at) -> list[str]:
    return [b.proto.form_id.removeprefix("pr_form_") for b in at.get("button")
            if b.proto.form_id.startswith("pr_form_")]


def test_a_worked_solution_is_written_only_while_it_is_open():
    at = run_page(PAGE, {"lang": "en"})
    seen, added = 0, 0
    for section in SECTIONS:
        open_section(at, section)
        ids = _exercise_ids(at)
        assert len(ids) == len(at.expander) >= 1
        assert all(not box.children for box in at.expander), "closed: nothing written"
        charts = len(at.get("plotly_chart"))
        for exercise in ids:
            at.session_state[f"pr_sol_{exercise}"] = True
        at.run()
        assert_clean(at)
        assert all(box.children for box in at.expander), "open: every solution written"
        added += len(at.get("plotly_chart")) - charts
        seen += len(ids)
    assert seen == 21
    assert added == 3  # the three edge tasks' Y
    at = open_section(at, "Shapes")
    book = next(box for box in at.expander if "pr_sol_shape_book" in str(box.proto))
    assert "**2**" in " ".join(m.value for m in book.markdown)  # ⌊(4 − 3 + 2)/2⌋ … = 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_open_solution_speaks_the_readers_language(lang):
    from tests.app.test_lang import chinese_in, english_in

    at = run_page(PAGE, {"lang": lang, "pr_seed": "5"})
    worked = ""
    for section in SECTIONS:
        open_section(at, section)
        for exercise in _exercise_ids(at):
            at.session_state[f"pr_sol_{exercise}"] = True
        at.run()
        assert_clean(at)
        assert (english_in(at) == {}) if lang == "zh" else (chinese_in(at) == [])
        worked += " ".join(m.value for m in at.markdown)
    assert ("- 高度：⌊" in worked) if lang == "zh" else ("- height: ⌊" in worked)
    assert "core.matrix.conv_matrix" in worked  # the last sections' solutions too


def test_an_open_solution_stays_open_through_a_language_switch():
    at = run_page(PAGE, {"lang": "en"})
    at.session_state["pr_sol_shape_book"] = True
    at.run()
    at.button_group(key="lang_switch").set_value("zh").run()
    assert_clean(at)
    book = next(box for box in at.expander if "pr_sol_shape_book" in str(box.proto))
    assert "- 高度：⌊" in " ".join(m.value for m in book.markdown)
    assert sum(bool(box.children) for box in at.expander) == 1  # the others stay closed


def test_one_section_runs_at_a_time_and_a_teachers_link_opens_one():
    at = run_page(PAGE, {"lang": "en"})
    assert [t.label for t in at.tabs] == [f"{n} · {s}" for n, s in enumerate(SECTIONS, 1)]
    assert _exercise_ids(at) == ["shape_book", "shape_0_0", "shape_0_1", "shape_0_2",
                                 "shape_0_3"]
    at = run_page(PAGE, {"lang": "zh", "pr_tab": "Pooling"})
    assert_clean(at)
    assert at.session_state["pr_tab"] == "5 · 汇聚层"
    assert _exercise_ids(at) == ["pool_book", "avg_kernel_0", "min_pool_0"]
    at = run_page(PAGE, {"lang": "en", "pr_tab": "Homework"})
    assert at.session_state["_pr_tab_id"] == "Shapes"
    assert any("`pr_tab=Homework`" in w.value for w in at.warning)


def test_a_checked_answer_and_an_open_solution_come_back_with_their_section():
    at = answer(run_page(PAGE, {"lang": "en"}), "shape_book", "1×1")
    at.session_state["pr_sol_shape_book"] = True
    at.run()
    at = answer(at, "min_pool_0", "1 2")  # another section
    assert "pr_ans_shape_book" not in at.session_state  # Streamlit dropped the closed box
    at = open_section(at, "Shapes")
    assert at.text_input(key="pr_ans_shape_book").value == "1×1"
    assert any(pr.MISTAKES["dropped_plus_s"] in e.value for e in at.error)
    book = next(box for box in at.expander if "pr_sol_shape_book" in str(box.proto))
    assert "**2**" in " ".join(m.value for m in book.markdown)
    assert at.session_state["pr_progress"]["shape_book"]["attempts"] == 1


def test_a_verdict_stays_through_other_reruns_and_a_language_switch():
    at = answer(run_page(PAGE, {"lang": "en"}), "shape_book", "1×1")
    assert any(pr.MISTAKES["dropped_plus_s"] in e.value for e in at.error)
    at.number_input(key="pr_seed").set_value(3).run()  # the whole page reruns
    assert any(pr.MISTAKES["dropped_plus_s"] in e.value for e in at.error)
    at.button_group(key="lang_switch").set_value("zh").run()
    assert at.error and not any(pr.MISTAKES["dropped_plus_s"] in e.value for e in at.error)
    assert at.session_state["pr_progress"]["shape_book"]["attempts"] == 1  # not counted again


def test_solving_one_updates_the_sidebars_count():
    at = run_page(PAGE, {"lang": "en"})
    assert "0 exercises solved" in " ".join(c.value for c in at.sidebar.caption)
    at = answer(at, "shape_book", "2×2")
    assert "1 exercise solved" in " ".join(c.value for c in at.sidebar.caption)
    assert any("Right" in s.value for s in at.success)  # still said after the count's rerun
