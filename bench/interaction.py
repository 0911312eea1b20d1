"""Where one page's warm interaction spends its time, in chromium: input → the rerun's first
message (the request reaching the server, and the script starting), first message →
script_finished (the script, and the browser rendering the deltas as they arrive),
script_finished → visually complete (what the browser still draws; see bench_browser).

    .venv/bin/python -m bench.interaction channels ch_ci
    .venv/bin/python -m bench.interaction "channels?ch_tab=Cost" ch_ci -n 20
    .venv/bin/python -m bench.interaction learn lk_log --option runner.postScriptGC=true

A fresh server per call; the page is opened from the home page first, as a visitor would
(so the app's navigation is in place), then the control is changed twice untimed and
``-n`` times timed, back and forth. Not part of ``make bench``: a tool for finding out
why a page is slow, with the same timer as ``python -m bench browser``.
"""

from __future__ import annotations

import argparse

from bench.bench_browser import TIMEOUT_MS, WATCH, _interaction, _kind, _loaded, timed
from bench.load import Server, percentile

PHASES = ("input → first message", "→ script_finished", "→ visually complete", "total")


def measure(path: str, key: str, n: int, options: dict[str, str]) -> list[tuple[float, ...]]:
    """``n`` timed changes of widget ``key`` on page ``path``: one tuple of PHASES each (ms)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    rows: list[tuple[float, ...]] = []
    with sync_playwright() as p, Server(options) as server:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    headless=True)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(WATCH)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        base = server.url.replace("127.0.0.1", "localhost")
        page.goto(base)
        _loaded(page)
        page.goto(f"{base}/{path}")
        _loaded(page)
        kind = _kind(page, key)
        if kind is None:
            raise SystemExit(f"no slider, number input or toggle with key {key!r} on /{path}")
        up = True
        while len(rows) < n:
            r = _interaction(page, key, kind, up)
            up = not up
            if timed(r):
                rows.append((r["tRun"] - r["t0"], r["tEnd"] - r["tRun"], r["t1"] - r["tEnd"],
                             r["t1"] - r["t0"]))
        browser.close()
    return rows[2:] if len(rows) > 2 else rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", help="URL path, a query allowed: learn, 'channels?ch_tab=Cost'")
    ap.add_argument("key", help="widget key to change: a slider, number input or toggle")
    ap.add_argument("-n", type=int, default=12, help="timed changes (default 12)")
    ap.add_argument("--option", action="append", default=[],
                    help="extra `streamlit run` option, e.g. runner.postScriptGC=true")
    args = ap.parse_args()
    options = dict(o.split("=", 1) for o in args.option)
    rows = measure(args.path, args.key, args.n + 2, options)
    print(f"/{args.path}, {args.key}: {len(rows)} timed changes")
    for i, phase in enumerate(PHASES):
        xs = [r[i] for r in rows]
        print(f"  {phase:20} median {percentile(xs, 50):6.1f} ms   max {max(xs):6.1f} ms")


if __name__ == "__main__":
    main()
