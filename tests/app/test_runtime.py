"""ui.runtime: the app sets its process up once: one torch thread, and the import-time heap
frozen after the first run.

Each check runs in a fresh interpreter: a freeze is process-wide and would otherwise
change the garbage collection of the test process itself.
"""

import subprocess
import sys
import textwrap

import pytest

from tests.apptest import ROOT

# Fresh interpreters that import torch, and a wait for the freeze timer: seconds each.
pytestmark = pytest.mark.slow


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_freezing_takes_the_imported_heap_out_of_what_a_collection_walks():
    out = run("""
        import gc
        from ui.runtime import freeze_imports
        import torch, plotly.graph_objects  # what a page imports
        before = len(gc.get_objects())
        frozen = freeze_imports()
        print(before, frozen, len(gc.get_objects()))
    """)
    before, frozen, after = map(int, out.split())
    assert frozen >= before > 100_000  # torch and plotly alone are far more than that
    assert after < before / 20  # a full collection now walks a few thousand objects


def test_the_background_freeze_leaves_pandas_to_the_pages():
    # Plotly takes pandas from sys.modules without importing it: a half-imported pandas from
    # the timer thread broke figures that visitors' scripts built at that moment.
    out = run("""
        import sys
        import plotly.graph_objects
        from ui.runtime import freeze_imports
        freeze_imports()
        print("pandas" in sys.modules)
    """)
    assert out.split()[-1] == "False"


def test_the_freeze_comes_after_the_meta_devices_first_check():
    # The first meta-device shape check imports torch's symbolic-shapes module and sympy:
    # frozen with the rest, not left to a visitor's run and to every later collection.
    out = run("""
        import gc, sys
        from ui.runtime import freeze_imports
        freeze_imports()
        from core.formula import ConvGeometry, torch_output_shape
        before = len(gc.get_objects())
        shape = torch_output_shape(ConvGeometry((40, 40), (5, 5), stride=(3, 3)), meta=True)
        print("sympy" in sys.modules, shape, len(gc.get_objects()) - before)
    """)
    *_, grown = out.split()
    assert out.startswith("True (12, 12)")
    assert int(grown) < 2_000  # nothing left to import (the first check adds ≈ 39 000)


def test_the_app_schedules_the_freeze_once_after_its_first_run():
    out = run("""
        import gc, threading
        from streamlit.testing.v1 import AppTest
        import torch
        import ui.runtime
        ui.runtime.DELAY_S = 5.0  # room for the two runs before the timer fires
        at = AppTest.from_file("app.py", default_timeout=60)
        at.run()
        at.run()
        assert not at.exception
        timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
        threads = torch.get_num_threads()
        for t in timers:
            t.join(60)  # the freeze has run
        print(len(timers), gc.get_freeze_count(), threads)
    """)
    timers, frozen, threads = map(int, out.split()[-3:])
    assert timers == 1  # two runs, one timer
    assert frozen > 100_000
    assert threads == 1
