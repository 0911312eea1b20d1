"""The app in a real browser (Debian's chromium): cold start, page visits, interactions,
and the server's memory at rest and under 20 sessions.

- cold start: ``streamlit run`` started → home page rendered in the browser (the script
  has run once: ``[data-testid="stApp"]`` went ``running`` → ``notRunning``, then painted);
- first visit per page: navigation start → rendered, in a browser that has the static
  files cached (a returning visitor; each visit is a new server session);
- warm interaction per page: one user input (key press or click) → the rerun it causes
  has finished and painted. Timed inside the page (``performance.now``), so Playwright's
  own overhead is left out;
- memory: RSS of the server and its children at start, after every page was visited
  (at rest), and the peak under 20 protocol-level sessions (bench.load, shortened).

Targets (2-core machine): first render < 4 s, warm interaction p95 < 250 ms,
memory < 600 MB with 20 sessions.

To try a server option without editing .streamlit/config.toml:
``BENCH_STREAMLIT_OPTIONS="runner.postScriptGC=false" .venv/bin/python -m bench browser``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

from bench.common import Row
from bench.load import MemorySampler, Server, Tally, built_pages, drive, percentile, rss_mb

VISITS = 5  # first visits per page
INTERACTIONS = 12  # warm interactions per page
LOAD_SECONDS = 20  # the shortened 20-session run for the memory figure
TIMEOUT_MS = 60_000

# The control each page's warm interaction changes: (widget key, kind). Pages not listed
# use their first slider; a page with no control (the home page) only gets visits.
CONTROLS = {  # by URL path (= the page's file name, see ui/nav.py)
    "sliding_window": "sw_c",  # move the picked output cell one column
    "edges": "ed_pad",
    "learn": "lk_log",  # redraw without retraining
    "shapes": "sh_k_h",
    "channels": "ch_ci",  # on the default tab, "Many inputs"
}
# Also timed, without a target: a change that retrains (slow motion is the default).
RETRAIN = ("learn", "lk_steps")
KINDS = {"stSlider": "slider", "stNumberInput": "number_input", "stCheckbox": "toggle"}

# Runs before any page script: watch the script state from the first byte of the page.
WATCH = """
(() => {
  const state = () => { const a = document.querySelector('[data-testid="stApp"]');
                        return a && a.getAttribute('data-test-script-state'); };
  const paint = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
  window.__lt = {load: null, seenRun: false};
  const obs = new MutationObserver(() => {
    const s = state();
    if (s === 'running') window.__lt.seenRun = true;
    if (window.__lt.seenRun && s === 'notRunning' && window.__lt.load === null) {
      window.__lt.load = -1;
      paint(() => { window.__lt.load = performance.now(); });
    }
  });
  obs.observe(document, {subtree: true, attributes: true,
                         attributeFilter: ['data-test-script-state']});
  // One interaction: the first user input after arming, to the end of the rerun it caused.
  window.__ltArm = (timeout) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const rec = {t0: null, seenRun: false, tRun: null, tEnd: null};
    const mark = () => { if (rec.t0 === null) rec.t0 = performance.now(); };
    for (const ev of ['keydown', 'pointerdown', 'click'])
      document.addEventListener(ev, mark, {capture: true, once: true});
    window.__ltDone = new Promise((resolve) => {
      const o = new MutationObserver(() => {
        const s = app.getAttribute('data-test-script-state');
        if (s === 'running' && !rec.seenRun) { rec.seenRun = true; rec.tRun = performance.now(); }
        else if (rec.seenRun && s === 'notRunning') {
          o.disconnect();
          rec.tEnd = performance.now();
          paint(() => resolve({...rec, t1: performance.now()}));
        }
      });
      o.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
      setTimeout(() => { o.disconnect(); resolve({...rec, t1: null}); }, timeout);
    });
  };
})();
"""


def _loaded(page) -> float:
    """Milliseconds from navigation start to the first finished, painted run."""
    page.wait_for_function("() => window.__lt && window.__lt.load > 0", timeout=TIMEOUT_MS)
    return page.evaluate("window.__lt.load")


def _act(page, key: str, kind: str, up: bool) -> bool:
    """Change the control one step up (or down); False if it cannot go that way."""
    box = page.locator(f".st-key-{key}")
    box.scroll_into_view_if_needed()  # elements far below the fold render as skeletons
    if kind == "slider":
        box.locator('[data-testid="stSlider"] [tabindex="0"]').first.focus()
        page.keyboard.press("ArrowRight" if up else "ArrowLeft")
    elif kind == "number_input":
        test_id = "stNumberInputStepUp" if up else "stNumberInputStepDown"
        button = box.locator(f'[data-testid="{test_id}"]')
        if button.is_disabled():  # at the end of its range
            return False
        button.click()
    elif kind == "toggle":
        box.locator("label").first.click()
    else:
        raise ValueError(f"no action for {kind}")
    return True


def _interaction(page, key: str, kind: str, up: bool, timeout_ms: int = 15_000
                 ) -> dict | None:
    """One change of the control, timed inside the page: the record of ``__ltArm`` (times
    t0 input, tRun script running, tEnd script finished, t1 painted), or None if no rerun
    came (e.g. the control was at its end)."""
    page.locator(f".st-key-{key}").scroll_into_view_if_needed()
    page.evaluate(f"window.__ltArm({timeout_ms})")
    if not _act(page, key, kind, up):
        return None
    r = page.evaluate("window.__ltDone")
    if r["t0"] is None or r["tRun"] is None or r["t1"] is None:
        return None
    return r


def _interaction_ms(page, key: str, kind: str, up: bool) -> float | None:
    """Input → rerun finished and painted, in ms; None if no rerun came."""
    r = _interaction(page, key, kind, up)
    return None if r is None else r["t1"] - r["t0"]


def _interactions(page, key: str, kind: str, n: int) -> list[float]:
    """``n`` timed changes, back and forth (a control at its end turns round)."""
    out, up, misses = [], True, 0
    while len(out) < n and misses < 3:
        ms = _interaction_ms(page, key, kind, up)
        up = not up
        if ms is None:
            misses += 1
        else:
            out.append(ms)
    return out


def _kind(page, key: str) -> str | None:
    """What the widget with this key is, read from the page (pages change their widgets)."""
    box = page.locator(f".st-key-{key}")
    # Right after a load (or the rerun a fresh server's first deep link makes, see
    # ui/nav.ensure_router) the widget may be missing or still a skeleton: wait for it.
    any_kind = ", ".join(f'[data-testid="{test_id}"]' for test_id in KINDS)
    try:
        box.first.wait_for(timeout=10_000)
        box.first.scroll_into_view_if_needed()
        box.first.locator(any_kind).first.wait_for(timeout=10_000)
    except Exception:  # no such widget, or not a kind we can drive
        return None
    for test_id, kind in KINDS.items():
        if box.locator(f'[data-testid="{test_id}"]').count():
            return kind
    return None


def _control(page, path: str) -> tuple[str, str] | None:
    """(key, kind) of the control to time on this page: the listed one, else a slider."""
    key = CONTROLS.get(path)
    if key is None:
        first = page.locator('[data-testid="stSlider"]').first
        if first.count() == 0:
            return None
        cls = first.evaluate("e => [...e.closest('[class*=\"st-key-\"]')?.classList ?? []]"
                             ".find(c => c.startsWith('st-key-'))")
        key = cls[len("st-key-"):] if cls else None
    kind = key and _kind(page, key)
    return (key, kind) if kind else None


def _stats(group: str, what: str, xs_ms: list[float], target_ms: float | None,
           on: str = "p95") -> list[Row]:
    if not xs_ms:
        return [Row(group, f"{what}: no data", float("nan"), "ms")]
    p50, p95 = percentile(xs_ms, 50), percentile(xs_ms, 95)
    rows = [Row(group, f"{what} median (n={len(xs_ms)})", p50, "ms")]
    if target_ms is None:
        rows.append(Row(group, f"{what} p95", p95, "ms"))
    else:
        rows.append(Row(group, f"{what} p95", p95, "ms", f"< {target_ms:g}", p95 < target_ms))
    return rows


def measure() -> list[Row]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        return [Row("browser", f"skipped: no chromium at {CHROMIUM}", float("nan"), "")]
    pages = built_pages()
    rows: list[Row] = []
    load_avg = os.getloadavg()[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(WATCH)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        options = dict(o.split("=", 1) for o in
                       os.environ.get("BENCH_STREAMLIT_OPTIONS", "").split() if "=" in o)
        with Server(options) as server:
            base = server.url.replace("127.0.0.1", "localhost")
            # Cold start: from `streamlit run` to the home page painted in the browser.
            page.goto(base)
            _loaded(page)
            cold = time.perf_counter() - server.started
            rss_start = rss_mb(server.proc.pid)
            rows.append(Row("browser", "cold start → home page rendered", cold, "s", "< 4",
                            cold < 4))

            visits: dict[str, list[float]] = {}
            warm: dict[str, list[float]] = {}
            for path in pages:
                name = path or "home"
                visits[name] = []
                for _ in range(VISITS):
                    page.goto(f"{base}/{path}")
                    visits[name].append(_loaded(page))
                control = _control(page, path)
                if control is None:
                    continue
                key, kind = control
                _interactions(page, key, kind, 2)  # the first changes fill caches
                warm[f"{name} ({key})"] = _interactions(page, key, kind, INTERACTIONS)
            retrain: list[float] = []
            if RETRAIN[0] in pages:
                page.goto(f"{base}/{RETRAIN[0]}")
                _loaded(page)
                kind = _kind(page, RETRAIN[1])
                retrain = _interactions(page, RETRAIN[1], kind, 4) if kind else []
            page.goto("about:blank")
            time.sleep(2)
            rss_rest = rss_mb(server.proc.pid)

            # 20 sessions over the websocket protocol on this same server (bench.load).
            sampler = MemorySampler(server.proc.pid)
            sampler.start()
            tally = Tally()
            # Playwright's sync API owns this thread's event loop: drive from another one.
            worker = threading.Thread(target=lambda: asyncio.run(
                drive(server.url, pages, 20, LOAD_SECONDS, 1.0, 0, tally)))
            worker.start()
            worker.join()
            peak = sampler.stop()
            for line in (tally.errors + tally.leaks)[:10]:
                print(f"  20-session run: {line}", file=sys.stderr)
        browser.close()

    for name, xs in visits.items():
        rows += _stats("browser", f"first visit {name}", xs, None)
    everything: list[float] = []
    for name, xs in warm.items():
        rows += _stats("browser", f"warm interaction {name}", xs, 250)
        everything += xs
    rows += _stats("browser", "warm interaction, all pages", everything, 250)
    if retrain:
        rows += _stats("browser", f"retrain {RETRAIN[0]} ({RETRAIN[1]} ±1)",
                       retrain, None)
    rows += [
        Row("memory", "server RSS at start (home page shown once)", rss_start, "MB"),
        Row("memory", "server RSS at rest (every page visited)", rss_rest, "MB"),
        Row("memory", f"server RSS peak, 20 sessions × {LOAD_SECONDS} s", peak, "MB",
            "< 600", peak < 600),
        Row("memory", f"20-session run: errors + leaks ({tally.runs} runs)",
            len(tally.errors) + len(tally.leaks), "", "0", not tally.errors and not tally.leaks),
        Row("browser", "machine load average (1 min) at start", load_avg, ""),
        *[Row("browser", f"server option {k}={v}", float("nan"), "") for k, v in options.items()],
    ]
    return rows
