"""The app in a real browser (Debian's chromium): cold start, first visits, warm interactions
beside the framework's floor, a retrain, and the server's memory at rest and under 20 sessions.

Every time is taken inside the page (``performance.now``, so Playwright's own overhead is left
out) by ``WATCH`` below, and stops when the page is *visually complete*:

- the run is over: the server's ``script_finished`` message has arrived (read off the
  websocket; the page's script-state attribute misses a fast rerun whose running and
  finished land in one React render) and ``stApp`` says ``notRunning``;
- no placeholder is left: ``stSkeleton`` (an element whose code is still loading),
  ``stSkeletonElement``, ``stAppSkeleton``, ``stSpinner``;
- every ``stPlotlyChart`` holds a ``.js-plotly-plot`` that Plotly has drawn: ``_fullLayout``
  and ``.main-svg`` present, and a trace group in a ``g.mlayer`` trace layer when the figure
  has visible traces;
- the count of element containers and of figures stays the same for two more animation
  frames. The time kept is the frame after the first complete one (painted by then).

"Script finished" is not that: a new session's widgets and figures land 0.5–2.5 s after it.

- cold start: ``streamlit run`` started → home page visually complete (target < 4 s);
- first visit per page: navigation start → visually complete, 5 visits, in a browser with
  the static files cached (a returning visitor; each visit is a new server session); median
  target < 1.5 s. Also printed: navigation start → ``script_finished`` arrived;
- warm interaction per page: one key press or click on the page's control → the rerun it
  caused has finished and the page is visually complete; 12 timed after 2 untimed, p95
  target < 200 ms;
- the floor: the same slider key press on ``bench/floor_app.py`` (one slider, one 6×8
  heatmap) served by its own Streamlit process in the same run, half of its interactions
  before the app's pages and half after; each page's warm p95 ÷ the floor's, target ≤ 1.5×;
- retrain: the learning page on its Sobel set-up (3×3 on 64×64, 400 steps), ``lk_steps``
  one up each time (a new run each time: runs are cached per settings) → trained, sent and
  visually complete; p95 target < 1 s;
- memory: RSS of the server and its children at start, after every page was visited
  (at rest), and the peak under 20 protocol-level sessions (bench.load, shortened).

To try a server option without editing .streamlit/config.toml:
``BENCH_STREAMLIT_OPTIONS="runner.postScriptGC=false" .venv/bin/python -m bench browser``.
To time some pages only (before and after a change to them, side by side; the floor, cold
start and memory rows come as always): ``BENCH_PAGES="practice learn" … -m bench browser``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.common import Row
from bench.load import MemorySampler, Server, Tally, built_pages, drive, percentile, rss_mb

VISITS = 5  # first visits per page
INTERACTIONS = 12  # warm interactions per page (with 12 samples, p95 is the slowest)
RETRAINS = 4  # timed retrains
LOAD_SECONDS = 20  # the shortened 20-session run for the memory figure
TIMEOUT_MS = 60_000
FLOOR_APP = "bench/floor_app.py"  # relative to the repository root
FLOOR_KEY = "fl_v"

# The control each page's warm interaction changes: (widget key, kind). Pages not listed
# use their first slider; a page with no control (the home page) only gets visits.
CONTROLS = {  # by URL path (= the page's file name, see ui/nav.py)
    "sliding_window": "sw_c",  # move the picked output cell one column
    "edges": "ed_pad",
    "learn": "lk_log",  # redraw without retraining
    "shapes": "sh_k_h",
    "channels": "ch_ci",  # on the default tab, "Many inputs"
}
# A change that retrains: the whole run is computed at once on the server (ui/learn_run.py)
# and sent as one animation the browser plays (viz/learn.py). Timed on the Sobel set-up.
RETRAIN = ("learn", "lk_steps", "sobel")
KINDS = {"stSlider": "slider", "stNumberInput": "number_input", "stCheckbox": "toggle"}


@dataclass(frozen=True)
class Target:
    """A limit on one statistic of a sample: ``stat`` is "median" or "p95"."""

    stat: str
    op: str  # "<" or "≤"
    limit: float

    def met(self, value: float) -> bool:
        """NaN (no data) never meets a target."""
        return value < self.limit if self.op == "<" else value <= self.limit

    def __str__(self) -> str:
        return f"{self.op} {self.limit:g}"


COLD_START = Target("value", "<", 4)  # s
FIRST_VISIT = Target("median", "<", 1.5)  # s
WARM = Target("p95", "<", 200)  # ms
FLOOR_RATIO = Target("p95", "≤", 1.5)  # × the floor's warm p95
RETRAIN_TARGET = Target("p95", "<", 1000)  # ms

# Runs before any page script: the in-page clock. ``__lt`` times the navigation (first visit);
# ``__ltArm(timeout)`` times the next input to the rerun it causes (``__ltDone``).
WATCH = """
(() => {
  const app = () => document.querySelector('[data-testid="stApp"]');
  const state = () => { const a = app(); return a && a.getAttribute('data-test-script-state'); };
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));

  // The server's messages, read as they arrive: each websocket message is one ForwardMsg
  // (protobuf). Its top-level field number says what it is; for script_finished (6) the
  // varint is the status (2 = finished early for a rerun: another run follows). The page's
  // script-state attribute is not enough: when both arrive in one task React renders once
  // and a whole running → notRunning never shows in the DOM.
  const SCRIPT_FINISHED = 6, EARLY = 2, RUN_STARTED = [4, 5, 9, 11];  // session, delta, status, ref
  const kind = (buf) => {
    const b = new Uint8Array(buf);
    let i = 0;
    const varint = () => { let v = 0, m = 1, x;
      do { x = b[i++]; v += (x & 0x7f) * m; m *= 128; } while (x & 0x80 && i < b.length);
      return v; };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (field !== 1 && field !== 2) return {field, value: wire === 0 ? varint() : null};
      if (wire === 2) { const n = varint(); i += n; }  // not i += varint(): i is read first
      else if (wire === 0) varint(); else return {field: 0};
    }
    return {field: 0};
  };
  const listeners = new Set();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const t = performance.now(), m = kind(e.data);
        for (const f of listeners) f(m, t);
      });
    }
  };
  const finished = (m) => m.field === SCRIPT_FINISHED && m.value !== EARLY;

  // Placeholders: an element whose code is still loading, the app's skeleton, a spinner.
  const WAITING = ['stSkeleton', 'stSkeletonElement', 'stAppSkeleton', 'stSpinner']
    .map((id) => `[data-testid="${id}"]`).join(', ');
  // Plotly has drawn this figure: its layout, its SVG, and its traces when it has any.
  const drawn = (p) => !!(p._fullLayout && p._fullData && p.querySelector('.main-svg')) &&
    (!p._fullData.some((t) => t.visible === true) || !!p.querySelector('.main-svg g.mlayer > g'));
  // What the page shows, if it is complete ("containers/figures"), else null.
  const complete = () => {
    if (state() !== 'notRunning' || document.querySelector(WAITING)) return null;
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    if (plots.length !== charts || !plots.every(drawn)) return null;
    const n = document.querySelectorAll('[data-testid="stElementContainer"]').length;
    return `${n}/${plots.length}`;
  };
  // Once ready(): the time the page was complete and painted (the frame after the first
  // complete one), when the same complete page then held for one more frame; null at deadline.
  const settle = async (ready, deadline) => {
    let sig = null, seen = 0, at = null;
    while (performance.now() < deadline) {
      const now = await frame();
      const s = ready() ? complete() : null;
      if (s === null || s !== sig) { sig = s; seen = s === null ? 0 : 1; continue; }
      seen += 1;
      if (seen === 2) at = now;
      if (seen === 3) return {at, sig};
    }
    return null;
  };
  window.__ltComplete = complete;

  // The navigation: its first finished run (script_finished arrived), then complete.
  const lt = window.__lt = {finished: null, complete: null, sig: null};
  const first = (m, t) => { if (finished(m)) { lt.finished = t; listeners.delete(first); } };
  listeners.add(first);
  settle(() => lt.finished !== null, performance.now() + TIMEOUT_MS).then((r) => {
    lt.sig = r && r.sig; lt.complete = r ? r.at : -1; });

  // One interaction: the first user input after arming (t0), the first message of the rerun
  // it caused (tRun), its script_finished (tEnd), the page complete again (t1).
  window.__ltArm = (timeout) => {
    const rec = {t0: null, tRun: null, tEnd: null, t1: null, sig: null};
    const mark = () => { if (rec.t0 === null) rec.t0 = performance.now(); };
    for (const ev of ['keydown', 'pointerdown', 'click'])
      document.addEventListener(ev, mark, {capture: true, once: true});
    const hear = (m, t) => {
      if (rec.t0 === null) return;
      if (rec.tRun === null && RUN_STARTED.includes(m.field)) rec.tRun = t;
      if (rec.tEnd === null && finished(m)) { rec.tEnd = t; listeners.delete(hear); }
    };
    listeners.add(hear);
    window.__ltDone = settle(() => rec.tEnd !== null, performance.now() + timeout)
      .then((r) => { listeners.delete(hear); return {...rec, t1: r && r.at, sig: r && r.sig}; });
  };
})();
""".replace("TIMEOUT_MS", str(TIMEOUT_MS))


# -- pure helpers (tests/bench/test_browser_rows.py) ---------------------------------------
def summary(group: str, what: str, xs: list[float], unit: str,
            target: Target | None = None) -> list[Row]:
    """Median and p95 of a sample, the target (if any) judged on its statistic. No data is a
    row of its own, and misses its target."""
    if not xs:
        return [Row(group, f"{what}: no data", float("nan"), unit,
                    str(target) if target else "", False if target else None)]
    rows = []
    for stat, value in (("median", percentile(xs, 50)), ("p95", percentile(xs, 95))):
        label = f"{what} median (n={len(xs)})" if stat == "median" else f"{what} p95"
        if target is not None and target.stat == stat:
            rows.append(Row(group, label, value, unit, str(target), target.met(value)))
        else:
            rows.append(Row(group, label, value, unit))
    return rows


def floor_ratios(group: str, warm: dict[str, list[float]], floor: list[float],
                 target: Target = FLOOR_RATIO) -> list[Row]:
    """Each sample's p95 ÷ the floor's p95 (``target.stat``), one row each, judged."""
    base = percentile(floor, 95) if floor else float("nan")
    rows = []
    for name, xs in warm.items():
        ratio = percentile(xs, 95) / base if xs and base > 0 else float("nan")
        rows.append(Row(group, f"warm p95 ÷ floor p95, {name}", ratio, "×", str(target),
                        target.met(ratio)))
    return rows


def setup_query(prefix: str, values: dict[str, object]) -> str:
    """A set-up's widget values as the URL query that opens a page with them (bound widgets
    read their ``prefix + name`` parameter): booleans as true/false, numbers as %g."""
    def text(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return f"{v:g}"
        return str(v)
    return urlencode({f"{prefix}{k}": text(v) for k, v in values.items()})


# -- the browser side ----------------------------------------------------------------------
def _visit(page) -> tuple[float, float]:
    """(script_finished arrived, visually complete), in ms from navigation start, of the page
    just navigated to."""
    page.wait_for_function("() => window.__lt && window.__lt.complete !== null",
                           timeout=TIMEOUT_MS + 5_000)
    lt = page.evaluate("window.__lt")
    if lt["complete"] < 0:
        raise RuntimeError(f"{page.url} was not visually complete within {TIMEOUT_MS} ms "
                           f"(now: {page.evaluate('window.__ltComplete()')})")
    return lt["finished"], lt["complete"]


def _loaded(page) -> float:
    """Milliseconds from navigation start to the page visually complete."""
    return _visit(page)[1]


def _act(page, key: str, kind: str, up: bool) -> bool:
    """Change the control one step up (or down); False if it cannot go that way."""
    box = page.locator(f".st-key-{key}")
    box.scroll_into_view_if_needed()
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
    t0 input, tRun the rerun's first message, tEnd its script_finished, t1 visually
    complete; None where it did not happen within ``timeout_ms``), or None if the control
    cannot go that way (at the end of its range)."""
    page.locator(f".st-key-{key}").scroll_into_view_if_needed()
    page.evaluate(f"window.__ltArm({timeout_ms})")
    if not _act(page, key, kind, up):
        return None
    return page.evaluate("window.__ltDone")


