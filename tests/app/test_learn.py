"""The kernel-learning page in AppTest: the seed's run, determinism, divergence, every control."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import core
from core import learn, learn_task
from core.images import SAMPLES, stripes
from core.kernels import D2L_EDGE, PRESETS, SOBEL_X
from tests.apptest import all_text, assert_clean, decode, figures, run_page
from ui import view
from ui.learn_run import MAX_FRAMES, Trajectory, frame_steps, record, train
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


def test_a_rerun_and_a_fresh_visit_give_identical_numbers():
    at = run_page(PAGE)
    first = list(at.session_state["lk_run"].losses)
    train.clear()  # a fresh server: trained again, not read from the cache
    assert list(run_page(PAGE).session_state["lk_run"].losses) == first


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
    task = learn_task.make_task(SAMPLES[s["input"]](), PRESETS[s["target"]])
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
    panels = [a["text"] for a in animation(at)["layout"]["annotations"]]
    assert "<b>Ŷ = corr2d(X, K)</b>" in panels  # no "+ b" without a bias


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


def test_an_old_link_with_the_slow_motion_length_opens_the_same_view_without_a_note():
    """lk_slow (issue 12) set how long "Train again" lasted; the browser now plays the run at
    its own speeds, so the parameter is ignored, silently."""
    old, now = run_page(PAGE, {"lk_slow": "3"}), run_page(PAGE)
    assert_clean(old)
    assert not old.warning and printout(old) == printout(now)
    assert not [b for b in old.button if b.key in ("lk_again", "lk_stop")]


# --- the run as one animation the browser plays ------------------------------------------------

def animation(at) -> dict:
    return next(f for f in figures(at) if f["layout"].get("sliders"))


def frame_K(frame: dict) -> np.ndarray:
    return np.asarray(decode(frame["data"][2]["z"]), dtype=float)


@pytest.mark.parametrize("query", [{}, {"lk_lr": "0.03"}, {
    "lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_opt": "momentum", "lk_loss": "mean",
    "lk_lr": "0.2", "lk_steps": "400"}])
def test_every_frame_is_a_real_step_of_learn_kernel(query):
    at = run_page(PAGE, query)
    assert_clean(at)
    fig, run = animation(at), at.session_state["lk_run"]
    s = {k[3:]: v for k, v in query.items()}
    task = learn_task.make_task(SAMPLES[s.get("input", "Seed stripes 6×8")](),
                           PRESETS[s.get("target", "d2l edge [1, -1]")])
    steps = list(core.learn_kernel(
        task.X, task.Y, kernel_size=task.kernel_size, lr=float(s.get("lr", 0.01)),
        steps=int(s.get("steps", 20)), optimizer=s.get("opt", "sgd"), loss=s.get("loss", "sum")))
    names = [int(f["name"]) for f in fig["frames"]]
    assert names[0] == 1 and names[-1] == len(steps) and len(names) <= 100
    for f in fig["frames"]:
        step = steps[int(f["name"]) - 1]
        assert np.allclose(frame_K(f), step.weight.numpy(), atol=1e-6), f["name"]
    labels = [st["label"] for st in fig["layout"]["sliders"][0]["steps"]]
    assert labels == [f"{n} of {run.total} · loss {steps[n - 1].loss:.4g}" for n in names]
    assert [round(x, 6) for x in run.losses] == [round(x.loss, 6) for x in steps]
    if steps[-1].diverged:
        assert names[-1] == 9 and run.status == "diverged"


def test_play_pause_replay_and_speeds_are_the_figures_own_buttons():
    fig = animation(run_page(PAGE))
    labels = [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]]
    assert labels[:2] == ["⟲ Replay", "■ Pause"] and any("Slow" in x for x in labels)
    assert all(b["method"] == "animate" for b in fig["layout"]["updatemenus"][0]["buttons"])
    assert fig["layout"]["sliders"][0]["active"] == len(fig["frames"]) - 1  # opens at the end


def test_a_view_only_change_does_not_train_again(monkeypatch):
    calls = []
    real = learn.learn_kernel

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(learn, "learn_kernel", counted)
    train.clear()
    at = run_page(PAGE)
    assert len(calls) == 1
    at.toggle(key="lk_log").set_value(False).run()
    assert_clean(at)
    assert animation(at)["layout"]["yaxis"]["type"] == "linear"
    assert len(calls) == 1  # the log scale only changes the figure
    at.number_input(key="lk_lr").set_value(0.02).run()
    assert len(calls) == 2  # a new setting trains once


def test_the_largest_run_is_one_figure_under_a_megabyte():
    at = run_page(PAGE, {
        "lk_target": "Outline", "lk_input": "Circles 64×64", "lk_same": "false", "lk_kh": "7",
        "lk_kw": "7", "lk_opt": "adam", "lk_lr": "0.1", "lk_loss": "mean",
        "lk_steps": str(learn.MAX_LIVE_STEPS), "lk_noise": "1.0"})
    assert_clean(at)
    spec = next(c.proto.spec for c in at.get("plotly_chart") if '"sliders"' in c.proto.spec)
    assert len(spec.encode()) < 1_000_000
    names = [int(f["name"]) for f in animation(at)["frames"]]
    assert names[0] == 1 and names[-1] == learn.MAX_LIVE_STEPS
    assert "the first, the last and one about every" in all_text(at)  # which steps are shown


# --- which steps a run shows, and what it keeps (ui/learn_run.py) ------------------------------

def test_a_short_run_shows_every_step_a_long_one_about_a_hundred_with_both_ends():
    assert frame_steps(20) == list(range(1, 21))
    long = frame_steps(1000)
    assert long[0] == 1 and long[-1] == 1000 and len(long) == MAX_FRAMES
    big = frame_steps(1000, cells=62 * 62)  # a big Ŷ in every frame: fewer frames
    assert big[0] == 1 and big[-1] == 1000 and 2 <= len(big) < MAX_FRAMES
    with pytest.raises(ValueError, match="at least 1 step"):
        frame_steps(0)


def test_a_record_keeps_every_loss_and_the_divergence_step():
    task = learn_task.make_task(stripes(), D2L_EDGE)
    run = record(task, steps=20, lr=0.03)
    assert run.status == "diverged" and run.last_step == 9 and run.steps[-1] == 9
    assert run.last.diverged and run.last.step == 9
    whole = record(task, steps=20)
    assert [i for i, _ in whole.table()] == [5, 10, 15, 20] and whole.every == 5
    assert torch.equal(whole.last.weight, list(core.learn_kernel(
        task.X, task.Y, kernel_size=(1, 2)))[-1].weight)


@pytest.mark.parametrize("total, every", [(3, 2), (10, 2), (11, 5), (20, 5), (100, 5), (400, 20),
                                          (1000, 50)])
def test_the_printout_is_every_2nd_step_up_to_10_as_the_book_prints_then_every_5th(total, every):
    assert Trajectory((), (), None, None, None, None, total, "done").every == every


def test_every_element_key_of_the_page_carries_its_lk_prefix():
    at = run_page(PAGE)
    assert at.session_state["lk_run"].status == "done"
    keys = [e.key for kind in ("plotly_chart", "button", "number_input", "selectbox",
                               "checkbox", "radio", "slider", "toggle")
            for e in at.get(kind) if getattr(e, "key", None) and e.key != view.SWITCH]
    charts = [c.proto.id for c in at.get("plotly_chart")]
    assert keys and all(k.startswith("lk_") for k in keys), keys
    assert all("lkc_" not in c for c in charts), charts
    assert "learn_run" not in at.session_state and "learn_paced" not in at.session_state


@pytest.mark.parametrize("name", list(SETUPS))
def test_a_set_up_button_logs_no_session_state_warning(name, monkeypatch):
    """The buttons set widgets in callbacks, as Streamlit's docs show; the server log stays
    clean (the warning is logged once per process, so the test re-arms it)."""
    import logging

    from streamlit.elements.lib import policies

    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    policies._LOGGER.addHandler(handler)
    try:
        at = run_page(PAGE, {})
        at.button(key=f"lk_setup_{name}").click().run()
        assert_clean(at)
    finally:
        policies._LOGGER.removeHandler(handler)
    assert not [m for m in seen if "Session State API" in m], seen
