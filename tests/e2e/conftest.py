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
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

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
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail("streamlit did not answer /_stcore/health within 60 s")
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


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through Playwright."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run should have installed it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
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


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished running and the app is rendered.

    After an interaction the rerun starts a little later (widgets debounce), so first give
    the app a moment to enter the running state, then wait for it to leave it.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    try:
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stApp"]')
                     ?.getAttribute('data-test-script-state') === 'running'""",
            timeout=700,
        )
    except Exception:  # the rerun was already over (or none was triggered)
        pass
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)  # let the last deltas paint


def goto(page, url: str) -> None:
    """Open ``url`` and wait for the app to settle.

    A page may rerun right after its first run (ensure_router on a fresh server, a
    training page continuing its run), so settle twice.
    """
    page.goto(url)
    wait_idle(page)
    wait_idle(page)


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
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


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