def timed(r: dict | None) -> bool:
    """A change's record has every mark: input, the rerun, its end, the page complete."""
    return r is not None and None not in (r["t0"], r["tRun"], r["tEnd"], r["t1"])


def _interactions(page, key: str, kind: str, n: int, *, turn: bool = True,
                  misses: list[str] | None = None) -> list[float]:
    """``n`` timed changes (input → visually complete, ms), back and forth when ``turn``
    (a control at its end turns round), else always up; gives up after 3 misses, each
    noted in ``misses``."""
    out, up, missed = [], True, 0
    while len(out) < n and missed < 3:
        r = _interaction(page, key, kind, up)
        up = not up if turn else True
        if timed(r):
            out.append(r["t1"] - r["t0"])
            continue
        missed += 1
        if r is not None and misses is not None:  # it could move, and did not complete
            misses.append(f"change of {key} on {page.url}: {r}")
    return out


def _kind(page, key: str) -> str | None:
    """What the widget with this key is, read from the page (pages change their widgets)."""
    box = page.locator(f".st-key-{key}")
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


def _floor(page, base: str, visits: list[float], warm: list[float], n_visits: int,
           n_warm: int, misses: list[str]) -> None:
    """``n_visits`` timed visits of the floor page, then ``n_warm`` slider key presses on it
    after 2 untimed ones."""
    for _ in range(n_visits):
        page.goto(base)
        visits.append(_loaded(page))
    _interactions(page, FLOOR_KEY, "slider", 2)
    warm += _interactions(page, FLOOR_KEY, "slider", n_warm, misses=misses)


