"""The app through deploy/serve.py's nginx in chromium: two processes behind one address.

A slider's change coming back means the websocket upgrade works through the proxy; an
upload coming back means the upload reached the session's own process and Streamlit's
XSRF check passed there. Nothing leaves localhost (the ``page`` fixture checks that).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from deploy import serve
from tests.data import pictures
from tests.e2e.conftest import assert_no_errors, goto, wait_idle
from tests.wait import until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def cluster() -> serve.State:
    """Two processes behind nginx (deploy/serve.py)."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail(f"nginx not found at {NGINX}; .ci/run should have installed it")
        pytest.skip("Debian's nginx is not installed (apt-get install -y nginx)")
    with serve.serving(2) as state:
        yield state


@pytest.fixture(scope="module")
def proxy(cluster) -> str:
    """nginx's URL, as localhost (as a browser on the machine would have it)."""
    return cluster.url.replace("127.0.0.1", "localhost")


def _pin(context) -> str:
    """The process nginx pinned this browser to (its cookie)."""
    pins = [c["value"] for c in context.cookies() if c["name"] == serve.COOKIE]
    assert len(pins) == 1, context.cookies()
    return pins[0]


def _upstream(cluster: serve.State, pin: str) -> str:
    return next(f"127.0.0.1:{b.port}" for b in cluster.processes if f"p{b.index}" == pin)


def _log(cluster: serve.State, what: str) -> list[tuple[str, str, str]]:
    """(status, pinned, upstream) of the logged requests for ``what`` ("PUT /_stcore/...")."""
    text = (Path(cluster.run_dir) / "nginx-access.log").read_text()
    return re.findall(rf'(\d{{3}}) "{re.escape(what)}\S*" pinned=(\S+) upstream=(\S+)', text)


def test_a_slider_change_comes_back_through_nginx(cluster, proxy, page, context):
    before = len(_log(cluster, "GET /_stcore/stream"))
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    goto(page, proxy)  # home first: a process's first deep link needs the router to have run
    goto(page, f"{proxy}/edges")
    assert_no_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert "6×7, values from -1 to 1" in main.inner_text()
    assert sockets and all(u.startswith(proxy.replace("http", "ws")) for u in sockets)

    pad = page.locator('[data-testid="stSlider"]', has_text="Padding").locator(
        'input[type="range"]')
    pad.focus()
    pad.press("ArrowRight")  # padding 0 -> 1 per side: Y grows from 6×7 to 8×9
    page.wait_for_selector("text=8×9, values from", timeout=20_000)
    wait_idle(page)
    assert "ed_pad=1" in page.url
    assert_no_errors(page)
    pin = _pin(context)
    # nginx logs a websocket when it closes: leave the page, then every websocket of this
    # browser must have gone to the process it is pinned to.
    page.goto("about:blank")
    def logged() -> list | None:
        got = _log(cluster, "GET /_stcore/stream")[before:]
        return got if len(got) >= len(sockets) else None

    streams = until(logged, "nginx logged every websocket", 10)
    assert streams == [("101", pin, _upstream(cluster, pin))] * len(sockets)


def test_an_upload_reaches_the_sessions_process_through_nginx(cluster, proxy, page, context):
    goto(page, proxy)
    goto(page, f"{proxy}/edges?ed_kernel=Sobel+x&ed_pad=1")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": pictures.photo_like()}]
    )
    page.wait_for_selector("text=384×512, values from", timeout=30_000)
    wait_idle(page)
    assert_no_errors(page)
    assert "photo.png" in page.locator('[data-testid="stMain"]').inner_text()
    # The upload went to the process this browser is pinned to, and it accepted it.
    pin = _pin(context)
    assert ("204", pin, _upstream(cluster, pin)) in _log(cluster, "PUT /_stcore/upload_file/")
