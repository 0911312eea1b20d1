"""A whole training run, computed at once and kept as plain values: what the learning page
sends to the browser as one animation ("the server computes, the browser plays").

Page state, not math: the math is core.learn. ``record`` runs core.learn_kernel to the end
and keeps every loss and, for the steps an animation shows (``frame_steps``), the kernel, its
gradient and the prediction. ``train`` caches it per settings (st.cache_data), so a rerun that
changes only what is shown does not train again. Torch's thread count is the process's
(ui/runtime.py sets it once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st
import torch

import core
from core import learn, learn_task
from core.images import SAMPLES, stripes
from core.kernels import D2L_EDGE
from ui.charts import Packed, packed, unpacked
from viz.figure import PlainFigure
from viz.learn import input_grid, kernel_grid, training_animation

#: Most frames an animation holds: every step up to this, else evenly spaced steps.
MAX_FRAMES = 100
#: A frame carrying a big Ŷ costs ~4 bytes a cell in the figure's JSON: fewer frames then, so
#: the figure stays under about this many bytes (measured: bench/bench_learn.py).
FRAME_BYTES = 700_000


def frame_steps(total: int, *, cells: int = 0, max_frames: int = MAX_FRAMES) -> list[int]:
    """Which of steps 1‥total an animation shows: all of them when few, else about
    ``max_frames`` (fewer when a frame carries ``cells`` numbers) evenly spaced, always the
    first and the last (a divergence ends the run, so its step is the last)."""
    if total < 1:
        raise ValueError(f"a run has at least 1 step, got {total}")
    budget = max(2, min(max_frames, FRAME_BYTES // max(1, 4 * cells))) if cells else max_frames
    if total <= budget:
        return list(range(1, total + 1))
    return sorted({int(round(v)) for v in np.linspace(1, total, budget)})


@dataclass(frozen=True)
class Trajectory:
    """A finished run: ``losses`` (n,) of every step, and at the shown ``steps`` (F,) the
    kernel ``weights`` (F, kh, kw) after the step, ``grads`` (F, kh, kw) and predictions
    ``preds`` (F, H_out, W_out) of its forward pass, ``biases`` (F,) or None.
    ``total``: the steps asked for; ``status``: "done" or "diverged" (then n ≤ total)."""

    losses: tuple[float, ...]
    steps: tuple[int, ...]
    weights: np.ndarray
    grads: np.ndarray
    preds: np.ndarray
    biases: tuple[float, ...] | None
    total: int
    status: str

    @property
    def every(self) -> int:
        """Steps between rows of ``table``: 2 up to 10 steps (the book's current edition prints
        its 10 so), else 5 as the notebook prints its 20, more for long runs (≤ 20 rows)."""
        return 2 if self.total <= 10 else 5 * max(1, math.ceil(self.total / 100))

    def table(self) -> list[tuple[int, float]]:
        """(step, loss) every ``every`` steps, as the seed prints them."""
        return [(i, l) for i, l in enumerate(self.losses, 1) if i % self.every == 0]

    @property
    def last_step(self) -> int:
        return len(self.losses)

    @property
    def last(self) -> learn.Step:
        """The run's last step as core.learn_kernel yielded it (the final state)."""
        return learn.Step(
            self.last_step, self.losses[-1], torch.from_numpy(self.weights[-1]),
            None if self.biases is None else self.biases[-1], torch.from_numpy(self.grads[-1]),
            torch.from_numpy(self.preds[-1]), self.status == "diverged")


def record(task: learn_task.Task, **settings: Any) -> Trajectory:
    """Train ``task`` with core.learn_kernel's ``settings`` to the end; keep what is shown."""
    total = settings.get("steps", 20)
    Ho, Wo = task.Y.shape
    shown = set(frame_steps(total, cells=Ho * Wo))
    losses, keep = [], []
    for s in learn.learn_kernel(task.X, task.Y, kernel_size=task.kernel_size, **settings):
        losses.append(s.loss)
        if s.step in shown or s.diverged:  # a divergence is the run's last step: always shown
            keep.append(s)
    return Trajectory(
        tuple(losses), tuple(s.step for s in keep),
        np.stack([s.weight.numpy() for s in keep]), np.stack([s.grad.numpy() for s in keep]),
        np.stack([s.prediction.numpy() for s in keep]),
        None if keep[0].bias is None else tuple(s.bias for s in keep), total,
        "diverged" if keep[-1].diverged else "done",
    )


@st.cache_data(max_entries=64, show_spinner=False)
def task(source: str, K: tuple[tuple[float, ...], ...], kernel_size: tuple[int, int] | None,
         noise: float, seed: int) -> learn_task.Task:
    """core.learn_task.make_task for the page's plain settings (a sample picture by name, K as
    nested tuples), cached: the page, ``train`` and ``animation`` share one."""
    return learn_task.make_task(SAMPLES[source](), np.array(K, dtype=np.float32),
                                kernel_size=kernel_size, noise=noise, seed=seed)


