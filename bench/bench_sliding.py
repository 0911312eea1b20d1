"""Sliding-window page: server time of a rerun after a widget change, and figure JSON sizes,
at the seed's 3×3 input and at 16×16 with a 3×3 kernel.

A "new geometry" rerun sets a padding never used before in the loop, so the cached trace
does not help: the time includes the trace, every figure and Streamlit's own work. A
"cell picker" rerun moves the output-cell slider (trace cached, figures rebuilt).
"""

from __future__ import annotations

from bench.common import Row, apptest, best_rerun, figure_sizes

PAGE = "pages/sliding_window.py"
RERUN_MS, FIGURE_MB = 150, 1.0
#: (padding h, padding w), each used once per timed loop: a fresh cache key every rerun.
FRESH = [(0, 1), (1, 0), (1, 1), (2, 0), (0, 2), (2, 1), (1, 2), (2, 2)]
CASES = (
    ("3×3 seed", {}),
    ("16×16, 3×3 kernel", {"sw_x": "random integers", "sw_rows": "16", "sw_cols": "16",
                           "sw_k": "preset", "sw_kpreset": "Sobel x"}),
)


def _new_geometry(at) -> float:
    """Best time (s) over reruns, each with a padding pair not seen before."""
    return best_rerun(at, "sw_pad_h+sw_pad_w", list(FRESH))


def _cell_picker(at) -> float:
    return best_rerun(at, "sw_c", [1, 0, 1, 0, 1])


def measure() -> list[Row]:
    rows = []
    for label, query in CASES:
        at = apptest(PAGE, query)
        assert not at.exception, [e.value for e in at.exception]
        for what, fn in (("new padding", _new_geometry), ("cell picker", _cell_picker)):
            ms = fn(at) * 1e3
            rows.append(Row("sliding", f"rerun after {what}, {label}", ms, "ms",
                            f"< {RERUN_MS} ms", ms < RERUN_MS))
        # Largest figure: the animation (padding 1 on both axes: 18² padded, 256 frames).
        at.slider(key="sw_pad_h").set_value(1)
        at.slider(key="sw_pad_w").set_value(1)
        at.run()
        sizes = figure_sizes(at)
        mb = max(sizes) / 2**20
        rows.append(Row("sliding", f"animation figure JSON, {label}, padding 1", mb, "MB",
                        f"< {FIGURE_MB} MB", mb < FIGURE_MB))
        rows.append(Row("sliding", f"all figures JSON, {label}, padding 1",
                        sum(sizes) / 2**20, "MB"))
    return rows + browser_rows()


# -- what a person waits, in chromium ------------------------------------------------------
#: The 16×16 view of the browser measurement: Sobel x on random integers (3×3 kernel).
BROWSER_QUERY = ("?sw_x=random+integers&sw_rows=16&sw_cols=16&sw_k=preset"
                 "&sw_kpreset=Sobel+x")
#: One padding step at a time, each to a (padding h, padding w) the server has not drawn
#: yet: (slider key, key press, the padding after it).
SNAKE = [("sw_pad_h", "ArrowRight", (1, 0)), ("sw_pad_h", "ArrowRight", (2, 0)),
         ("sw_pad_w", "ArrowRight", (2, 1)), ("sw_pad_h", "ArrowLeft", (1, 1)),
         ("sw_pad_h", "ArrowLeft", (0, 1)), ("sw_pad_w", "ArrowRight", (0, 2)),
         ("sw_pad_h", "ArrowRight", (1, 2)), ("sw_pad_h", "ArrowRight", (2, 2))]
WAIT_MS = 2_000  # target: input → new animation on screen, p95

#: Installed in the page: ``__swArm(want)`` times the next user input until (a) the rerun it
#: causes has finished and painted and (b) the animation on screen shows the new padding:
#: the X panel's column numbers run from −pad_w to W−1+pad_w, its row numbers from −pad_h
#: to H−1+pad_h, and the output panel has ``rows`` row numbers (SVG text, as drawn).
ARM = """
window.__swArm = (want, timeout) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const paint = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
  const rec = {t0: null, tRun: null, tEnd: null, tShown: null};
  const mark = () => { if (rec.t0 === null) rec.t0 = performance.now(); };
  for (const ev of ['keydown', 'pointerdown'])
    document.addEventListener(ev, mark, {capture: true, once: true});
  const texts = (gd, sel) => [...gd.querySelectorAll(sel)]
    .map(t => t.textContent.replace('\u2212', '-'));
  const shown = () => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
      .find(g => g.layout && g.layout.sliders && g.layout.sliders.length);
    if (!gd) return false;
    const xs = texts(gd, '.subplot.xy .xaxislayer-above .xtick text');
    const ys = texts(gd, '.subplot.xy .yaxislayer-above .ytick text');
    const y3 = texts(gd, '.subplot.x3y3 .y3tick text');
    return xs[0] === want.x[0] && xs[xs.length - 1] === want.x[1] && ys[0] === want.y[0]
      && ys[ys.length - 1] === want.y[1] && y3.length === want.rows;
  };
  window.__swDone = new Promise((resolve) => {
    const finish = () => { if (rec.tShown !== null && rec.tEnd !== null) resolve(rec); };
    let seen = false;
    const poll = () => {
      if (seen) return;
      if (rec.t0 !== null && shown()) {
        seen = true;
        paint(() => { rec.tShown = performance.now(); finish(); });
      }
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
    const o = new MutationObserver(() => {
      const s = app.getAttribute('data-test-script-state');
      if (s === 'running' && rec.tRun === null) rec.tRun = performance.now();
      else if (rec.tRun !== null && s === 'notRunning' && rec.tEnd === null) {
        o.disconnect();
        paint(() => { rec.tEnd = performance.now(); finish(); });
      }
    });
    o.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    setTimeout(() => { o.disconnect(); resolve(rec); }, timeout);
  });
};
"""


