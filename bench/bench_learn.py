"""The kernel-learning page: training speed, what drawing it live costs, the Sobel set-up."""

from __future__ import annotations

import time

import torch

from bench.common import Row, apptest, best_of, figure_sizes
from core import learn
from core.images import SAMPLES, stripes
from core.kernels import D2L_EDGE, PRESETS, SOBEL_X
from ui.learn_run import Run
from ui.learn_setups import SETUPS

PAGE = "pages/learn.py"
SOBEL = SETUPS["sobel"].values
#: 200 steps on a 64×64 sample picture learning Sobel x 3×3, with the page's Sobel settings.
SOBEL_200 = {"lk_target": SOBEL["target"], "lk_input": SOBEL["input"], "lk_opt": SOBEL["opt"],
             "lk_lr": str(SOBEL["lr"]), "lk_loss": SOBEL["loss"], "lk_steps": "200"}


def _train(task: learn.Task, steps: int, **settings) -> None:
    run = Run(task, steps=steps, **settings)
    for _ in run.advance():
        pass


def _page_run(at) -> float:
    """Server time of one fresh full-speed run (the session forgets the last one)."""
    at.session_state["lk_run"] = None
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return time.perf_counter() - t


def measure() -> list[Row]:
    rows = []
    torch.set_num_threads(1)  # as the app computes (ui/runtime.py)
    seed = learn.make_task(stripes(), D2L_EDGE)
    sobel = learn.make_task(SAMPLES[SOBEL["input"]](), PRESETS[SOBEL["target"]])
    settings = {"optimizer": SOBEL["opt"], "lr": SOBEL["lr"], "loss": SOBEL["loss"]}
    _train(sobel, 5, **settings)  # the first optimizer costs seconds (FACTS.md): warm up
    t_seed = best_of(lambda: _train(seed, 200), repeat=5)
    rows.append(Row("learn", "learn_kernel steps/s, seed 6×8, 1×2", 200 / t_seed, "1/s"))
    # Bare and page runs alternate, so a busy machine slows both alike; best of 7 each.
    at = apptest(PAGE, SOBEL_200)
    bare, page = float("inf"), float("inf")
    for _ in range(7):
        bare = min(bare, best_of(lambda: _train(sobel, 200, **settings), repeat=1))
        page = min(page, _page_run(at))
    rows.append(Row("learn", "learn_kernel steps/s, 64×64 Sobel x 3×3", 200 / bare, "1/s"))
    rows.append(Row("learn", "bare training, 200 steps 64×64 Sobel", bare * 1e3, "ms"))
    rows.append(Row("learn", "page wall time, 200 steps 64×64 Sobel", page * 1e3, "ms"))
    drawing = page - bare
    rows.append(Row("learn", "page drawing / bare training (whole page)", drawing / bare, "×",
                    "≤ 2", drawing / bare <= 2))
    one = apptest(PAGE, {**SOBEL_200, "lk_steps": "1"})
    fixed = min(_page_run(one) for _ in range(5))
    live = (page - fixed) / bare - 1  # what the 199 extra steps cost beyond training them
    rows.append(Row("learn", "live-loop drawing / bare training", live, "×", "≤ 2", live <= 2))
    rows.append(Row("learn", "page fixed cost (1 step: data, result, notes)", fixed * 1e3, "ms"))
    rows.append(Row("learn", "page figures JSON, 64×64 Sobel", sum(figure_sizes(at)) / 1e3, "kB"))

    task = learn.make_task(SAMPLES[SOBEL["input"]](), PRESETS[SOBEL["target"]])
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

    slow = apptest(PAGE)
    t = time.perf_counter()
    slow.button(key="lk_again").click().run()
    rows.append(Row("learn", "Train again (slow motion), seed set-up", time.perf_counter() - t,
                    "s"))
    return rows