@dataclass(frozen=True)
class Landscape:
    """What the page says about a task before any run: the least-squares ``best`` for the
    chosen loss, the ``free`` directions X cannot pin down, and the stable learning rate of
    plain gradient descent for each loss (``stable["sum"]``, ``stable["mean"]``; None if none)."""

    best: learn.Optimum
    free: int
    stable: dict[str, float | None]


@st.cache_data(max_entries=64, show_spinner=False)
def landscape(source: str, K: tuple[tuple[float, ...], ...],
              kernel_size: tuple[int, int] | None, noise: float, seed: int, *, bias: bool,
              loss: str) -> Landscape:
    """core.learn's analysis of ``task(...)``, cached: a change of lr, steps, optimizer, start
    or view solves nothing again."""
    t = task(source=source, K=K, kernel_size=kernel_size, noise=noise, seed=seed)
    return Landscape(
        core.best_kernel(t.X, t.Y, kernel_size=t.kernel_size, bias=bias, loss=loss),
        learn.free_directions(t.X, t.kernel_size, bias=bias),
        {v: learn.stable_lr(t.X, t.kernel_size, bias=bias, loss=v) for v in ("sum", "mean")})


@st.cache_data(max_entries=64, show_spinner=False)  # the page shows its own, translated
def train(source: str, K: tuple[tuple[float, ...], ...], kernel_size: tuple[int, int] | None,
          noise: float, **settings: Any) -> Trajectory:
    """``record`` for the page's plain settings (a sample picture by name, K as nested
    tuples), cached per settings: reruns that change only the view do not train again."""
    return record(task(source=source, K=K, kernel_size=kernel_size, noise=noise,
                       seed=settings.get("seed", 0)), **settings)


#: A figure of a long run on a 64×64 picture holds ≈ 5 MB (tracemalloc): at most 80 MB kept.
@st.cache_resource(max_entries=16, show_spinner=False)
def animation(source: str, K: tuple[tuple[float, ...], ...], kernel_size: tuple[int, int] | None,
              noise: float, *, log: bool, optimum: float, kmax: float, ymax: float, lang: str,
              width: int | None = None, projector: bool = False, **settings: Any
              ) -> PlainFigure:
    """``train``'s run as one animation (viz.learn.training_animation; ``width``: a phone's,
    see viz.grid.narrow; ``lang``: its words), built once per settings, view and language
    and shared, read-only, by every
    session, plain (viz.figure.PlainFigure: sent as the dicts it was made of, never copied).
    Building it costs far more than sending it (the notebook's run: ≈ 50 ms of CPU against
    ≈ 1 ms for the frozen dict), so a rerun that changes nothing of the run builds nothing."""
    run = train(source=source, K=K, kernel_size=kernel_size, noise=noise, **settings)
    Y = task(source=source, K=K, kernel_size=kernel_size, noise=noise,
             seed=settings.get("seed", 0)).Y
    return training_animation(run.losses, run.steps, run.weights, run.grads, run.preds, Y,
                              total=run.total, optimum=optimum, log=log,
                              diverged=run.status == "diverged", kmax=kmax, ymax=ymax,
                              bias=settings.get("bias", True), width=width, lang=lang,
                              projector=projector)


@st.cache_resource(max_entries=128, show_spinner=False)
def _kernel_figure(*, key: Packed, title: str, zmax: float | None,
                   width: int | None, lang: str, projector: bool) -> PlainFigure:
    return kernel_grid(unpacked(key), title=title, zmax=zmax, width=width, lang=lang,
                       projector=projector)


def kernel_figure(T: Any, *, title: str, lang: str, zmax: float | None = None,
                  width: int | None = None, projector: bool = False) -> PlainFigure:
    """viz.learn.kernel_grid of a kernel-sized T (≤ MAX_LEARNED_KERNEL a side), built once per
    numbers, title, width and language (its hover) and shared read-only by every session, as
    ``animation``: the page's four result grids and the true K cost nothing on a rerun that
    keeps them."""
    return _kernel_figure(key=packed(T), title=title,
                          zmax=None if zmax is None else float(zmax), width=width, lang=lang,
                          projector=projector)


@st.cache_resource(max_entries=32, show_spinner=False)
def input_figure(source: str, *, title: str, lang: str, width: int | None = None,
                 projector: bool = False) -> PlainFigure:
    """viz.learn.input_grid of the sample ``source`` as the layer trains on it (shrunk by
    core.learn_task.fit_input), built once per picture, title, width and language; shared
    read-only."""
    return input_grid(learn_task.fit_input(SAMPLES[source]()), title=title, width=width,
                      lang=lang, projector=projector)


@st.cache_data(max_entries=1, show_spinner=False)
def notebook_run() -> tuple[str, str]:
    """The notebook's training cell (the stripes, K = [1, −1], a 1×2 kernel, lr 0.01, 20 steps,
    seed 0) as the tour shows it: its printout and the learned kernel, as text. The same on
    every visit, so trained once per process."""
    X = stripes()
    steps = list(core.learn_kernel(X, core.corr2d(X, D2L_EDGE), kernel_size=(1, 2), lr=0.01,
                                   steps=20, seed=0))
    return learn.notebook_printout(steps), core.format_grid(steps[-1].weight)
