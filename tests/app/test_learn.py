"""The kernel-learning page in AppTest: the seed's run, determinism, divergence, every control."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

import core
from core import learn
from core.images import SAMPLES, stripes
from core.kernels import D2L_EDGE, PRESETS, SOBEL_X
from tests.apptest import all_text, assert_clean, decode, figures, run_page
from ui.learn_run import FrameClock, Run
from ui.learn_setups import BOOK_LAYER, EDITIONS, SETUPS

PAGE = "pages/learn.py"


def printout(at) -> str:
    return next(c.value for c in at.code if c.value.startswith(("Step", "(too")))


def loss_figure(at) -> dict:
    return next(f for f in figures(at) if "loss" in f["layout"]["title"]["text"])


def test_defaults_reproduce_the_seed_set_up_and_the_loss_falls():
    at = run_page(PAGE)
    assert_clean(at)
    assert printout(at).splitlines() == [
        "Step 5, loss 7.148", "Step 10, loss 0.802", "Step 15, loss 0.091", "Step 20, loss 0.011",
    ]
    run = at.session_state["lk_run"]
    assert run.status == "done" and run.losses[-1] < run.losses[0]
    assert "Done: loss" in at.success[0].value
    assert "without a seed" in all_text(at)  # the honest note on the seed's 8.531, 2.260, …
    y = decode(loss_figure(at)["data"][0]["y"])
    assert len(y) == 20 and np.isfinite(np.asarray(y, dtype=float)).all()


def test_train_again_and_a_fresh_visit_give_identical_numbers():
    at = run_page(PAGE)
    first = list(at.session_state["lk_run"].losses)
    at.button(key="lk_again").click().run()
    assert at.session_state["lk_run"].losses == first
    assert run_page(PAGE).session_state["lk_run"].losses == first


def test_train_again_replays_the_run_in_slow_motion():
    at = run_page(PAGE)
    assert at.session_state["lk_paced"] is False  # a new link trains at full speed
    t = time.perf_counter()
    at.button(key="lk_again").click().run()
    assert at.session_state["lk_paced"] is True
    assert time.perf_counter() - t >= 1.8  # 19 frames held 0.1 s each: there is time to watch


def test_a_new_random_start_changes_the_seed_and_the_numbers():
    at = run_page(PAGE)
    before = printout(at)
    at.button(key="lk_reseed").click().run()
    assert at.number_input(key="lk_seed").value == 1
    assert printout(at) != before and printout(at).startswith("Step 5")


def test_lr_003_is_a_lesson_with_a_suggestion_not_a_crash():
    at = run_page(PAGE, {"lk_lr": "0.03"})
    assert_clean(at)
    text = at.error[0].value
    assert "Diverged at step 9" in text and "stable only for lr < 0.0161" in text
    assert "lr = 0.01" in text
    y = np.asarray(decode(loss_figure(at)["data"][0]["y"]), dtype=float)
    assert np.isfinite(y).all()
    at.button(key="lk_fix").click().run()
    assert at.number_input(key="lk_lr").value == 0.01
    assert at.session_state["lk_run"].status == "done" and not at.error


def test_a_picture_diverging_on_the_sum_is_offered_the_mean():
    at = run_page(PAGE, {"lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_lr": "0.01"})
    assert "Try the mean loss and lr = 0.5" in at.error[0].value
    at.button(key="lk_fix").click().run()
    assert at.radio(key="lk_loss").value == "mean" and at.number_input(key="lk_lr").value == 0.5
    assert at.session_state["lk_run"].status == "done"


def test_every_target_and_every_optimizer_runs():
    at = run_page(PAGE, {"lk_steps": "5", "lk_input": "Diagonal edge 8×8"})
    for name in PRESETS:
        at.selectbox(key="lk_target").set_value(name).run()
        assert_clean(at)
        assert at.session_state["lk_run"].status in ("done", "diverged"), name
    for opt in ("sgd", "momentum", "adam"):
        at.radio(key="lk_opt").set_value(opt).run()
        assert_clean(at)
        assert len(at.session_state["lk_run"].losses) == 5


def test_settings_come_from_the_url():
    query = {"lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_opt": "momentum",
             "lk_loss": "mean", "lk_lr": "0.2", "lk_steps": "30", "lk_noise": "0.1",
             "lk_seed": "4", "lk_bias": "false", "lk_log": "false"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]  # every value was taken
    assert at.selectbox(key="lk_target").value == "Sobel x"
    assert at.radio(key="lk_opt").value == "momentum" and at.radio(key="lk_loss").value == "mean"
    assert at.number_input(key="lk_lr").value == 0.2 and at.slider(key="lk_noise").value == 0.1
    assert at.checkbox(key="lk_bias").value is False
    run = at.session_state["lk_run"]
    assert len(run.losses) == 30 and run.last.bias is None
    assert loss_figure(at)["layout"]["yaxis"]["type"] == "linear"


def test_a_bad_url_value_gets_a_note_and_the_default():
    at = run_page(PAGE, {"lk_opt": "rmsprop", "lk_steps": "999999"})
    assert_clean(at)
    note = at.warning[0].value
    assert "lk_opt=rmsprop" in note and "lk_steps" in note
    assert at.radio(key="lk_opt").value == "sgd"


def test_the_sobel_set_up_button_learns_sobel_x_on_a_picture():
    at = run_page(PAGE)
    at.button(key="lk_setup_sobel").click().run()
    assert_clean(at)
    assert at.radio(key="lk_opt").value == "momentum" and at.number_input(key="lk_lr").value == 0.2
    assert at.selectbox(key="lk_input").value == SETUPS["sobel"].values["input"]
    assert (at.session_state["lk_run"].last.weight - SOBEL_X).abs().max() < 0.01


def test_a_typed_target_is_learned_and_a_bad_one_explained():
    at = run_page(PAGE, {"lk_target": "Typed…", "lk_K": "0 1; 2 3", "lk_steps": "3"})
    assert_clean(at)
    assert at.session_state["lk_run"].last.weight.shape == (2, 2)
    at = run_page(PAGE, {"lk_target": "Typed…", "lk_K": "1 x"})
    assert_clean(at)
    assert "not a number" in at.error[0].value
    assert at.text_input(key="lk_K").value == "1 x"  # the sidebar still works


def test_a_different_learned_size_says_what_happens():
    larger = run_page(PAGE, {"lk_same": "false", "lk_kh": "3", "lk_kw": "3"})
    assert_clean(larger)
    text = all_text(larger)
    assert "larger than K" in text and "cannot pin K down" in text  # stripes: rows all alike
    smaller = run_page(PAGE, {"lk_same": "false", "lk_kh": "1", "lk_kw": "1"})
    assert "smaller than K" in smaller.warning[0].value
    too_big = run_page(PAGE, {"lk_same": "false", "lk_kh": "7", "lk_kw": "7"})
    assert_clean(too_big)
    assert "does not fit in the 6×8 input" in too_big.error[0].value


@pytest.fixture
def interrupted():
    """The page after a click interrupted the default run at step 7 (the run kept its steps)."""
    at = run_page(PAGE)
    task = learn.make_task(stripes(), D2L_EDGE)
    run = Run(task, key=at.session_state["lk_run"].key, steps=20)
    for s in run.advance():
        if s.step == 7:
            break
    at.session_state["lk_run"] = run
    return at


def test_stop_ends_an_interrupted_run_where_it_was(interrupted):
    interrupted.button(key="lk_stop").click().run()
    assert_clean(interrupted)
    assert "Stopped at step 7 of 20" in interrupted.info[0].value
    assert printout(interrupted) == "Step 5, loss 7.148"


def test_any_other_click_resumes_an_interrupted_run(interrupted):
    interrupted.toggle(key="lk_log").set_value(False).run()
    assert interrupted.session_state["lk_run"].status == "done"
    assert printout(interrupted).endswith("Step 20, loss 0.011")


def test_the_least_squares_optimum_is_drawn_beside_the_learned_kernel():
    at = run_page(PAGE)
    titles = [f["layout"]["title"]["text"] for f in figures(at) if f["layout"].get("title")]
    assert {"learned K", "true K", "least-squares optimum", "error = learned − true"} <= set(titles)
    opt = next(f for f in figures(at) if f["layout"]["title"]["text"] == "least-squares optimum")
    z = np.asarray(decode(opt["data"][0]["z"]), dtype=float)
    assert np.allclose(z, [[1, -1]], atol=1e-6)
    assert torch.allclose(at.session_state["lk_run"].last.weight, D2L_EDGE, atol=0.05)


# --- set-ups, editions and the bias ------------------------------------------------------------

def test_the_set_ups_name_real_presets_and_samples_and_set_every_training_choice():
    for setup in SETUPS.values():
        v = setup.values
        assert v["target"] in PRESETS and v["input"] in SAMPLES
        assert {"bias", "init", "opt", "lr", "steps", "loss", "noise", "seed"} <= set(v)


def test_the_sobel_set_up_reaches_sobel_x_within_001_in_at_most_500_steps():
    s = SETUPS["sobel"].values
    task = learn.make_task(SAMPLES[s["input"]](), PRESETS[s["target"]])
    hit = next(step.step for step in core.learn_kernel(
        task.X, task.Y, kernel_size=task.kernel_size, lr=s["lr"], steps=s["steps"],
        seed=s["seed"], optimizer=s["opt"], loss=s["loss"], bias=s["bias"], init=s["init"],
    ) if (step.weight - SOBEL_X).abs().max() < 0.01)
    assert hit <= min(500, s["steps"])


@pytest.mark.parametrize("name", list(SETUPS))
def test_each_set_up_button_does_what_its_label_says(name):
    """A label claims no more than is true: its lr and bias are the values it sets, and it
    promises a divergence ("Too big") exactly when its run diverges."""
    setup = SETUPS[name]
    at = run_page(PAGE)
    at.button(key=f"lk_setup_{name}").click().run()
    assert_clean(at)
    assert [b.label for b in at.button if b.key == f"lk_setup_{name}"] == [setup.label]
    v = setup.values
    assert at.checkbox(key="lk_bias").value is v["bias"]
    assert at.number_input(key="lk_lr").value == v["lr"]
    if "lr " in setup.label:
        assert f"lr {v['lr']:g}" in setup.label
    if "bias" in setup.label:
        assert ("no bias" in setup.label) == (not v["bias"])
    run = at.session_state["lk_run"]
    assert run.status == ("diverged" if "Too big" in setup.label else "done"), name


def test_the_book_set_up_trains_nn_conv2ds_start_without_a_bias_at_lr_003_and_converges():
    at = run_page(PAGE)
    at.button(key="lk_setup_book").click().run()
    assert_clean(at)
    assert at.checkbox(key="lk_bias").value is False and at.radio(key="lk_init").value == "conv2d"
    assert at.number_input(key="lk_lr").value == 0.03
    assert at.number_input(key="lk_steps").value == 10
    run = at.session_state["lk_run"]
    assert run.status == "done" and run.losses[-1] < run.losses[0] / 10
    # printed as the book prints its 10 steps: every 2nd
    assert [line.split(",")[0] for line in printout(at).splitlines()] == [
        f"Step {i}" for i in (2, 4, 6, 8, 10)]
    torch.manual_seed(0)
    ref = torch.nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    first = learn.Conv2D((1, 2), bias=False, init="conv2d",
                         generator=torch.Generator().manual_seed(0))
    assert torch.equal(first.weight.data, ref.weight.data[0, 0])
    assert "draws after `torch.manual_seed(0)`" in all_text(at)
    assert BOOK_LAYER in all_text(at)
    titles = [f["layout"]["title"]["text"] for f in figures(at) if f["layout"].get("title")]
    assert "Ŷ = corr2d(X, K) at step 10" in titles  # no "+ b" without a bias


def test_divergence_with_a_bias_says_this_lr_converges_without_it_and_offers_that():
    at = run_page(PAGE, {"lk_lr": "0.03"})
    text = at.error[0].value
    bound = learn.stable_lr(stripes(), (1, 2), bias=False)
    assert f"Without the bias it is stable for lr < {bound:.3g}" in text and "0.0333" in text
    assert "or untick the bias" in text
    at.button(key="lk_fix_bias").click().run()
    assert_clean(at)
    assert at.checkbox(key="lk_bias").value is False and at.number_input(key="lk_lr").value == 0.03
    run = at.session_state["lk_run"]
    assert run.status == "done" and not at.error
    assert [f"{run.losses[i]:.3f}" for i in (4, 9)] == ["3.919", "0.421"]  # the run


@pytest.mark.parametrize("query", [{"lk_lr": "0.05"}, {"lk_lr": "0.05", "lk_bias": "false"}])
def test_a_divergence_the_bias_does_not_explain_does_not_blame_it(query):
    at = run_page(PAGE, query)
    assert at.session_state["lk_run"].status == "diverged"
    assert "bias" not in at.error[0].value.lower()
    assert not [b for b in at.button if b.key == "lk_fix_bias"]


def test_the_editions_say_whose_numbers_are_whose():
    at = run_page(PAGE)
    [table] = [m.value for m in at.markdown if m.value.startswith("| where |")]
    rows = {r.split("|")[1].strip(): r for r in table.splitlines()[2:] if r.startswith("|")}
    assert len(rows) == len(EDITIONS) == 4
    notebook = next(r for k, r in rows.items() if k.startswith("The notebook"))
    assert "8.531" in notebook and "0.01" in notebook
    second = next(r for k, r in rows.items() if "2nd edition" in k)
    assert BOOK_LAYER in second and "| none | 0.03 | 10 |" in second
    first = next(r for k, r in rows.items() if "1st edition (MXNet)" in k)
    assert "4.949" in first and "never updated" in first
    bounds = [learn.stable_lr(stripes(), (1, 2), bias=b) for b in (True, False)]
    assert all(f"lr < {b:.3g}" in table for b in bounds)


def test_the_slow_motion_length_comes_from_the_url():
    at = run_page(PAGE, {"lk_slow": "3"})
    assert_clean(at)
    t = time.perf_counter()
    at.button(key="lk_again").click().run()
    assert time.perf_counter() - t >= 2.7  # 19 frames held 3/20 s each


# --- a run kept across reruns, and its frames (ui/learn_run.py) -----------------------------

def test_a_run_resumed_after_an_interruption_gives_the_uninterrupted_numbers():
    task = learn.make_task(stripes(), D2L_EDGE)
    whole = Run(task, steps=20)
    list(whole.advance())
    parts = Run(task, steps=20)
    for s in parts.advance():
        if s.step == 7:
            break  # a click interrupts the page here; the generator is dropped
    assert len(parts.losses) == 7 and parts.status == "running"
    list(parts.advance())
    assert parts.losses == whole.losses and parts.status == whole.status == "done"
    assert [i for i, _ in whole.table()] == [5, 10, 15, 20] and whole.every == 5


def test_stopping_and_diverging_end_a_run():
    task = learn.make_task(stripes(), D2L_EDGE)
    run = Run(task, steps=20)
    for s in run.advance():
        if s.step == 3:
            run.stop()
    assert run.status == "stopped" and len(run.losses) == 3 and not list(run.advance())
    bad = Run(task, steps=20, lr=0.03)
    list(bad.advance())
    assert bad.status == "diverged" and bad.last.step == 9


def test_a_run_leaves_the_process_thread_count_alone():
    """ui/runtime.py sets torch's thread count once for the process; a run never flips it."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        run = Run(learn.make_task(stripes(), D2L_EDGE), steps=3)
        assert [torch.get_num_threads() for _ in run.advance()] == [2, 2, 2]
        assert not hasattr(learn, "one_thread")
    finally:
        torch.set_num_threads(before)


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept += s
        self.t += s