def _retrain(page, base: str, misses: list[str]) -> tuple[list[float], str]:
    """Timed retrains on the learning page's set-up RETRAIN[2], and what was changed."""
    from ui.learn_setups import SETUPS

    path, key, name = RETRAIN
    page.goto(f"{base}/{path}?{setup_query('lk_', SETUPS[name].values)}")
    _loaded(page)
    if _kind(page, key) != "number_input":
        return [], f"{key}: not a number input"
    start = page.locator(f".st-key-{key} input").first.input_value()
    _interactions(page, key, "number_input", 1, turn=False)  # untimed, as on every page
    return (_interactions(page, key, "number_input", RETRAINS, turn=False, misses=misses),
            f"{name} set-up, {key} {start}→+1 each")


def measure() -> list[Row]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        return [Row("browser", f"skipped: no chromium at {CHROMIUM}", float("nan"), "")]
    pages = built_pages()
    if os.environ.get("BENCH_PAGES"):
        pages = [p for p in pages if p in os.environ["BENCH_PAGES"].split()]
    rows: list[Row] = []
    load_avg = os.getloadavg()[0]
    visits: dict[str, list[float]] = {}  # visually complete, ms
    finished: dict[str, list[float]] = {}  # script_finished arrived, ms
    warm: dict[str, list[float]] = {}
    floor_visits: list[float] = []
    floor_warm: list[float] = []
    retrain: list[float] = []
    retrain_what = ""
    misses: list[str] = []  # visits (60 s) and changes (15 s) that never completed
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
            # Cold start: from `streamlit run` to the home page complete in the browser.
            sent = time.perf_counter()
            page.goto(base)
            cold = sent - server.started + _loaded(page) / 1000
            rss_start = rss_mb(server.proc.pid)
            rows.append(Row("browser", "cold start → home page visually complete", cold, "s",
                            str(COLD_START), COLD_START.met(cold)))

            with Server(options, script=FLOOR_APP) as floor:
                floor_base = floor.url.replace("127.0.0.1", "localhost")
                page.goto(floor_base)  # its static files (another origin), untimed
                _loaded(page)
                _floor(page, floor_base, floor_visits, floor_warm, VISITS - VISITS // 2,
                       INTERACTIONS // 2, misses)
                for path in pages:
                    name = path or "home"
                    visits[name], finished[name] = [], []
                    for _ in range(VISITS):
                        page.goto(f"{base}/{path}")
                        try:
                            done, complete = _visit(page)
                        except RuntimeError as e:
                            misses.append(str(e))
                            continue
                        finished[name].append(done)
                        visits[name].append(complete)
                    control = _control(page, path)
                    if control is None:
                        continue
                    key, kind = control
                    _interactions(page, key, kind, 2)  # the first changes fill caches
                    warm[f"{name} ({key})"] = _interactions(page, key, kind, INTERACTIONS,
                                                            misses=misses)
                if RETRAIN[0] in pages:
                    retrain, retrain_what = _retrain(page, base, misses)
                _floor(page, floor_base, floor_visits, floor_warm, VISITS // 2,
                       INTERACTIONS - INTERACTIONS // 2, misses)
            page.goto("about:blank")
            time.sleep(2)  # let the closed sessions go before reading memory at rest
            rss_rest = rss_mb(server.proc.pid)

            # 20 sessions over the websocket protocol on this same server (bench.load).
            sampler = MemorySampler(server.proc.pid)
            sampler.start()
            tally = Tally()
            # Playwright's sync API owns this thread's event loop: drive from another one.
            worker = threading.Thread(target=lambda: asyncio.run(
                drive(server.url, built_pages(), 20, LOAD_SECONDS, 1.0, 0, tally)))
            worker.start()
            worker.join()
            peak = sampler.stop()
            for line in (tally.errors + tally.leaks)[:10]:
                print(f"  20-session run: {line}", file=sys.stderr)
            for line in misses[:10]:
                print(f"  not complete: {line}", file=sys.stderr)
        browser.close()

    s = 1 / 1000
    for name, xs in visits.items():
        rows += summary("browser", f"first visit {name}, complete", [x * s for x in xs], "s",
                        FIRST_VISIT)
        rows += summary("browser", f"first visit {name}, script finished",
                        [x * s for x in finished[name]], "s")[:1]
    rows += summary("floor", "first visit floor, complete", [x * s for x in floor_visits], "s")
    rows += summary("floor", f"warm interaction floor ({FLOOR_KEY})", floor_warm, "ms")
    everything: list[float] = []
    for name, xs in warm.items():
        rows += summary("browser", f"warm interaction {name}", xs, "ms", WARM)
        everything += xs
    rows += summary("browser", "warm interaction, all pages", everything, "ms", WARM)
    rows += floor_ratios("floor", {**warm, "all pages": everything}, floor_warm)
    if RETRAIN[0] in pages:
        rows += summary("browser", f"retrain {RETRAIN[0]} ({retrain_what})", retrain, "ms",
                        RETRAIN_TARGET)
    rows += [
        Row("memory", "server RSS at start (home page shown once)", rss_start, "MB"),
        Row("memory", "server RSS at rest (every page visited)", rss_rest, "MB"),
        Row("memory", f"server RSS peak, 20 sessions × {LOAD_SECONDS} s", peak, "MB",
            "< 600", peak < 600),
        Row("memory", f"20-session run: errors + leaks ({tally.runs} runs)",
            len(tally.errors) + len(tally.leaks), "", "0", not tally.errors and not tally.leaks),
        Row("browser", "timed visits and changes that never completed", len(misses), "", "0",
            not misses),
        Row("browser", "machine load average (1 min) at start", load_avg, ""),
        Row("browser", "machine load average (1 min) at end", os.getloadavg()[0], ""),
        *[Row("browser", f"server option {k}={v}", float("nan"), "") for k, v in options.items()],
    ]
    return rows
