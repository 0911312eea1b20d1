"""`make load`: many concurrent sessions on a fresh server, bounded in time, loopback only.

Starts ``streamlit run app.py`` on a free 127.0.0.1 port, warms every page once, then runs
N sessions (default 20) for T seconds (default 60). Each session is a websocket client
speaking the browser's protocol (bench/streamlit_client.py): it visits every built page
in turn, changes controls there with a short think time, and on the learning page also
presses "Train again" and picks the one-click set-ups, so it trains. It reports:

- errors (must be 0): runs that timed out, closed, failed to compile or drew an exception;
- leaks (must be 0): each session carries a marker ``lt_session=sNN`` in its URL and sets
  one setting per page to a value of its own; the server renders the session's own query
  parameters into the share link, which must show exactly this session's marker and
  values, and no text anywhere may carry another session's marker. The link is written
  only while its popover is open, so a session opens it after setting its own value (on
  its first page, then on SHARE_OPENS of its visits), reads it, and closes it;
- the server's peak memory: RSS of the streamlit process and its children, sampled;
- server CPU per script run and script runs per second;
- latency percentiles (p50, p95, p99) per interaction, by page, with the page visits apart;
- the targets of the scenario, each met or missed.

    .venv/bin/python -m bench.load [--sessions 20] [--seconds 60] [--think 1.0] [--json F]
    .venv/bin/python -m bench.load --class            # a class: 60 sessions × 120 s, think 3 s
    .venv/bin/python -m bench.load --processes 2      # through nginx: deploy/serve.py, 2 processes
    .venv/bin/python -m bench.load --base-url URL     # a server or proxy already running
    .venv/bin/python -m bench.load --compare 1,2      # runs per second and p95, 1 vs 2 processes

With ``--processes N`` the load goes through nginx to N processes (deploy/serve.py), and
memory and CPU are those of all N (memory summed, and the largest process against the
per-process target). ``--compare 1,2`` runs the same saturating load (no think time) on
1 process with S sessions and on 2 with 2·S, through nginx both times: twice the class on
twice the processes should get about twice the runs per second at the same p95.

Exit status 1 when there were errors or leaks, or a target of the scenario was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.streamlit_client import CHANGEABLE, Run, Session, Widget, click, new_value, same
from deploy.serve import descendants

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, by construction
MAX_SESSIONS, MAX_SECONDS = 100, 600  # hard bounds, whatever the command line says
MARKER = re.compile(r"lt_session=s(\d+)")
#: The learning page's buttons that train: a set-up, a new random start, a divergence's fixes.
TRAIN_BUTTONS = re.compile(r"^lk_(setup_\w+|reseed|fix|fix_bias)$")
SHARE_POPOVER = re.compile(r"^[a-z]+_share$")  # ui.share.share_link's key: <prefix>share
#: The share of page visits on which a session opens the share link (a learner who shares
#: now and then; each session's first visit opens it too, for the leak check).
SHARE_OPENS = 0.25
WARM_UP_SID = 999  # the warm-up's marker: no load session has it (at most MAX_SESSIONS)


def built_pages() -> list[str]:
    """URL paths of the pages in ui/nav.py PAGES whose file exists, in menu order.

    The first page is the default one, served at "/" (its path is "").
    """
    sys.path.insert(0, str(ROOT))
    from ui.nav import PAGES

    paths = [path for file, _, _, path in PAGES if (ROOT / "pages" / file).exists()]
    return [""] + paths[1:] if paths else []


# -- the server ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run app.py`` (or another ``script``, relative to the repository root) on a
    free loopback port; stopped on exit."""

    def __init__(self, options: dict[str, str] | None = None, *, script: str = "app.py") -> None:
        self.options = options or {}  # extra `streamlit run` options, e.g. runner.postScriptGC
        self.script = script
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="convscope-load-", suffix=".log")
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def __enter__(self) -> Server:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script,
             "--server.headless", "true", "--server.address", HOST,
             "--browser.serverAddress", "localhost", "--browser.gatherUsageStats", "false",
             "--server.port", str(self.port), "--server.fileWatcherType", "none",
             *(a for k, v in self.options.items() for a in (f"--{k}", v))],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")


