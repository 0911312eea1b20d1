"""Waiting on a condition, for tests outside a browser: poll it until it holds or time is up.

The poll interval is not a wait for something to happen: the test goes on the moment the
condition holds, and fails with ``what`` once ``timeout`` seconds have passed without it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(condition: Callable[[], T], what: str, timeout: float = 30.0) -> T:
    """``condition()``'s first truthy value; AssertionError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.05)
    return value
