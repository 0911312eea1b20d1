"""deploy/serve.py: two Streamlit processes behind Debian's nginx, spoken to over the
websocket protocol (bench/streamlit_client.py), no browser.

Checked: every session's runs succeed and its share link carries its own marker; new
browsers are spread over both processes and each stays on its own (the access log, and an
upload, which only the session's process accepts); one cookieSecret for all; nothing
listens beyond 127.0.0.1; ``stop`` and a killed supervisor leave no process behind.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.load import Tally, built_pages, run_load, warm_up_all
from bench.streamlit_client import Session
from deploy import serve
from tests.data import pictures
from tests.wait import until

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LOG_LINE = re.compile(r'^\S+ (\d{3}) "(\S+) (\S+)" pinned=(\S+) upstream=(\S+) ')
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def nginx() -> str:
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail(f"nginx not found at {NGINX}; .ci/run should have installed it")
        pytest.skip("Debian's nginx is not installed (apt-get install -y nginx)")
    return NGINX


@pytest.fixture(scope="module")
def cluster(nginx):
    """Two processes behind nginx, each warmed directly (every page once: torch imported)."""
    with serve.serving(2) as state:
        tally = Tally()
        _in_thread(asyncio.run, warm_up_all(state.backend_urls, built_pages(), tally))
        assert tally.errors == [], tally.errors
        yield state


def _in_thread(fn, *args, **kwargs):
    """Run ``fn`` in a thread of its own: Playwright's tests keep an event loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _access_log(state: serve.State) -> list[tuple[str, str, str, str, str]]:
    """(status, method, path, pinned, upstream) per request nginx logged."""
    text = (Path(state.run_dir) / "nginx-access.log").read_text()
    return [m.groups() for m in map(LOG_LINE.match, text.splitlines()) if m]


