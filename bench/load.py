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
  values, and no text anywhere may carry another session's marker;
- the server's peak memory: RSS of the streamlit process and its children, sampled;
- latency percentiles (p50, p95, p99) per interaction, by page, with the page visits apart.

    .venv/bin/python -m bench.load [--sessions 20] [--seconds 60] [--think 1.0] [--json F]

Exit status 1 when there were errors or leaks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

from bench.streamlit_client import CHANGEABLE, Run, Session, click, new_value, same

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, by construction
MAX_SESSIONS, MAX_SECONDS = 50, 600  # hard bounds, whatever the command line says
MARKER = re.compile(r"lt_session=s(\d+)")
TRAIN_BUTTONS = re.compile(r"^lk_(again|setup_\w+|reseed|fix_lr)$")


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
    """``streamlit run app.py`` on a free loopback port; stopped on exit."""

    def __init__(self, options: dict[str, str] | None = None) -> None:
        self.options = options or {}  # extra `streamlit run` options, e.g. runner.postScriptGC
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="convscope-load-", suffix=".log")
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def __enter__(self) -> Server:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
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


def rss_mb(pid: int) -> float:
    """Resident memory (MB) of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(d))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time (s) of ``pid`` and its descendants (finished children too)."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Samples the server's RSS every ``every`` seconds; ``peak`` and ``samples`` in MB."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append(rss_mb(self.pid))
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
    page_set_params: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def record(self, kind: str, page: str, run: Run) -> None:
        name = f"{kind} {page or 'home'}"
        self.latencies[name].append(run.seconds)
        self.sizes[name].append(run.bytes)


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
    if not links or run.status != "ok":
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
                    st = new_value(sess.widgets[key], rng, pick=sid + 1)
                    run = await sess.change([st])
                    tally.interactions += 1
                    tally.record("change", page, run)
                    check_run(sess, sid, page, f"set {key}", run, tally)
                for _ in range(rng.randint(3, 6)):
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                    if time.perf_counter() >= until:
                        break
                    await interact(sess, sid, page, rng, tally)
    except Exception as e:  # noqa: BLE001 - a client crash is an error, not a silent stop
        tally.errors.append(f"s{sid:02d}: client failed: {e!r}")
    finally:
        await sess.close()


async def interact(sess: Session, sid: int, page: str, rng: random.Random, tally: Tally) -> None:
    """Change one control (or press a training button on the learning page)."""
    widgets = [w for w in sess.widgets.values() if w.kind in CHANGEABLE]
    buttons = [w for w in sess.widgets.values() if TRAIN_BUTTONS.match(w.key)]
    if buttons and rng.random() < 0.35:
        w = rng.choice(buttons)
        run = await sess.change([click(w)])
        tally.trainings += 1
        tally.record("train", page, run)
        check_run(sess, sid, page, f"click {w.key}", run, tally)
        return
    rng.shuffle(widgets)
    for w in widgets:
        st = new_value(w, rng)
        if st is not None:
            run = await sess.change([st])
            tally.interactions += 1
            tally.record("change", page, run)
            check_run(sess, sid, page, f"change {w.key}", run, tally)
            return


async def warm_up(base: str, pages: list[str], tally: Tally) -> dict[str, float]:
    """One visit per page before the clock starts (the first run imports torch)."""
    sess = Session(base, query="lt_session=s99", timeout=120)
    await sess.connect()
    times = {}
    try:
        for page in pages:
            run = await sess.open(page)
            times[page or "home"] = run.seconds
            check_run(sess, 99, page, "warm-up", run, tally)
    finally:
        await sess.close()
    return times


async def drive(base: str, pages: list[str], sessions: int, seconds: float, think: float,
                seed: int, tally: Tally) -> None:
    until = time.perf_counter() + seconds
    await asyncio.gather(*(session(i, base, pages, until, think, tally, seed)
                           for i in range(sessions)))


@dataclass
class Report:
    sessions: int
    seconds: float
    think: float
    options: dict[str, str]
    pages: list[str]
    cold_start_s: float  # server start -> health answered
    warm_up_s: dict[str, float]
    rss_start_mb: float
    rss_warm_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    server_cpu_s: float  # CPU time the server used during the load phase
    server_cores_busy: float  # ... divided by its wall time: 2.0 = both cores all the time
    runs: int
    interactions: int
    trainings: int
    link_checks: int
    errors: list[str]
    leaks: list[str]
    page_set_params: dict[str, list[str]]
    error_alerts: dict[str, int]
    server_tracebacks: int
    latency: dict[str, dict[str, float]]  # group -> n, p50, p95, p99, max, mean (s), kB

    @property
    def ok(self) -> bool:
        return not self.errors and not self.leaks and not self.server_tracebacks


def summarize(xs: list[float]) -> dict[str, float]:
    return {"n": len(xs), "p50": percentile(xs, 50), "p95": percentile(xs, 95),
            "p99": percentile(xs, 99), "max": max(xs, default=float("nan")),
            "mean": statistics.fmean(xs) if xs else float("nan")}


def run_load(*, sessions: int = 20, seconds: float = 60, think: float = 1.0, seed: int = 0,
             pages: list[str] | None = None, options: dict[str, str] | None = None) -> Report:
    """Start a server, load it, stop it; return the numbers."""
    sessions = max(1, min(sessions, MAX_SESSIONS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    pages = pages or built_pages()
    with Server(options) as server:
        cold = time.perf_counter() - server.started
        rss_start = rss_mb(server.proc.pid)
        sampler = MemorySampler(server.proc.pid)
        sampler.start()
        tally = Tally()
        warm = asyncio.run(warm_up(server.url, pages, tally))
        rss_warm = rss_mb(server.proc.pid)
        cpu0, t0 = cpu_seconds(server.proc.pid), time.perf_counter()
        asyncio.run(drive(server.url, pages, sessions, seconds, think, seed, tally))
        time.sleep(1.0)
        rss_end = rss_mb(server.proc.pid)
        cpu = cpu_seconds(server.proc.pid) - cpu0
        busy = cpu / (time.perf_counter() - t0)
        peak = sampler.stop()
        log = server.log_text()
    groups: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for name, xs in tally.latencies.items():
        kind = name.split()[0]
        for g in (name, f"all {kind}", "all interactions (change + train)"):
            if g.startswith("all interactions") and kind == "visit":
                continue
            groups[g] += xs
            sizes[g] += tally.sizes[name]
    return Report(
        sessions=sessions, seconds=seconds, think=think, options=options or {}, pages=pages,
        cold_start_s=cold, warm_up_s=warm, rss_start_mb=rss_start, rss_warm_mb=rss_warm,
        rss_peak_mb=peak, rss_end_mb=rss_end, server_cpu_s=cpu, server_cores_busy=busy,
        runs=tally.runs,
        interactions=tally.interactions, trainings=tally.trainings,
        link_checks=tally.link_checks, errors=tally.errors, leaks=tally.leaks,
        page_set_params={k: sorted(v) for k, v in tally.page_set_params.items()},
        error_alerts=dict(tally.error_alerts),
        server_tracebacks=log.count("Traceback (most recent call last)"),
        latency={k: summarize(v) | {"kB": statistics.median(sizes[k]) / 1e3 if sizes[k] else 0}
                 for k, v in sorted(groups.items())},
    )


def print_report(r: Report) -> None:
    ms = lambda s: f"{s * 1e3:8.0f}"  # noqa: E731
    print(f"load: {r.sessions} sessions × {r.seconds:g} s, think ≈ {r.think:g} s, "
          + (f"options {r.options}, " if r.options else "")
          + f"pages: {', '.join(p or 'home' for p in r.pages)}")
    print(f"server: health after {r.cold_start_s:.1f} s; first visit per page (warm-up): "
          + ", ".join(f"{p} {t:.2f} s" for p, t in r.warm_up_s.items()))
    print(f"memory (RSS, server + children): start {r.rss_start_mb:.0f} MB, after warm-up "
          f"{r.rss_warm_mb:.0f} MB, peak {r.rss_peak_mb:.0f} MB, end {r.rss_end_mb:.0f} MB")
    print(f"server CPU during the load: {r.server_cpu_s:.0f} s, {r.server_cores_busy:.2f} cores "
          f"busy on average ({os.cpu_count()} on this machine), "
          f"{1e3 * r.server_cpu_s / max(r.runs, 1):.0f} ms CPU per run")
    print(f"runs {r.runs}, interactions {r.interactions}, trainings {r.trainings}, "
          f"share links checked against the session's own state {r.link_checks}")
    print(f"\n{'latency (ms)':<38} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
          f" {'kB sent (median)':>17}")
    for name, s in r.latency.items():
        print(f"{name:<38} {s['n']:>5} {ms(s['p50'])} {ms(s['p95'])} {ms(s['p99'])} "
              f"{ms(s['max'])} {s['kB']:>17.0f}")
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
    print("OK" if r.ok else "FAILED")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help=f"at most {MAX_SESSIONS}")
    ap.add_argument("--seconds", type=float, default=60, help=f"at most {MAX_SECONDS}")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean pause between a session's interactions (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="also write the report here")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="extra `streamlit run` option, e.g. runner.postScriptGC=false")
    a = ap.parse_args(argv)
    options = dict(o.split("=", 1) for o in a.option)
    if any(k.startswith(("server.address", "server.port", "browser.")) for k in options):
        ap.error("the address, port and browser options are fixed (loopback only)")
    report = run_load(sessions=a.sessions, seconds=a.seconds, think=a.think, seed=a.seed,
                      options=options)
    print_report(report)
    if a.json:
        a.json.write_text(json.dumps(asdict(report), indent=1))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