@dataclass
class Served:
    """What a load runs against: one URL, and the processes whose memory and CPU count."""

    url: str
    via: str  # how the sessions reach the app, for the report
    pids: list[int]  # the Streamlit processes ([] = not measured: a server started elsewhere)
    backend_urls: list[str]  # each process directly, for the warm-up
    cold_start_s: float  # start -> every process and the proxy answered /_stcore/health
    proxy_pid: int = 0
    log_text: Callable[[], str] = lambda: ""


@contextmanager
def served(*, processes: int | None = None, base_url: str | None = None,
           options: dict[str, str] | None = None) -> Iterator[Served]:
    """One fresh ``streamlit run`` (the default), N processes behind nginx
    (``processes``: deploy/serve.py), or a server that is already running (``base_url``)."""
    if base_url:
        yield Served(base_url.rstrip("/"), f"{base_url} (started elsewhere: memory and CPU "
                     "not measured)", [], [base_url.rstrip("/")], float("nan"))
        return
    if processes is None:
        with Server(options) as server:
            yield Served(server.url, "one streamlit process, directly", [server.proc.pid],
                         [server.url], time.perf_counter() - server.started,
                         log_text=server.log_text)
        return
    from deploy.serve import serving

    t0 = time.perf_counter()
    with serving(processes, options=options) as state:
        logs = [Path(b.log) for b in state.processes]
        yield Served(state.url, f"nginx in front of {processes} streamlit process"
                     f"{'es' if processes > 1 else ''} (deploy/serve.py)",
                     state.pids, state.backend_urls, time.perf_counter() - t0,
                     proxy_pid=state.nginx,
                     log_text=lambda: "".join(p.read_text(errors="replace") for p in logs))


