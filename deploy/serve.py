"""Host a class: N Streamlit processes behind Debian's nginx, on 127.0.0.1 only.

    python -m deploy.serve [--processes 2] [--port 8501] [--run-dir DIR] [--option KEY=VALUE]
    python -m deploy.serve stop [--port 8501 | --run-dir DIR]

One Streamlit process computes on one core (FACTS.md), so a class is served by several
processes behind one address. This command starts N ``streamlit run app.py`` processes on
free loopback ports, writes an nginx configuration from ``deploy/nginx.conf.template`` into
a run folder, and runs nginx in the foreground as its child on ``127.0.0.1:PORT``:

- websocket upgrade for ``/_stcore/stream``;
- session affinity by a cookie nginx sets per browser (``convscope_process=pK``): a new
  browser goes to the next process in turn and stays there, so its websocket, uploads and
  media reach the process that holds its session, even when a whole class shares one
  address behind a school NAT (``ip_hash`` would put all of it on one process);
- one ``server.cookieSecret`` for every process (given through the environment, so it is
  not visible in ``ps``): Streamlit signs its cookies (st.login's) with it. The XSRF token
  of uploads is Streamlit's double-submit cookie, which any process accepts either way;
- the static bundles cached and compressed by nginx.

The run folder (default ``$TMPDIR/convscope-serve-PORT``) holds ``state.json`` (pids and
ports), the logs and nginx's own paths. Ctrl-C, SIGTERM or ``stop`` end every process. If
one Streamlit process ends, nginx sends its browsers to the others; when nginx or the last
process ends, everything stops.
Before it reports ready, the command checks that every process it started listens on
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HOST = "127.0.0.1"  # loopback only, by construction
COOKIE = "convscope_process"
SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit reads server.cookieSecret here
MAX_PROCESSES = 16
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
FIXED_OPTIONS = ("server.address", "server.port", "browser.serverPort")
#: No proxy from the environment for our own loopback requests.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def default_run_dir(port: int) -> Path:
    """Where ``serve`` and ``stop`` on ``port`` keep the state, logs and nginx's paths."""
    return Path(tempfile.gettempdir()) / f"convscope-serve-{port}"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def healthy(url: str, timeout: float = 1.0) -> bool:
    """``/_stcore/health`` answers 200 at ``url``."""
    try:
        with _OPENER.open(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def max_upload_mb() -> int:
    """``server.maxUploadSize`` from the app's .streamlit/config.toml (Streamlit's 200 if unset)."""
    cfg = ROOT / ".streamlit" / "config.toml"
    data = tomllib.loads(cfg.read_text()) if cfg.exists() else {}
    return int(data.get("server", {}).get("maxUploadSize", 200))


# -- the nginx configuration ----------------------------------------------------------
def render_nginx_conf(port: int, backends: list[int], run_dir: Path) -> str:
    """``deploy/nginx.conf.template`` with the port, the processes and the run folder filled in.

    Process ``pK`` listens on ``backends[K]``; its upstream group ``convscope_pK`` lists it
    first and every other process as a backup. ``max_fails=0``: one failed request (an
    upload the process refused mid-body) must not mark the process down for everyone pinned
    to it; a request that cannot reach it at all still goes on to a backup.
    """
    if not backends:
        raise ValueError("nginx needs at least one Streamlit process behind it, got 0")
    ind = " " * 8
    pinned = []
    for k, p in enumerate(backends):
        backups = "".join(f"{ind}server {HOST}:{q} backup;\n" for q in backends if q != p)
        pinned.append(f"    upstream convscope_p{k} {{\n{ind}server {HOST}:{p} max_fails=0;\n"
                      f"{backups}    }}")
    user = "# (not root: nginx's workers run as this user)"
    if os.geteuid() == 0:  # root's workers drop to nobody; nginx gives them its temp paths
        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
    fill = {
        "@RUN@": str(run_dir),
        "@PORT@": str(port),
        "@USER@": user,
        "@COOKIE@": COOKIE,
        "@MAX_BODY@": f"{max_upload_mb() + 1}m",
        "@ANY_SERVERS@": "".join(f"{ind}server {HOST}:{p};\n" for p in backends).rstrip("\n"),
        "@PINNED_UPSTREAMS@": "\n".join(pinned),
        "@PIN_MAP@": "\n".join(f"{ind}p{k} convscope_p{k};" for k in range(len(backends))),
        "@COOKIE_MAP@": "\n".join(
            f'{ind}"~{HOST.replace(".", r"[.]")}:{p}$" '
            f'"{COOKIE}=p{k}; Path=/; HttpOnly; SameSite=Lax";'
            for k, p in enumerate(backends)),
    }
    text = TEMPLATE.read_text()
    for name, value in fill.items():
        text = text.replace(name, value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"nginx.conf.template has placeholders nobody fills: {left}")
    return text


# -- what listens where ---------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _address(hex_addr: str) -> str:
    """An address from /proc/net/tcp{,6} ("0100007F" -> "127.0.0.1")."""
    raw = bytes.fromhex(hex_addr)
    # The kernel prints each 32-bit word in host (little-endian) order.
    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


def listening(pids: list[int]) -> list[tuple[str, int, int]]:
    """TCP sockets in LISTEN state held by ``pids``: (address, port, pid)."""
    owner: dict[int, int] = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        owner.setdefault(int(target[8:-1]), pid)
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if f[3] == "0A" and int(f[9]) in owner:  # 0A = TCP_LISTEN
                    addr, port = f[1].rsplit(":", 1)
                    found.append((_address(addr), int(port, 16), owner[int(f[9])]))
    return sorted(found)


def not_loopback(sockets: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    return [s for s in sockets if s[0] != HOST]


# -- the processes --------------------------------------------------------------------
def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the supervisor dies (even by SIGKILL)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Backend:
    index: int
    port: int
    pid: int = 0
    log: str = ""


@dataclass
class State:
    """What ``state.json`` in the run folder says; ``stop`` and the load test read it."""

    url: str
    port: int
    run_dir: str
    supervisor: int
    processes: list[Backend] = field(default_factory=list)
    nginx: int = 0
    ready: bool = False

    @classmethod
    def load(cls, run_dir: Path) -> State:
        data = json.loads((run_dir / "state.json").read_text())
        data["processes"] = [Backend(**b) for b in data["processes"]]
        return cls(**data)

    def save(self) -> None:
        path = Path(self.run_dir) / "state.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1))
        tmp.replace(path)  # readers never see half a file

    @property
    def pids(self) -> list[int]:
        """The Streamlit processes."""
        return [b.pid for b in self.processes]

    @property
    def backend_urls(self) -> list[str]:
        return [f"http://{HOST}:{b.port}" for b in self.processes]


class Cluster:
    """N Streamlit processes and nginx in front, started and stopped together."""

    def __init__(self, processes: int, port: int, run_dir: Path,
                 options: dict[str, str] | None = None) -> None:
        if not 1 <= processes <= MAX_PROCESSES:
            raise ValueError(f"processes must be 1 to {MAX_PROCESSES}, got {processes}")
        fixed = [k for k in options or {} if k in FIXED_OPTIONS]
        if fixed:
            raise ValueError(f"{', '.join(fixed)} are set by deploy.serve (loopback only)")
        self.n, self.port, self.run_dir = processes, port, run_dir
        self.options = options or {}
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.state = State(url=f"http://{HOST}:{port}", port=port, run_dir=str(run_dir),
                           supervisor=os.getpid())
        self._logs: list = []

    def _spawn(self, name: str, cmd: list[str], log: Path, env: dict[str, str]) -> int:
        out = open(log, "ab")  # noqa: SIM115 - open for the child's lifetime
        self._logs.append(out)
        # Own session: a Ctrl-C in the terminal reaches the supervisor only, which then
        # stops the children in order; the death signal covers a supervisor killed hard.
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, preexec_fn=_die_with_parent)
        self.children.append((name, proc))
        return proc.pid

    def start(self, timeout: float = 90.0) -> State:
        if not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} on {HOST} is in use: pick another with --port")
        if not os.path.exists(NGINX):
            raise RuntimeError(f"nginx not found at {NGINX} (apt-get install -y nginx)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # nginx's workers (nobody, when started as root) must reach their temp paths.
        self.run_dir.chmod(0o711)
        (self.run_dir / "nginx").mkdir(exist_ok=True)
        env = dict(os.environ)
        env[SECRET_ENV] = env.get(SECRET_ENV) or secrets.token_hex(32)
        ports: list[int] = []
        while len(ports) < self.n:
            p = free_port()
            if p != self.port and p not in ports:
                ports.append(p)
        for k, p in enumerate(ports):
            log = self.run_dir / f"streamlit-p{k}.log"
            cmd = [sys.executable, "-m", "streamlit", "run", "app.py",
                   "--server.headless", "true", "--server.address", HOST,
                   "--server.port", str(p), "--server.fileWatcherType", "none",
                   "--browser.serverAddress", "localhost", "--browser.serverPort", str(self.port),
                   "--browser.gatherUsageStats", "false",
                   *(a for k_, v in self.options.items() for a in (f"--{k_}", v))]
            pid = self._spawn(f"streamlit p{k}", cmd, log, env)
            self.state.processes.append(Backend(k, p, pid, str(log)))
        self.state.save()  # pids known from here on: `stop` can end them
        deadline = time.time() + timeout
        for b in self.state.processes:
            self._wait(f"http://{HOST}:{b.port}", f"streamlit p{b.index}", deadline, b.log)
        conf = self.run_dir / "nginx" / "nginx.conf"
        conf.write_text(render_nginx_conf(self.port, ports, self.run_dir))
        err = self.run_dir / "nginx-error.log"
        self.state.nginx = self._spawn(
            "nginx", [NGINX, "-p", f"{self.run_dir}/nginx/", "-c", str(conf), "-e", str(err)],
            self.run_dir / "nginx-stdout.log", env={"PATH": os.environ.get("PATH", "")})
        self._wait(self.state.url, "nginx", deadline, str(err))
        wide = not_loopback(listening(descendants(os.getpid())))
        if wide:
            raise RuntimeError(f"refusing to serve: sockets listen beyond loopback: {wide}")
        self.state.ready = True
        self.state.save()
        return self.state

    def _wait(self, url: str, name: str, deadline: float, log: str) -> None:
        while time.time() < deadline:
            if healthy(url):
                return
            dead = [(n, p.returncode) for n, p in self.children if p.poll() is not None]
            if dead:
                tail = Path(log).read_text(errors="replace")[-2000:] if Path(log).exists() else ""
                raise RuntimeError(f"{dead[0][0]} exited with {dead[0][1]} while starting:\n{tail}")
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer {url}/_stcore/health in time")

    def exited(self) -> list[tuple[str, int]]:
        """(name, exit status) of every child that has ended."""
        return [(name, proc.returncode) for name, proc in self.children
                if proc.poll() is not None]

    def stop(self) -> None:
        """nginx first (no new requests), then every Streamlit process; SIGKILL after 15 s."""
        nginx = [p for name, p in self.children if name == "nginx"]
        streamlit = [p for name, p in self.children if name != "nginx"]
        for group in (nginx, streamlit):
            for proc in group:
                if proc.poll() is None:
                    proc.terminate()  # nginx: fast shutdown; streamlit: a clean exit
            for proc in group:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for f in self._logs:
            f.close()
        with contextlib.suppress(FileNotFoundError):
            (self.run_dir / "state.json").unlink()


def serve(processes: int, port: int, run_dir: Path, options: dict[str, str]) -> int:
    """Start, report, wait for Ctrl-C / SIGTERM / a child's exit, stop. Exit status."""
    halt = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: halt.set())
    cluster = Cluster(processes, port, run_dir, options)
    status = 0
    try:
        state = cluster.start()
        print(f"ConvScope for a class: {state.url}  ({processes} Streamlit processes "
              f"on {', '.join(str(b.port) for b in state.processes)}, nginx pid {state.nginx})")
        print(f"run folder {run_dir} (logs, state.json); Ctrl-C or "
              f"`python -m deploy.serve stop --port {port}` stops it all", flush=True)
        reported: set[str] = set()
        while not halt.wait(0.5):
            gone = cluster.exited()
            for name, code in gone:
                if name not in reported:
                    print(f"{name} exited with {code}", file=sys.stderr, flush=True)
                    reported.add(name)
            # A Streamlit process that ended leaves its browsers to the others (nginx's
            # backups); without nginx, or without any process left, the class is over.
            if "nginx" in reported or len(reported) == processes:
                print("stopping everything", file=sys.stderr)
                status = 1
                break
    except (RuntimeError, ValueError) as e:
        print(f"deploy.serve: {e}", file=sys.stderr)
        status = 1
    finally:
        cluster.stop()
    return status