def test_full_speed_frames_are_at_most_fps_and_drawing_at_most_its_share():
    ft = FakeTime()
    clock = FrameClock(10_000, fps=10, share=0.5, now=ft.now, sleep=ft.sleep)
    frames = 0
    for step in range(1, 10_001):
        ft.t += 0.001  # a step takes 1 ms
        if clock.due(step):
            frames += 1
            with clock.frame():
                ft.t += 0.2  # a slow frame: 200 ms
    elapsed = ft.t
    assert frames <= elapsed * 10 + 1
    assert clock.drawing <= 0.5 * elapsed + 0.2  # at most one frame over budget
    assert ft.slept == 0


def test_paced_frames_spread_a_short_run_over_about_two_seconds():
    ft = FakeTime()
    clock = FrameClock(20, pace=True, fps=15, frames=30, seconds=2, now=ft.now,
                             sleep=ft.sleep)
    drawn = []
    for step in range(1, 21):
        if clock.due(step):
            drawn.append(step)
            with clock.frame():
                ft.t += 0.01
    assert drawn == list(range(1, 20))  # the last step is drawn by the page itself
    assert 1.8 < ft.t < 2.0  # 10 frames a second: 20 steps take 2 s
    long = FrameClock(1000, pace=True, frames=30, seconds=2)
    assert long.stride == 34 and long.period == pytest.approx(1 / 15)  # capped at 15 a second


