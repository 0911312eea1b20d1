"""Browser fixtures: a real `streamlit run` on a free port, driven by Debian's chromium.

`playwright install` cannot download a browser here, so we launch /usr/bin/chromium.
Without chromium the tests skip with the reason, except under CI=true, where
.ci/run installs it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.wait import until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def start_server() -> Iterator[str]:
    """Start `streamlit run app.py` on a free loopback port; yield its base URL."""
    port = _free_port()
    log_dir = ROOT / ".pytest_cache"
    log_dir.mkdir(exist_ok=True)
    with open(log_dir / f"streamlit-e2e-{port}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.serverAddress", "localhost",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://localhost:{port}"
        try:
            try:
                until(lambda: _healthy(url), "streamlit answered /_stcore/health", 60)
            except AssertionError as e:
                pytest.fail(str(e))
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of a fresh app server (session-wide: torch is imported once)."""
    with start_server() as url:
        yield url


def need_chromium() -> None:
    """Skip without Debian's chromium; in CI (which installs it) its absence fails instead."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run should have installed it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through Playwright."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Outside(list):
    """Requests that tried to leave localhost (they are aborted)."""


@pytest.fixture
def context(browser):
    """A fresh browser context that blocks and records any request not to localhost."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = Outside()

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("localhost", "127.0.0.1", "::1") or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    ctx.outside = outside
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page in the guarded context; the test fails if any request left localhost."""
    pg = context.new_page()
    yield pg
    assert not context.outside, f"requests left localhost: {context.outside}"


#: Installed in every page before its own scripts: counts script runs and DOM changes, and
#: notes the visitor's last input, so a test can wait for "the rerun it caused is over and
#: the page has stopped changing" instead of sleeping. Changes inside a drawn Plotly chart
#: are left out: an animation plays there in the browser alone.
TRACKER = """(() => {
  const cs = window.__convscope = {runs: 0, lastRun: -1, lastInput: -1, changes: 0,
                                   seen: -1, quiet: 0};
  const app = () => document.querySelector('[data-testid="stApp"]');
  let running = false;
  new MutationObserver(records => {
    const now = performance.now();
    if (records.some(r => !(r.target.closest ? r.target : r.target.parentElement)
                             ?.closest('.js-plotly-plot .svg-container'))) cs.changes++;
    const state = app()?.getAttribute('data-test-script-state');
    if (state === 'running' && !running) { cs.runs++; cs.lastRun = now; }
    running = state === 'running';
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  for (const kind of ['pointerup', 'keyup', 'input', 'change'])
    addEventListener(kind, () => { cs.lastInput = performance.now(); }, true);
})()"""

#: True, on the animation frame where the page is settled: the script is not running, a run
#: started after the last input (or none came while the page stayed still for QUIET_INPUT
#: frames: an input that reruns nothing), every chart is drawn, no skeleton is left, and
#: the DOM has not changed for QUIET frames. Polled once per animation frame.
SETTLED = """([quiet, quietInput, runs]) => {
  const cs = window.__convscope;
  const a = document.querySelector('[data-testid="stApp"]');
  if (!cs || !a) return false;
  if (cs.changes !== cs.seen) { cs.seen = cs.changes; cs.quiet = 0; return false; }
  cs.quiet++;
  if (a.getAttribute('data-test-script-state') !== 'notRunning' || cs.runs < runs) return false;
  if (cs.lastInput > cs.lastRun && cs.quiet < quietInput) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if ([...charts].some(c => !c.querySelector('.main-svg'))) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return cs.quiet >= quiet;
}"""
QUIET = 6
QUIET_INPUT = 60


def wait_idle(page, timeout: float = 60_000, *, runs: int = 0) -> None:
    """Wait until the script has finished the run an interaction caused and the page is
    painted and still (see SETTLED); ``runs``: script runs this document must have seen.

    Conditions, not a sleep: a busy machine only makes it take longer.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # A page opened without goto() has no tracker yet: it starts now (runs before are missed).
    page.evaluate(f"() => {{ if (!window.__convscope) {TRACKER}; window.__convscope.quiet = 0; }}")
    page.wait_for_function(SETTLED, arg=[QUIET, QUIET_INPUT, runs], polling="raf",
                           timeout=timeout)


def track(page) -> None:
    """Install TRACKER in every document ``page`` opens from now on (once per page)."""
    if not getattr(page, "_convscope_tracked", False):
        page.add_init_script(TRACKER)
        page._convscope_tracked = True


def goto(page, url: str) -> None:
    """Open ``url`` and wait for the app to settle.

    A page may rerun right after its first run (ensure_router on a fresh server): the DOM
    is still changing then, so wait_idle waits it out.
    """
    track(page)
    page.goto(url)
    wait_idle(page, runs=1)


def screenshot(page, name: str) -> Path:
    """Full-page screenshot into docs/screenshots/<name>.png (kept for the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its own container, so a "full page" shot of the body is one
    # screen tall: grow the viewport to the content's height first, then restore it.
    size = page.viewport_size
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]')
                   || document.querySelector('[data-testid="stAppViewContainer"]');
                   return m ? m.scrollHeight : document.body.scrollHeight; }"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 8000)})
    wait_laid_out(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


#: True once the page's height and every chart's drawn size have held for ``frames``
#: animation frames (charts redraw themselves after a resize).
LAID_OUT = """(frames) => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const sig = [main.scrollHeight, ...[...document.querySelectorAll('.js-plotly-plot .main-svg')]
               .map(s => `${s.getAttribute('width')}x${s.getAttribute('height')}`)].join();
  const w = window;
  if (w.__layoutSig !== sig) { w.__layoutSig = sig; w.__layoutQuiet = 0; return false; }
  return ++w.__layoutQuiet >= frames;
}"""


def wait_laid_out(page, frames: int = 10, timeout: float = 30_000) -> None:
    """Wait until a resize has been laid out: sizes unchanged for ``frames`` frames."""
    page.evaluate("() => { window.__layoutSig = null; }")
    page.wait_for_function(LAID_OUT, arg=frames, polling="raf", timeout=timeout)
    wait_idle(page, timeout)


def assert_no_errors(page) -> None:
    """No exception or error box rendered on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0


#: A slider's thumb is a visually hidden <input type="range"> (react-aria); ArrowRight moves it.
SLIDER_THUMB = '[data-testid="stSlider"] input[type="range"]'


def slider_value(locator) -> str:
    """The current value of a slider thumb located with SLIDER_THUMB."""
    return locator.input_value()


def first_slider_settles_at(page, want: str, timeout: float = 5000) -> str:
    """The first slider's value once it shows ``want`` (or whatever it shows after
    ``timeout`` ms): a new session's first paint can precede its URL-seeded value."""
    try:
        page.wait_for_function(
            "([sel, want]) => document.querySelector(sel)?.value === want",
            arg=[SLIDER_THUMB, want], timeout=timeout,
        )
    except Exception:  # the assertion that follows reports the value it did show
        pass
    return slider_value(page.locator(SLIDER_THUMB).first)
