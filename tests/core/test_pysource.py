"""core.pysource: the one home of ast.parse and inspect.getsource, each under one lock
(CPython 3.11's ast is not safe in two script threads at once)."""

import re
import threading
from pathlib import Path

import core
from core import pysource

ROOT = Path(__file__).resolve().parents[2]


class CountingLock:
    def __init__(self) -> None:
        self.lock, self.taken = threading.Lock(), 0

    def __enter__(self):
        self.lock.acquire()
        self.taken += 1

    def __exit__(self, *exc):
        self.lock.release()


def test_parse_and_source_take_the_lock(monkeypatch):
    lock = CountingLock()
    monkeypatch.setattr(pysource, "_LOCK", lock)
    pysource.source_text.cache_clear()
    assert pysource.parse("x = [[1, 2], [3, 4]]").body
    assert pysource.source_text(core.Conv2D).startswith("class Conv2D")
    assert lock.taken == 2
    pysource.source_text(core.Conv2D)  # read once per process
    assert lock.taken == 2


def test_no_other_module_parses_or_reads_source_directly():
    direct = re.compile(r"\bast\.parse\(|\binspect\.getsource\(")
    offenders = [str(p.relative_to(ROOT)) for folder in ("core", "viz", "ui", "pages")
                 for p in (ROOT / folder).rglob("*.py")
                 if p.name != "pysource.py" and direct.search(p.read_text())]
    offenders += ["app.py"] if direct.search((ROOT / "app.py").read_text()) else []
    assert offenders == []


def test_parses_from_many_threads_at_once_all_succeed():
    errors: list[BaseException] = []
    src = (ROOT / "core" / "windows.py").read_text()

    def work() -> None:
        try:
            for _ in range(20):
                pysource.parse(src)
        except BaseException as e:  # noqa: BLE001 - any failure is the finding
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
