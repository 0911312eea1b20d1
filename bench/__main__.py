"""Run every bench/bench_*.py (or those named on the command line) and print one table."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import Row


def main(names: list[str]) -> int:
    here = Path(__file__).parent
    found = pkgutil.iter_modules([str(here)])
    modules = sorted(m.name for m in found if m.name.startswith("bench_"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    rows: list[Row] = []
    for name in modules:
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += importlib.import_module(f"bench.{name}").measure()
    width = max((len(r.what) for r in rows), default=10)
    print(f"{'group':<10} {'what':<{width}} {'value':>12} {'unit':<6} {'target':<14} ok")
    for r in rows:
        ok = "" if r.ok is None else ("yes" if r.ok else "NO")
        print(f"{r.group:<10} {r.what:<{width}} {r.value:>12.4g} {r.unit:<6} {r.target:<14} {ok}")
    missed = [r for r in rows if r.ok is False]
    print(f"\n{len(rows)} numbers, {len(missed)} missed their target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
