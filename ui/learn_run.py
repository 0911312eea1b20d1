"""What the learning page keeps of a run between reruns, and when it draws it.

Page state, not math: the math is core.learn. A ``Run`` (a live generator of
core.learn_kernel's steps) lives in one visitor's st.session_state; ``FrameClock`` paces
the page's redraws. Torch's thread count is the process's (ui/runtime.py sets it once).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core.learn import Step, Task, learn_kernel


class Run:
    """One training run, kept by one visitor: it records every step's loss before handing the
    step on, so a page interrupted mid-run (by a click) can resume or show what it has.

    ``status``: "running", then "done", "diverged" or "stopped".
    """

    def __init__(self, task: Task, *, key: Any = None, **settings: Any) -> None:
        self.key = key
        self.total: int = settings.get("steps", 20)
        self._steps = learn_kernel(task.X, task.Y, kernel_size=task.kernel_size, **settings)
        self.losses: list[float] = []
        self.last: Step | None = None
        self.status = "running"

    def advance(self) -> Iterator[Step]:
        """The remaining steps, each recorded before it is yielded."""
        if self.status != "running":
            return
        for s in self._steps:
            self.losses.append(s.loss)
            self.last = s
            if s.diverged:
                self.status = "diverged"
            yield s
            if self.status == "stopped":
                return
        if self.status == "running":
            self.status = "done"

    def stop(self) -> None:
        if self.status == "running":
            self.status = "stopped"

    @property
    def every(self) -> int:
        """Steps between rows of ``table``: 2 up to 10 steps (the book's current edition prints
        its 10 so), else 5 as the notebook prints its 20, more for long runs (≤ 20 rows)."""
        return 2 if self.total <= 10 else 5 * max(1, math.ceil(self.total / 100))

    def table(self) -> list[tuple[int, float]]:
        """(step, loss) every ``every`` steps so far, as the seed prints them."""
        return [(i, l) for i, l in enumerate(self.losses, 1) if i % self.every == 0]


class FrameClock:
    """When a live page should draw the run, so drawing never dominates training.

    Full speed: at most ``fps`` frames a second, and only while drawing has taken at most
    ``share`` of the time so far. ``pace``: one frame every ``stride`` steps (about ``frames``
    in all), each held by sleeping so the run lasts about ``seconds``, at most ``fps`` a second
    and at most ``hold`` seconds a frame: a 20-step run that computes in a millisecond can then
    be watched, and a click (Stop) is heard within ``hold`` (a sleep cannot be interrupted).
    """

    def __init__(
        self, total: int, *, pace: bool = False, fps: float = 15, frames: int = 30,
        seconds: float = 2.0, hold: float = 1.0, share: float = 0.5,
        now: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.total, self.pace, self.share = total, pace, share
        self.stride = math.ceil(total / frames) if pace else 1
        self.period = (max(1 / fps, min(hold, seconds / math.ceil(total / self.stride))) if pace
                       else 1 / fps)
        self._now, self._sleep = now, sleep
        self.start = self.last = now()
        self.drawing = 0.0

    def due(self, step: int) -> bool:
        """Whether to draw after ``step`` (never the last one: the page draws that anyway)."""
        if step >= self.total:
            return False
        if self.pace:
            return step % self.stride == 0
        t = self._now()
        return t - self.last >= self.period and self.drawing <= self.share * (t - self.start)

    @contextmanager
    def frame(self) -> Iterator[None]:
        """Wrap one drawing: time it, and in ``pace`` mode hold the frame for 1/fps."""
        t0 = self._now()
        yield
        t1 = self._now()
        self.drawing += t1 - t0
        if self.pace:
            self._sleep(max(0.0, self.last + self.period - t1))
        self.last = self._now()