def test_a_longer_slow_motion_holds_each_frame_at_most_a_second():
    assert FrameClock(20, pace=True, seconds=10).period == pytest.approx(0.5)
    # a 2-step run asked to last 30 s would hold its one frame 15 s, deaf to Stop: 1 s at most
    assert FrameClock(2, pace=True, seconds=30).period == pytest.approx(1.0)
    assert FrameClock(20, pace=True, seconds=30).period == pytest.approx(1.0)


@pytest.mark.parametrize("total, every", [(3, 2), (10, 2), (11, 5), (20, 5), (100, 5), (400, 20),
                                          (1000, 50)])
def test_the_printout_is_every_2nd_step_up_to_10_as_the_book_prints_then_every_5th(total, every):
    assert Run(learn.make_task(stripes(), D2L_EDGE), steps=total).every == every


def test_every_element_key_of_the_page_carries_its_lk_prefix():
    at = run_page(PAGE)
    assert at.session_state["lk_run"].status == "done"
    keys = [e.key for kind in ("plotly_chart", "button", "number_input", "selectbox",
                               "checkbox", "radio", "slider", "toggle")
            for e in at.get(kind) if getattr(e, "key", None)]
    charts = [c.proto.id for c in at.get("plotly_chart")]
    assert keys and all(k.startswith("lk_") for k in keys), keys
    assert all("lkc_" not in c for c in charts), charts
    assert "learn_run" not in at.session_state and "learn_paced" not in at.session_state