def rss_mb(pid: int) -> float:
    """Resident memory (MB) of ``pid`` and all its descendants, from /proc."""
    total = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time (s) of ``pid`` and its descendants (finished children too)."""
    total = 0.0
    for p in descendants(pid):
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime stime, plus cutime cstime (children already waited for) of the top process
        total += sum(int(x) for x in f[11:15 if p == pid else 13])
    return total / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Samples the servers' RSS every ``every`` seconds, in MB: ``samples`` (the sum over
    ``pids``), ``peak`` (of the sum) and ``peaks`` (each process's own)."""

    def __init__(self, pids: int | list[int], every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pids = [pids] if isinstance(pids, int) else list(pids)
        self.every = every
        self.samples: list[float] = []
        self.peaks = dict.fromkeys(self.pids, 0.0)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            each = {p: rss_mb(p) for p in self.pids}
            self.samples.append(sum(each.values()))
            self.peaks = {p: max(self.peaks[p], v) for p, v in each.items()}
            self._halt.wait(self.every)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak

    @property
    def peak(self) -> float:
        return max(self.samples, default=0.0)


# -- the sessions ----------------------------------------------------------------------
@dataclass
class Tally:
    """Everything the sessions saw, merged."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sizes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    error_alerts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    interactions: int = 0
    trainings: int = 0
    runs: int = 0
    link_checks: int = 0  # runs whose share link was compared with the session's own state
    shares: int = 0  # runs that opened or closed a share popover
    page_set_params: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    change_starts: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)

    def record(self, kind: str, page: str, run: Run) -> None:
        name = f"{kind} {page or 'home'}"
        self.latencies[name].append(run.seconds)
        self.sizes[name].append(run.bytes)
        if kind == "change":  # when it was asked for, for the p95 over time (``windows``)
            self.change_starts.append((time.perf_counter() - run.seconds, run.seconds))


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank; NaN for no data."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def check_run(sess: Session, sid: int, page: str, what: str, run: Run, tally: Tally) -> None:
    """Count errors, and check that the run shows this session's state and no one else's."""
    tally.runs += 1
    where = f"s{sid:02d} {page or 'home'} {what}"
    if run.status not in ("ok", "fragment-ok"):
        tally.errors.append(f"{where}: run {run.status} after {run.seconds:.1f} s")
    for e in run.exceptions:
        tally.errors.append(f"{where}: exception {e}")
    for a in run.error_alerts:
        tally.error_alerts[f"{page or 'home'}: {' '.join(a.split())[:100]}"] += 1
    for text in run.texts:
        for other in MARKER.findall(text):
            if int(other) != sid:
                tally.leaks.append(f"{where}: sees lt_session=s{other} in {text[:120]!r}")
    # The share link is the server's rendering of this session's st.query_params: it must
    # carry this session's marker and every value this session chose. (Extra parameters
    # are allowed: a page may set its own widgets, e.g. a one-click set-up.)
    links = [t for t in run.texts if t.startswith(sess.base)]
    if not links or run.status not in ("ok", "fragment-ok"):  # the popover is a fragment
        return
    tally.link_checks += 1
    shown: dict[str, list[str]] = {}
    for k, v in parse_qsl(urlparse(links[-1]).query, keep_blank_values=True):
        shown.setdefault(k, []).append(v)
    if shown.get("lt_session") != [f"s{sid:02d}"]:
        tally.leaks.append(f"{where}: share link has lt_session={shown.get('lt_session')}")
    for key, vals in sess.mine.items():
        if not same(shown.get(key, []), vals):
            tally.leaks.append(f"{where}: share link has {key}={shown.get(key)}, this "
                               f"session set {vals or 'the default'}")
    extra = set(shown) - set(sess.mine) - {"lt_session"}
    if extra:
        tally.page_set_params[page or "home"] |= extra


def distinct_widget(sess: Session) -> str | None:
    """A bound numeric setting with room for a per-session value (≥ 20 choices)."""
    best = None
    for key, w in sess.widgets.items():
        p = w.proto
        if key not in sess.defaults or getattr(p, "disabled", False):
            continue
        if w.kind == "number_input" and p.has_min and p.has_max and p.max - p.min >= 20:
            return key
        if w.kind == "slider" and not p.options and p.data_type == 0 and (
                p.max - p.min) / (p.step or 1) >= 20 and len(p.default) == 1:
            best = best or key
    return best


async def session(sid: int, base: str, pages: list[str], until: float, think: float,
                  tally: Tally, seed: int) -> None:
    rng = random.Random(seed * 1000 + sid)
    sess = Session(base, query=f"lt_session=s{sid:02d}", timeout=60)
    try:
        await sess.connect()
    except Exception as e:  # noqa: BLE001 - any failure to connect is an error to report
        tally.errors.append(f"s{sid:02d}: connect failed: {e!r}")
        return
    order = pages[sid % len(pages):] + pages[:sid % len(pages)]
    first = True  # the session's first page visit: it opens the share link there
    try:
        while time.perf_counter() < until:
            for page in order:
                if time.perf_counter() >= until:
                    break
                run = await sess.open(page)
                tally.record("visit", page, run)
                check_run(sess, sid, page, "visit", run, tally)
                key = distinct_widget(sess)
                if key:  # this session's own value, different from every other session's
                    w = sess.widgets[key]
                    st = new_value(w, rng, pick=sid + 1)
                    run = await sess.change([st], fragment=w.fragment)
                    tally.interactions += 1
                    tally.record("change", page, run)
                    check_run(sess, sid, page, f"set {key}", run, tally)
                if first or rng.random() < SHARE_OPENS:
                    await share(sess, sid, page, rng, think, tally)
                first = False
                for _ in range(rng.randint(3, 6)):
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                    if time.perf_counter() >= until:
                        break
                    await interact(sess, sid, page, rng, tally)
    except Exception as e:  # noqa: BLE001 - a client crash is an error, not a silent stop
        tally.errors.append(f"s{sid:02d}: client failed: {e!r}")
    finally:
        await sess.close()


async def share(sess: Session, sid: int, page: str, rng: random.Random, think: float,
                tally: Tally) -> None:
    """Open the page's share popover (its link is checked: check_run), read, close it."""
    popover = next((w for w in sess.widgets.values()
                    if w.kind == "popover" and SHARE_POPOVER.match(w.key)), None)
    if popover is None:  # a page without settings has no share link
        return
    for opened in (True, False):  # each an action of its own, paced like a change
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        # as the browser sends it: a rerun of the fragment drawing it (ui.share)
        run = await sess.change([WidgetState(id=popover.id, bool_value=opened)],
                                fragment=popover.fragment)
        tally.shares += 1
        tally.record("share", page, run)
        check_run(sess, sid, page, "open share" if opened else "close share", run, tally)


async def interact(sess: Session, sid: int, page: str, rng: random.Random,
                   tally: Tally) -> tuple[Widget, Run] | None:
    """Change one control (or press a training button on the learning page); the control
    and its run, or None if there was nothing to change."""
    widgets = [w for w in sess.widgets.values() if w.kind in CHANGEABLE]
    buttons = [w for w in sess.widgets.values() if TRAIN_BUTTONS.match(w.key)]
    if buttons and rng.random() < 0.35:
        w = rng.choice(buttons)
        run = await sess.change([click(w)], fragment=w.fragment)
        tally.trainings += 1
        tally.record("train", page, run)
        check_run(sess, sid, page, f"click {w.key}", run, tally)
        return w, run
    rng.shuffle(widgets)
    for w in widgets:
        st = new_value(w, rng)
        if st is not None:  # a control in an st.fragment reruns it alone, as in the browser
            run = await sess.change([st], fragment=w.fragment)
            tally.interactions += 1
            tally.record("change", page, run)
            check_run(sess, sid, page, f"change {w.key}", run, tally)
            return w, run
    return None


async def warm_up(base: str, pages: list[str], tally: Tally) -> dict[str, float]:
    """One visit per page before the clock starts (the first run imports torch)."""
    sess = Session(base, query=f"lt_session=s{WARM_UP_SID}", timeout=120)
    await sess.connect()
    times = {}
    try:
        for page in pages:
            run = await sess.open(page)
            times[page or "home"] = run.seconds
            check_run(sess, WARM_UP_SID, page, "warm-up", run, tally)
    finally:
        await sess.close()
    return times


async def warm_up_all(bases: list[str], pages: list[str], tally: Tally) -> dict[str, float]:
    """``warm_up`` on every process at once (each imports torch itself); the slowest visit
    of each page."""
    times = await asyncio.gather(*(warm_up(b, pages, tally) for b in bases))
    return {page: max(t[page] for t in times) for page in times[0]}


async def drive(base: str, pages: list[str], sessions: int, seconds: float, think: float,
                seed: int, tally: Tally) -> None:
    until = time.perf_counter() + seconds
    await asyncio.gather(*(session(i, base, pages, until, think, tally, seed)
                           for i in range(sessions)))


# -- scenarios and targets -------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """A named load: how many sessions, how long, how fast, and which targets it checks."""

    name: str
    sessions: int
    seconds: float
    think: float
    targets: tuple[str, ...]


#: Issue 14's targets, by name: what is measured, how it compares with the limit, the unit.
TARGETS: dict[str, tuple[str, str, float, str]] = {
    "errors": ("errors", "=", 0, ""),
    "leaks": ("leaks between sessions", "=", 0, ""),
    "change_p95": ("change p95", "<", 500, "ms"),
    "train_p95": ("training p95", "<", 1000, "ms"),
    "memory": ("peak server memory (per process)", "<", 690, "MB"),
    "cpu_per_run": ("server CPU per script run", "≤", 30, "ms"),
}
SCENARIOS = {
    # Today's `make load`: 20 learners, a change every ≈ 1 s each.
    "default": Scenario("default", 20, 60, 1.0, ("errors", "leaks", "change_p95")),
    # A class on one shared link, every page including training, a change every ≈ 3 s
    # each; 690 MB is Community Cloud's smallest memory allowance.
    "class": Scenario("class", 60, 120, 3.0, tuple(TARGETS)),
}


@dataclass
class Check:
    what: str
    value: float  # NaN: not measured (a server started elsewhere, or no such runs)
    op: str  # "=", "<" or "≤"
    limit: float
    unit: str

    @property
    def ok(self) -> bool | None:
        """Met, missed, or None: not measured."""
        if math.isnan(self.value):
            return None
        return {"=": self.value == self.limit, "<": self.value < self.limit,
                "≤": self.value <= self.limit}[self.op]


@dataclass
class Report:
    sessions: int
    seconds: float
    think: float
    options: dict[str, str]
    pages: list[str]
    via: str  # one process directly, nginx in front of N, or a URL
    processes: int  # Streamlit processes measured (0: not measured)
    cold_start_s: float  # server start -> health answered
    warm_up_s: dict[str, float]
    rss_start_mb: float  # memory: the sum over the processes
    rss_warm_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    rss_peak_per_process_mb: list[float]
    server_cpu_s: float  # CPU time the servers used during the load phase
    server_cores_busy: float  # ... divided by its wall time: 2.0 = both cores all the time
    proxy_cpu_s: float  # nginx's CPU time (NaN without nginx)
    client_cpu_s: float  # this load generator's own CPU time during the load
    runs: int  # every checked run, the warm-up's too
    load_runs: int  # ... of the load phase only
    runs_per_s: float  # load_runs per second, all processes together
    interactions: int
    trainings: int
    shares: int  # share popovers opened and closed (each a run)
    link_checks: int
    errors: list[str]
    leaks: list[str]
    page_set_params: dict[str, list[str]]
    error_alerts: dict[str, int]
    server_tracebacks: int
    latency: dict[str, dict[str, float]]  # group -> n, p50, p95, p99, max, mean (s), kB
    scenario: str = "default"
    checks: list[Check] = field(default_factory=list)
    #: (window start s, changes, p95 s) over the load phase: ``windows``
    change_windows: list[tuple[float, int, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.leaks and not self.server_tracebacks

    @property
    def cpu_per_run_ms(self) -> float:
        return 1e3 * self.server_cpu_s / self.load_runs if self.load_runs else float("nan")

    def p95_ms(self, group: str) -> float:
        return 1e3 * self.latency.get(group, {}).get("p95", float("nan"))

    def check(self, names: tuple[str, ...]) -> list[Check]:
        """The targets ``names`` (keys of TARGETS) against this report's numbers."""
        value = {
            "errors": len(self.errors) + self.server_tracebacks,
            "leaks": len(self.leaks),
            "change_p95": self.p95_ms("all change"),
            "train_p95": self.p95_ms("all train"),
            "memory": max(self.rss_peak_per_process_mb, default=float("nan")),
            "cpu_per_run": self.cpu_per_run_ms,
        }
        return [Check(TARGETS[n][0], float(value[n]), *TARGETS[n][1:]) for n in names]


#: The load phase cut into windows this long for the change p95 over time.
WINDOW_S = 20.0


def windows(starts: list[tuple[float, float]], t0: float, seconds: float
            ) -> list[tuple[float, int, float]]:
    """Changes by when they were asked for, in WINDOW_S windows from ``t0``: (window start
    in s, changes, their p95 in s). Slow runs spread over the whole load are queueing; slow
    runs only in the first window are the sessions arriving at once."""
    out = []
    for w in range(math.ceil(seconds / WINDOW_S)):
        lo = w * WINDOW_S
        xs = [s for t, s in starts if lo <= t - t0 < lo + WINDOW_S]
        if xs:
            out.append((lo, len(xs), percentile(xs, 95)))
    return out


def summarize(xs: list[float]) -> dict[str, float]:
    return {"n": len(xs), "p50": percentile(xs, 50), "p95": percentile(xs, 95),
            "p99": percentile(xs, 99), "max": max(xs, default=float("nan")),
            "mean": statistics.fmean(xs) if xs else float("nan")}


def run_load(*, sessions: int = 20, seconds: float = 60, think: float = 1.0, seed: int = 0,
             pages: list[str] | None = None, options: dict[str, str] | None = None,
             processes: int | None = None, base_url: str | None = None,
             scenario: str = "default") -> Report:
    """Start a server (or N behind nginx, or use ``base_url``), load it, stop it; the numbers.

    ``scenario`` names the targets checked (SCENARIOS); the load itself is what the other
    arguments say.
    """
    sessions = max(1, min(sessions, MAX_SESSIONS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    pages = pages or built_pages()
    nan = float("nan")
    with served(processes=processes, base_url=base_url, options=options) as target:
        pids = target.pids

        def total_rss() -> float:
            return sum(rss_mb(p) for p in pids) if pids else nan

        def total_cpu() -> float:
            return sum(cpu_seconds(p) for p in pids) if pids else nan

        rss_start = total_rss()
        sampler = MemorySampler(pids)
        sampler.start()
        tally = Tally()
        warm = asyncio.run(warm_up_all(target.backend_urls, pages, tally))
        rss_warm = total_rss()
        proxy0 = cpu_seconds(target.proxy_pid) if target.proxy_pid else nan
        cpu0, client0, t0 = total_cpu(), time.process_time(), time.perf_counter()
        asyncio.run(drive(target.url, pages, sessions, seconds, think, seed, tally))
        wall = time.perf_counter() - t0
        client = time.process_time() - client0
        cpu = total_cpu() - cpu0
        proxy = cpu_seconds(target.proxy_pid) - proxy0 if target.proxy_pid else nan
        time.sleep(1.0)
        rss_end = total_rss()
        peak = sampler.stop() if pids else nan
        log = target.log_text()
    groups: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for name, xs in tally.latencies.items():
        kind = name.split()[0]
        for g in (name, f"all {kind}", "all interactions (change + train)"):
            if g.startswith("all interactions") and kind in ("visit", "share"):
                continue
            groups[g] += xs
            sizes[g] += tally.sizes[name]
    # Runs of the load phase only (the warm-up's are counted in tally.runs too).
    load_runs = tally.runs - len(pages) * len(target.backend_urls)
    report = Report(
        sessions=sessions, seconds=seconds, think=think, options=options or {}, pages=pages,
        via=target.via, processes=len(pids), cold_start_s=target.cold_start_s,
        warm_up_s=warm, rss_start_mb=rss_start, rss_warm_mb=rss_warm, rss_peak_mb=peak,
        rss_end_mb=rss_end, rss_peak_per_process_mb=[sampler.peaks[p] for p in pids],
        server_cpu_s=cpu, server_cores_busy=cpu / wall, proxy_cpu_s=proxy,
        client_cpu_s=client, runs=tally.runs, load_runs=load_runs, runs_per_s=load_runs / wall,
        interactions=tally.interactions, trainings=tally.trainings, shares=tally.shares,
        link_checks=tally.link_checks, errors=tally.errors, leaks=tally.leaks,
        page_set_params={k: sorted(v) for k, v in tally.page_set_params.items()},
        error_alerts=dict(tally.error_alerts),
        server_tracebacks=log.count("Traceback (most recent call last)"),
        latency={k: summarize(v) | {"kB": statistics.median(sizes[k]) / 1e3 if sizes[k] else 0}
                 for k, v in sorted(groups.items())},
        scenario=scenario,
        change_windows=windows(tally.change_starts, t0, seconds),
    )
    report.checks = report.check(SCENARIOS[scenario].targets)
    return report


def print_report(r: Report) -> None:
    ms = lambda s: f"{s * 1e3:8.0f}"  # noqa: E731
    print(f"load ({r.scenario}): {r.sessions} sessions × {r.seconds:g} s, think ≈ {r.think:g} s, "
          + (f"options {r.options}, " if r.options else "")
          + f"pages: {', '.join(p or 'home' for p in r.pages)}")
    print(f"via {r.via}")
    print(f"server: health after {r.cold_start_s:.1f} s; first visit per page (warm-up): "
          + ", ".join(f"{p} {t:.2f} s" for p, t in r.warm_up_s.items()))
    if r.processes:
        each = (f" (per process: {', '.join(f'{m:.0f}' for m in r.rss_peak_per_process_mb)})"
                if r.processes > 1 else "")
        print(f"memory (RSS, {'sum of ' if r.processes > 1 else ''}server + children): start "
              f"{r.rss_start_mb:.0f} MB, after warm-up {r.rss_warm_mb:.0f} MB, peak "
              f"{r.rss_peak_mb:.0f} MB{each}, end {r.rss_end_mb:.0f} MB")
        print(f"server CPU during the load: {r.server_cpu_s:.0f} s, {r.server_cores_busy:.2f} "
              f"cores busy on average ({os.cpu_count()} on this machine), "
              f"{r.cpu_per_run_ms:.0f} ms CPU per run")
    if not math.isnan(r.proxy_cpu_s):
        print(f"nginx CPU during the load: {r.proxy_cpu_s:.1f} s")
    print(f"load generator (this process) CPU: {r.client_cpu_s:.1f} s")
    print(f"runs {r.load_runs} (+ {r.runs - r.load_runs} warm-up), {r.runs_per_s:.1f} per "
          f"second, interactions {r.interactions}, "
          f"trainings {r.trainings}, share popovers opened or closed {r.shares}, share links "
          f"checked against the session's own state {r.link_checks}")
    print(f"\n{'latency (ms)':<38} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
          f" {'kB sent (median)':>17}")
    for name, s in r.latency.items():
        print(f"{name:<38} {s['n']:>5} {ms(s['p50'])} {ms(s['p95'])} {ms(s['p99'])} "
              f"{ms(s['max'])} {s['kB']:>17.0f}")
    if r.change_windows:
        print(f"change p95 by when it was asked for ({WINDOW_S:g} s windows): " + ", ".join(
            f"{lo:g}–{lo + WINDOW_S:g} s {p * 1e3:.0f} ms (n {n})"
            for lo, n, p in r.change_windows))
    if r.error_alerts:
        print("\nst.error messages the pages showed (readable rejections, not failures):")
        for msg, n in sorted(r.error_alerts.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {n:4d} × {msg}")
    if r.page_set_params:
        print("\nsettings the pages set themselves (in the share link, not checked: the client "
              "only tracks what it chose):")
        for page, keys in r.page_set_params.items():
            print(f"  {page}: {', '.join(keys)}")
    print(f"\nerrors: {len(r.errors)}   leaks between sessions: {len(r.leaks)}   "
          f"server tracebacks: {r.server_tracebacks}")
    for line in (r.errors + r.leaks)[:20]:
        print(f"  {line}")
    print_checks(r.checks)
    print("OK" if passed(r) else "FAILED")


def print_checks(checks: list[Check]) -> None:
    print(f"\n{'target':<38} {'measured':>10} {'target':>12}  met")
    for c in checks:
        shown = "not measured" if math.isnan(c.value) else f"{c.value:.0f} {c.unit}".strip()
        met = {True: "yes", False: "NO", None: "-"}[c.ok]
        print(f"{c.what:<38} {shown:>10} {f'{c.op} {c.limit:g} {c.unit}'.strip():>12}  {met}")


def passed(r: Report) -> bool:
    """No errors, no leaks, and no target of its scenario missed (unmeasured ones do not
    count)."""
    return r.ok and not any(c.ok is False for c in r.check(SCENARIOS[r.scenario].targets))


# -- one process against two -----------------------------------------------------------
def compare(counts: list[int], *, sessions: int, seconds: float, think: float, seed: int,
            options: dict[str, str]) -> list[Report]:
    """The same load per process on 1, 2, … processes behind nginx (``sessions`` each)."""
    reports = []
    for n in counts:
        print(f"… {n} process{'es' if n > 1 else ''}, {sessions * n} sessions × {seconds:g} s",
              file=sys.stderr, flush=True)
        reports.append(run_load(sessions=sessions * n, seconds=seconds, think=think, seed=seed,
                                options=options, processes=n))
    return reports


#: Issue 14: two processes on two cores serve at least 1.7× the runs per second of one.
SCALING_TARGET = 1.7
P95_SAME = 1.1  # "the same p95": at most 10 % above one process's
ALL = "all interactions (change + train)"


def print_comparison(reports: list[Report]) -> bool:
    """Runs per second and p95 side by side; True when the last count scales as targeted."""
    print(f"{'processes':>9} {'sessions':>8} {'runs/s':>8} {'p95 change':>11} "
          f"{'p95 all':>8} {'CPU/run':>8} {'cores':>6} {'errors':>6} {'leaks':>5}")
    for r in reports:
        print(f"{r.processes:>9} {r.sessions:>8} {r.runs_per_s:>8.1f} "
              f"{r.p95_ms('all change'):>8.0f} ms {r.p95_ms(ALL):>5.0f} ms "
              f"{r.cpu_per_run_ms:>5.0f} ms {r.server_cores_busy:>6.2f} {len(r.errors):>6} "
              f"{len(r.leaks):>5}")
    first, last = reports[0], reports[-1]
    ratio = last.runs_per_s / first.runs_per_s if first.runs_per_s else float("nan")
    p95_ratio = last.p95_ms(ALL) / first.p95_ms(ALL)
    line = (f"\n{last.processes} vs {first.processes} processes: {ratio:.2f}× the runs per "
            f"second at {p95_ratio:.2f}× the p95 of all interactions")
    clean = all(r.ok for r in reports)
    if (first.processes, last.processes) != (1, 2):  # issue 14 sets a target for 1 vs 2 only
        print(line)
        return clean
    # "At the same p95": twice the sessions on twice the processes, p95 within 10 %.
    ok = clean and ratio >= SCALING_TARGET and p95_ratio <= P95_SAME
    print(f"{line} (target ≥ {SCALING_TARGET:g}× at ≤ {P95_SAME:g}×): "
          f"{'met' if ok else 'NOT met'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--class", dest="scenario", action="store_const", const="class",
                    default="default", help="the class scenario: "
                    + ", ".join(f"{k}={getattr(SCENARIOS['class'], k):g}"
                                for k in ("sessions", "seconds", "think"))
                    + ", every target of issue 14")
    ap.add_argument("--sessions", type=int, help=f"at most {MAX_SESSIONS} (default: the "
                    "scenario's; with --compare: per process, default 10)")
    ap.add_argument("--seconds", type=float, help=f"at most {MAX_SECONDS}")
    ap.add_argument("--think", type=float,
                    help="mean pause between a session's interactions (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="also write the report here")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="extra `streamlit run` option, e.g. runner.postScriptGC=false")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--processes", type=int, metavar="N",
                       help="N streamlit processes behind nginx (deploy/serve.py)")
    where.add_argument("--base-url", metavar="URL",
                       help="load a server or proxy already running on 127.0.0.1")
    where.add_argument("--compare", metavar="1,2",
                       help="the same saturating load per process on each count of processes")
    a = ap.parse_args(argv)
    if a.sessions is not None and not 1 <= a.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions must be 1 to {MAX_SESSIONS}, got {a.sessions}")
    options = dict(o.split("=", 1) for o in a.option)
    if any(k.startswith(("server.address", "server.port", "browser.")) for k in options):
        ap.error("the address, port and browser options are fixed (loopback only)")
    if a.base_url and urlparse(a.base_url).hostname not in ("127.0.0.1", "localhost"):
        ap.error("--base-url must be on 127.0.0.1 or localhost (loopback only)")
    if a.compare:
        counts = [int(c) for c in a.compare.split(",")]
        reports = compare(counts, sessions=a.sessions or 10, seconds=a.seconds or 60,
                          think=0.0 if a.think is None else a.think, seed=a.seed,
                          options=options)
        for r in reports:
            print()
            print_report(r)
        print()
        ok = print_comparison(reports)
        if a.json:
            a.json.write_text(json.dumps([asdict(r) for r in reports], indent=1))
        return 0 if ok else 1
    sc = SCENARIOS[a.scenario]
    report = run_load(sessions=sc.sessions if a.sessions is None else a.sessions,
                      seconds=sc.seconds if a.seconds is None else a.seconds,
                      think=sc.think if a.think is None else a.think, seed=a.seed,
                      options=options, processes=a.processes, base_url=a.base_url,
                      scenario=sc.name)
    print_report(report)
    if a.json:
        a.json.write_text(json.dumps(asdict(report), indent=1))
    return 0 if passed(report) else 1


if __name__ == "__main__":
    sys.exit(main())