def _upload(base: str, sess: Session, picture: bytes, *, pin: str | None = None) -> int:
    """PUT ``picture`` as the browser's uploader does (XSRF header = the XSRF cookie); the
    HTTP status. ``pin`` sends another process's cookie instead of the session's."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="x.png"\r\nContent-Type: image/png\r\n\r\n').encode()
    body += picture + f"\r\n--{boundary}--\r\n".encode()
    cookies = dict(sess.cookies) | ({serve.COOKIE: pin} if pin else {})
    req = urllib.request.Request(
        f"{base}/_stcore/upload_file/{sess.session_id}/{uuid.uuid4().hex}", data=body,
        method="PUT", headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "X-Xsrftoken": sess.cookies.get("_streamlit_xsrf", ""),
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with NO_PROXY.open(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _served_by(base: str, pin: str) -> str:
    """The process that answers a browser pinned to ``pin`` (the cookie nginx sets back)."""
    req = urllib.request.Request(f"{base}/_stcore/health",
                                 headers={"Cookie": f"{serve.COOKIE}={pin}"})
    with NO_PROXY.open(req, timeout=30) as r:
        cookies = [c for c in r.headers.get_all("Set-Cookie") or []
                   if c.startswith(f"{serve.COOKIE}=")]
    return cookies[0].split(";")[0].split("=", 1)[1]


#: A few bytes: Streamlit refuses an unknown session before reading the body, and with a
#: body this small nginx reads its 400 before the connection closes.
TINY = b"\x89PNG\r\n\x1a\n"


# -- without nginx running -------------------------------------------------------------
def test_the_config_pins_each_process_and_listens_on_loopback_only(nginx, tmp_path):
    conf = serve.render_nginx_conf(18080, [18081, 18082, 18083], tmp_path)
    assert "listen 127.0.0.1:18080;" in conf
    assert re.findall(r"^\s*listen\s+(\S+)", conf, re.M) == ["127.0.0.1:18080;"]
    assert "upstream convscope_p1 {\n        server 127.0.0.1:18082 max_fails=0;\n" in conf
    assert "server 127.0.0.1:18081 backup;" in conf  # a stopped process's browsers move on
    assert "p2 convscope_p2;" in conf
    assert '"~127[.]0[.]0[.]1:18083$" "convscope_process=p2; Path=/; HttpOnly;' in conf
    assert not re.search(r"@[A-Z_]+@", conf)  # every placeholder filled
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "nginx.conf").write_text(conf)
    test = subprocess.run([nginx, "-t", "-p", f"{tmp_path}/nginx/", "-c",
                           str(tmp_path / "nginx" / "nginx.conf"), "-e", str(tmp_path / "err")],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    with pytest.raises(ValueError, match="at least one"):
        serve.render_nginx_conf(18080, [], tmp_path)


def test_the_loopback_check_sees_a_socket_on_every_address():
    with socket.socket() as lo, socket.socket() as wide:
        lo.bind(("127.0.0.1", 0))
        lo.listen()
        wide.bind(("0.0.0.0", 0))
        wide.listen()
        found = serve.listening([os.getpid()])
        assert ("127.0.0.1", lo.getsockname()[1], os.getpid()) in found
        assert serve.not_loopback(found) == [("0.0.0.0", wide.getsockname()[1], os.getpid())]


# -- two processes behind nginx ----------------------------------------------------------
def test_sessions_through_nginx_run_clean_and_see_only_their_own_state(cluster):
    r = _in_thread(run_load, sessions=6, seconds=8, think=0.3, base_url=cluster.url)
    assert r.errors == [], r.errors
    assert r.leaks == [], r.leaks
    for b in cluster.processes:  # a URL's report reads no server log: read them here
        assert "Traceback" not in Path(b.log).read_text(errors="replace"), b.log
    assert r.link_checks >= 6  # every session's share link was compared with its own state
    assert r.interactions >= 6


def _streams(state: serve.State) -> int:
    """Websockets nginx has logged (it logs one when it closes)."""
    return sum(line[2] == "/_stcore/stream" for line in _access_log(state))


def test_browsers_are_spread_over_both_processes_and_each_stays_on_its_own(cluster):
    ports = {f"p{b.index}": f"{serve.HOST}:{b.port}" for b in cluster.processes}
    before = _streams(cluster)

    async def visit() -> list[Session]:
        sessions = [Session(cluster.url, query=f"lt_session=s{i:02d}") for i in range(4)]
        for s in sessions:
            await s.connect()
            run = await s.open("")
            assert run.ok, (run.status, run.exceptions)
        for s in sessions:
            await s.close()
        return sessions

    sessions = _in_thread(asyncio.run, visit())
    pins = [s.cookies.get(serve.COOKIE) for s in sessions]
    assert sorted(pins) == ["p0", "p0", "p1", "p1"]  # in turn: two each
    until(lambda: _streams(cluster) >= before + 4, "nginx logged the 4 closed websockets")
    log = _access_log(cluster)
    streams = [line for line in log if line[2] == "/_stcore/stream"]
    assert {up for *_, up in streams} == set(ports.values())  # websockets on both processes
    for _status, method, path, pinned, upstream in log:
        if pinned in ports and upstream != "-":
            assert upstream == ports[pinned], (method, path, pinned, upstream)
    assert all(pinned in ports for _, _, _, pinned, _ in streams)


def test_an_upload_reaches_the_process_that_holds_the_session(cluster):
    before = _streams(cluster)
    async def upload_twice() -> list[tuple[str, str, int, int]]:
        """Per session: XSRF cookie, pin, status through its pin, status on the other."""
        out = []
        for _ in range(2):
            s = Session(cluster.url)
            await s.connect()
            try:
                await s.open("")
                mine = s.cookies[serve.COOKIE]
                other = "p1" if mine == "p0" else "p0"
                photo = pictures.photo_like()
                out.append((s.cookies.get("_streamlit_xsrf", ""), mine,
                            await asyncio.to_thread(_upload, cluster.url, s, photo),
                            await asyncio.to_thread(_upload, cluster.url, s, TINY, pin=other)))
            finally:
                await s.close()
        return out

    results = _in_thread(asyncio.run, upload_twice())
    # The second browser went to the other process, and stayed there: the refused upload
    # before it did not mark the first one's process down.
    assert [pin for _, pin, _, _ in results] in (["p0", "p1"], ["p1", "p0"])
    for xsrf, _, through_pin, on_the_other in results:
        assert xsrf
        assert through_pin == 204
        # The same upload on the other process: Streamlit does not know the session there
        # (and nginx does not retry it on the session's own).
        assert on_the_other == 400
    ports = {f"p{b.index}": f"{serve.HOST}:{b.port}" for b in cluster.processes}
    until(lambda: _streams(cluster) >= before + 2, "nginx logged both closed websockets")
    for _status, method, path, pinned, upstream in _access_log(cluster):
        if pinned in ports and upstream != "-":
            assert upstream == ports[pinned], (method, path, pinned, upstream)


def test_a_refused_upload_does_not_move_the_browsers_of_that_process(cluster):
    """Streamlit refuses an unknown session's upload before reading the body and closes the
    connection; with megabytes still to send, nginx sees an error. That must neither be
    retried on another process nor mark the refusing one down for the browsers pinned to it."""
    async def refused() -> list[tuple[str, int, str]]:
        s = Session(cluster.url)
        await s.connect()
        try:
            await s.open("")
            other = "p1" if s.cookies[serve.COOKIE] == "p0" else "p0"
            big = os.urandom(4 << 20)  # under the 5 MB limit, far over one socket buffer
            out = []
            for _ in range(3):
                status = await asyncio.to_thread(_upload, cluster.url, s, big, pin=other)
                out.append((other, status, await asyncio.to_thread(
                    _served_by, cluster.url, other)))
            return out
        finally:
            await s.close()

    for other, status, served_by in _in_thread(asyncio.run, refused()):
        assert status in (400, 502)  # refused there (nginx may see the reset first)
        assert served_by == other  # its own browsers still reach it


def test_every_process_shares_one_cookie_secret_kept_off_the_command_line(cluster):
    secrets = set()
    for pid in cluster.pids:
        env = dict(kv.split("=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes()
                   .decode().split("\0") if "=" in kv)
        secrets.add(env[serve.SECRET_ENV])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
        assert env[serve.SECRET_ENV] not in cmdline
    assert len(secrets) == 1 and len(secrets.pop()) == 64


def test_nothing_listens_beyond_loopback(cluster):
    found = serve.listening(serve.descendants(cluster.supervisor))
    assert serve.not_loopback(found) == []
    ports = {port for _, port, _ in found}
    assert ports >= {cluster.port, *(b.port for b in cluster.processes)}
    assert len(ports) == 3, found  # nginx and the two processes, nothing else


# -- stopping ----------------------------------------------------------------------------
def _running(pid: int) -> bool:
    """``pid`` exists and is not a zombie; a process may end while we read its status."""
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:  # gone (ENOENT), or gone mid-read (ESRCH)
        return False


def _alive(pids: list[int]) -> list[int]:
    return [p for p in pids if _running(p)]


def test_stop_ends_every_process(nginx):
    with serve.serving(1) as state:
        pids = serve.descendants(state.supervisor)
        assert len(pids) >= 4  # supervisor, streamlit, nginx master and worker
        assert serve.stop(Path(state.run_dir)) == 0
        until(lambda: _alive(pids) == [], f"every process ended ({_alive(pids)} left)")
        assert not (Path(state.run_dir) / "state.json").exists()


def test_a_killed_supervisor_takes_its_processes_with_it(nginx):
    with serve.serving(1) as state:
        children = [p for p in serve.descendants(state.supervisor) if p != state.supervisor]
        os.kill(state.supervisor, signal.SIGKILL)
        until(lambda: _alive(children) == [], "the supervisor's processes ended")


def test_the_browsers_of_a_process_that_ended_go_on_to_a_live_one(nginx):
    with serve.serving(2) as state:
        p0, p1 = state.processes
        os.kill(p1.pid, signal.SIGKILL)
        log = Path(state.run_dir) / "serve.log"
        until(lambda: "streamlit p1 exited" in log.read_text(), "the supervisor saw p1 go")
        assert _served_by(state.url, "p1") == "p0"  # answered by p0, and pinned there now
        assert _served_by(state.url, "p0") == "p0"
        assert _alive([state.supervisor, state.nginx, p0.pid]) == [
            state.supervisor, state.nginx, p0.pid]  # the rest goes on serving