def _want(pad: tuple[int, int], size: int = 16, k: int = 3) -> dict:
    ph, pw = pad
    return {"x": [str(-pw), str(size - 1 + pw)], "y": [str(-ph), str(size - 1 + ph)],
            "rows": size + 2 * ph - k + 1}


def browser_rows(viewport: dict | None = None) -> list[Row]:
    """Padding steps at 16×16 in chromium, each to a padding never drawn before: input →
    rerun finished and painted, input → the new animation on screen, and the browser's
    work per step (Chrome's TaskDuration and LayoutCount, from the input until 1 s after
    both)."""
    import os

    from playwright.sync_api import sync_playwright

    from bench.bench_browser import TIMEOUT_MS, WATCH, _loaded
    from bench.load import Server, percentile
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        return [Row("sliding", f"browser rows skipped: no chromium at {CHROMIUM}",
                    float("nan"), "")]
    load_before = os.getloadavg()[0]
    finished, shown, cpu, layouts = [], [], [], []
    with sync_playwright() as p, Server() as server:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
        ctx.add_init_script(WATCH)
        ctx.add_init_script(ARM)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        cdp = ctx.new_cdp_session(page)
        cdp.send("Performance.enable")

        def metrics() -> dict[str, float]:
            return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

        base = server.url.replace("127.0.0.1", "localhost")
        page.goto(base)
        _loaded(page)
        page.goto(f"{base}/sliding_window{BROWSER_QUERY}")
        _loaded(page)
        page.locator(".st-key-sw_pad_h").wait_for()
        for key, press, pad in SNAKE:
            thumb = page.locator(f".st-key-{key} [data-testid='stSlider'] [tabindex='0']").first
            thumb.scroll_into_view_if_needed()
            thumb.focus()
            page.evaluate("w => window.__swArm(w, 30000)", _want(pad))
            before = metrics()
            page.keyboard.press(press)
            r = page.evaluate("window.__swDone")
            if r["t0"] is None or r["tEnd"] is None or r["tShown"] is None:
                raise RuntimeError(f"padding {pad}: the new animation did not show ({r})")
            page.wait_for_timeout(1000)
            after = metrics()
            cpu.append((after["TaskDuration"] - before["TaskDuration"]) * 1e3)
            layouts.append(after["LayoutCount"] - before["LayoutCount"])
            finished.append(r["tEnd"] - r["t0"])
            shown.append(max(r["tShown"], r["tEnd"]) - r["t0"])
        browser.close()
    load_after = os.getloadavg()[0]
    where = f"16×16, chromium {(viewport or {}).get('width', 1280)} px"
    p95 = percentile(shown, 95)
    return [
        Row("sliding", f"padding step → rerun finished, painted, median ({where})",
            percentile(finished, 50), "ms"),
        Row("sliding", f"padding step → new animation on screen, median ({where})",
            percentile(shown, 50), "ms"),
        Row("sliding", f"padding step → new animation on screen, p95 (n={len(shown)})", p95,
            "ms", f"< {WAIT_MS} ms", p95 < WAIT_MS),
        Row("sliding", "browser CPU per padding step, median (TaskDuration)",
            percentile(cpu, 50), "ms"),
        # A count, not a time: the same on a busy machine. Each is a layout of the whole page
        # that a script forced (getBoundingClientRect after a change) or a frame needed.
        Row("sliding", "page layouts per padding step, median (LayoutCount)",
            percentile(layouts, 50), ""),
        Row("sliding", "load average (1 min) before / after the browser rows",
            load_before, f"/{load_after:.2f}"),
    ]


if __name__ == "__main__":  # the browser rows alone: python -m bench.bench_sliding [width]
    import sys

    width = int(sys.argv[1]) if len(sys.argv) > 1 else 1280
    for r in browser_rows({"width": width, "height": 800 if width > 500 else 844}):
        print(f"{r.what:<75} {r.value:>9.4g} {r.unit:<7} {r.target}")