def _ours(pid: int, mark: str) -> bool:
    """``pid`` is alive and its command line carries ``mark`` (not a recycled pid)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return mark in cmd


def stop(run_dir: Path, timeout: float = 30.0) -> int:
    """Ask the supervisor in ``run_dir`` to stop everything (its children too if it is gone)."""
    try:
        state = State.load(run_dir)
    except FileNotFoundError:
        print(f"nothing to stop: no {run_dir / 'state.json'}")
        return 0
    # The supervisor stops its children itself; if it is gone, its children are ended here.
    marks = {state.supervisor: "deploy.serve", state.nginx: f"{run_dir}/nginx/"}
    marks |= {p: f"--browser.serverPort {state.port}" for p in state.pids}
    alive = {p: m for p, m in marks.items() if p and _ours(p, m)}
    targets = {state.supervisor: marks[state.supervisor]} if state.supervisor in alive else alive
    for pid in targets:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.time() + timeout
    while time.time() < deadline and any(_ours(p, m) for p, m in alive.items()):
        time.sleep(0.2)
    left = [p for p, m in alive.items() if _ours(p, m)]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        (run_dir / "state.json").unlink()
    if not alive:
        print(f"nothing was running for {state.url}; removed its stale state.json")
    else:
        print(f"stopped {state.url}: {len(alive)} process{'es' if len(alive) > 1 else ''}")
    return 0


@contextlib.contextmanager
def serving(processes: int = 2, *, port: int | None = None, run_dir: Path | None = None,
            options: dict[str, str] | None = None, timeout: float = 120.0) -> Iterator[State]:
    """Run ``python -m deploy.serve`` as a child (tests, the load test); yield its state.

    The supervisor is a process of its own, so the processes it starts die with it and
    never with a thread of the caller.
    """
    port = port or free_port()
    run_dir = run_dir or Path(tempfile.mkdtemp(prefix="convscope-serve-"))
    cmd = [sys.executable, "-m", "deploy.serve", "--processes", str(processes),
           "--port", str(port), "--run-dir", str(run_dir),
           *(a for k, v in (options or {}).items() for a in ("--option", f"{k}={v}"))]
    log_path = run_dir / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"deploy.serve exited with {proc.returncode}:\n"
                                   f"{log_path.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, TypeError):
                state = State.load(run_dir)
                if state.ready:
                    break
            if time.time() > deadline:
                raise RuntimeError(f"deploy.serve was not ready within {timeout:.0f} s")
            time.sleep(0.2)
        yield state
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.serve",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs="?", choices=["start", "stop"], default="start")
    ap.add_argument("--processes", "-n", type=int, default=2,
                    help=f"Streamlit processes (1 to {MAX_PROCESSES}; about one per core)")
    ap.add_argument("--port", type=int, default=8501, help="nginx's port on 127.0.0.1")
    ap.add_argument("--run-dir", type=Path, help="default: $TMPDIR/convscope-serve-PORT")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="extra `streamlit run` option for every process")
    a = ap.parse_args(argv)
    run_dir = (a.run_dir or default_run_dir(a.port)).resolve()
    if a.command == "stop":
        return stop(run_dir)
    bad = [o for o in a.option if "=" not in o]
    if bad:
        ap.error(f"--option takes KEY=VALUE, got {bad}")
    return serve(a.processes, a.port, run_dir, dict(o.split("=", 1) for o in a.option))


if __name__ == "__main__":
    sys.exit(main())
