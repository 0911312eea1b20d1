"""Python source text read and parsed safely on many threads: the one home for ``ast.parse``
and ``inspect.getsource`` in ConvScope.

Streamlit runs each visitor's script on a thread of its own, and CPython 3.11's ``ast``
module keeps a recursion counter per interpreter while it builds a tree: two threads parsing
at once can fail with "SystemError: AST constructor recursion depth mismatch" (seen under the
load test on 3.11.7, from ``inspect.getsource`` of a class, which parses its whole module;
fixed in later CPython releases). So every parse here takes one lock; a parse is
short (≈ 1 ms for a module of core), and a page's own source is read once per process.
"""

from __future__ import annotations

import ast
import functools
import inspect
import threading

_LOCK = threading.Lock()


def parse(source: str, mode: str = "exec") -> ast.AST:
    """``ast.parse(source, mode=mode)``, one thread at a time."""
    with _LOCK:
        return ast.parse(source, mode=mode)


@functools.cache
def source_text(obj: object) -> str:
    """The source of a function or class, as a page shows it: read once per server process
    (``inspect.getsource`` tokenises the whole file each time), one thread at a time."""
    with _LOCK:
        return inspect.getsource(obj)
