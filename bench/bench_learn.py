"""The kernel-learning page: training speed, what a rerun costs beside it, the animation's size,
the Sobel set-up."""

from __future__ import annotations

import time

import torch

from bench.common import Row, apptest, best_of, figure_sizes
from core import learn, learn_task
from core.images import SAMPLES, stripes
from core.kernels import D2L_EDGE, PRESETS, SOBEL_X
from ui.learn_run import record, train
from ui.learn_setups import SETUPS
from viz.learn import training_animation

PAGE = "pages/learn.py"
SOBEL = SETUPS["sobel"].values
#: 200 steps on a 64×64 sample picture learning Sobel x 3×3, with the page's Sobel settings.
SOBEL_200 = {"lk_target": SOBEL["target"], "lk_input": SOBEL["input"], "lk_opt": SOBEL["opt"],
             "lk_lr": str(SOBEL["lr"]), "lk_loss": SOBEL["loss"], "lk_steps": "200"}


#: The largest run the page trains: a 7×7 kernel with noise on a 64×64 picture, every step.
LARGEST = {"lk_target": "Outline", "lk_input": "Circles 64×64", "lk_same": "false", "lk_kh": "7",
           "lk_kw": "7", "lk_opt": "adam", "lk_lr": "0.1", "lk_loss": "mean",
           "lk_steps": str(learn.MAX_LIVE_STEPS), "lk_noise": "1.0"}


def _train(task: learn_task.Task, steps: int, **settings) -> None:
    for _ in learn.learn_kernel(task.X, task.Y, kernel_size=task.kernel_size, steps=steps,
                                **settings):
        pass


def _animation(task: learn_task.Task, run) -> None:
    training_animation(run.losses, run.steps, run.weights, run.grads, run.preds, task.Y,
                       total=run.total, optimum=0.0, kmax=float(task.K_view.abs().max()),
                       ymax=float(task.Y.abs().max()))


def _page_run(at, *, fresh: bool) -> float:
    """Server time of one rerun of the page; ``fresh``: the run is trained, not cached."""
    if fresh:
        train.clear()
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return time.perf_counter() - t


def measure() -> list[Row]:
    rows = []
    torch.set_num_threads(1)  # as the app computes (ui/runtime.py)
    seed = learn_task.make_task(stripes(), D2L_EDGE)
    sobel = learn_task.make_task(SAMPLES[SOBEL["input"]](), PRESETS[SOBEL["target"]])
    settings = {"optimizer": SOBEL["opt"], "lr": SOBEL["lr"], "loss": SOBEL["loss"]}
    _train(sobel, 5, **settings)  # the first optimizer costs seconds (FACTS.md): warm up
    t_seed = best_of(lambda: _train(seed, 200), repeat=5)
    rows.append(Row("learn", "learn_kernel steps/s, seed 6×8, 1×2", 200 / t_seed, "1/s"))
    n = learn.MAX_LIVE_STEPS
    big = best_of(lambda: _train(sobel, n, **settings), repeat=3)
    rows.append(Row("learn", f"bare training, {n} steps 64×64 Sobel 3×3", big * 1e3, "ms"))
    kept = best_of(lambda: record(sobel, steps=n, **settings), repeat=3)
    rows.append(Row("learn", "whole run kept for the animation / bare training", kept / big, "×"))
    # The animation of a 100-frame run (the notebook's stripes, a 2×2 kernel, 500 steps: every
    # grid numbered) beside the training that made it: what a new setting costs the server.
    long = learn_task.make_task(stripes(), D2L_EDGE, kernel_size=(2, 2))
    trained = best_of(lambda: _train(long, 500), repeat=5)
    run = record(long, steps=500)
    built = best_of(lambda: _animation(long, run), repeat=5)
    rows.append(Row("learn", f"animation of {len(run.steps)} frames / its training, "
                    "500 steps 6×8 2×2", built / trained, "×"))
    # Bare and page runs alternate, so a busy machine slows both alike; best of 5 each.
    at = apptest(PAGE, SOBEL_200)
    bare, fresh, rerun = float("inf"), float("inf"), float("inf")
    for _ in range(5):
        bare = min(bare, best_of(lambda: _train(sobel, 200, **settings), repeat=1))
        fresh = min(fresh, _page_run(at, fresh=True))
        rerun = min(rerun, _page_run(at, fresh=False))
    rows.append(Row("learn", "bare training, 200 steps 64×64 Sobel", bare * 1e3, "ms"))
    rows.append(Row("learn", "page run, new settings / bare training", fresh / bare, "×"))
    rows.append(Row("learn", "page rerun, same settings (cached) / bare training", rerun / bare,
                    "×", "≤ 2", rerun / bare <= 2))
    rows.append(Row("learn", "page figures JSON, 200 steps 64×64 Sobel",
                    sum(figure_sizes(at)) / 1e3, "kB"))
    largest = apptest(PAGE, LARGEST)
    spec = max(figure_sizes(largest))
    rows.append(Row("learn", f"run animation JSON, {n} steps 7×7 on 64×64", spec / 1e3, "kB",
                    "< 1000", spec < 1_000_000))

    task = learn_task.make_task(SAMPLES[SOBEL["input"]](), PRESETS[SOBEL["target"]])
    hit = next((s.step for s in learn.learn_kernel(
        task.X, task.Y, kernel_size=task.kernel_size, lr=SOBEL["lr"], steps=SOBEL["steps"],
        seed=SOBEL["seed"], bias=SOBEL["bias"], optimizer=SOBEL["opt"], loss=SOBEL["loss"],
    ) if (s.weight - SOBEL_X).abs().max() < 0.01), None)
    rows.append(Row("learn", "Sobel set-up: steps to within 0.01 of Sobel x",
                    float(hit or 10**9), "steps", "≤ 500", hit is not None and hit <= 500))
    last = list(learn.learn_kernel(task.X, task.Y, kernel_size=(3, 3), lr=0.5, steps=500,
                                   loss="mean"))[-1]
    bound = learn.stable_lr(task.X, (3, 3), loss="mean")
    rows.append(Row("learn", f"plain SGD lr 0.5 mean on {SOBEL['input']}: diverged (1=yes)",
                    float(last.diverged), "", f"bound {bound:.3g}"))

    return rows
