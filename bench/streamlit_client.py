"""A small Streamlit client that speaks the browser's protocol over /_stcore/stream.

It does what the browser does, minus drawing: asks for a page (``BackMsg.rerun_script``),
reads the ``ForwardMsg`` stream (deltas, query-string updates, fragment auto-reruns,
``script_finished``), remembers the widgets of the last run (their ids carry the user
key: ``$$ID-<hash>-<key>``) and sends changed widget values back. One asyncio task per
session, so twenty sessions cost the load generator little CPU next to the server.

Loopback only: ``Session`` refuses any host but 127.0.0.1 / localhost.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Common_pb2 import StringArray
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

LOOPBACK = ("127.0.0.1", "localhost")
# Widget kinds we know how to change; text fields, editors and uploaders are left alone
# (random text is the fuzz test's job, not the load test's).
CHANGEABLE = ("slider", "number_input", "selectbox", "radio", "checkbox", "button_group",
              "multiselect")
ERROR_ALERT = 1  # Alert.Format.ERROR
#: Our requests go to loopback directly, never through a proxy named in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Widget:
    """One widget of the last run: ``kind`` is the Element oneof name (``slider`` …)."""

    id: str
    key: str
    kind: str
    proto: object
    fragment: str = ""  # the id of the st.fragment drawing it ("" = the page itself)


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float
    status: str  # "ok", "fragment-ok", "compile-error", "early", "timeout", "closed"
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    reruns: int = 0  # st.rerun() calls inside this run
    bytes: int = 0  # size of everything the server sent for this run
    deltas: int = 0  # elements and blocks the server sent for this run

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "fragment-ok") and not self.exceptions


_STATUS = {0: "ok", 1: "compile-error", 2: "early", 3: "fragment-ok"}


def user_key(widget_id: str) -> str | None:
    """The ``key=`` a widget was created with, read from its id (None for keyless ones)."""
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def _texts(element) -> list[str]:
    """Visible text of an element that can carry per-session values."""
    kind = element.WhichOneof("type")
    sub = getattr(element, kind) if kind else None
    if kind == "markdown":
        return [sub.body]
    if kind == "code":
        return [sub.code_text]
    if kind == "alert":
        return [sub.body]
    if kind == "metric":
        return [f"{sub.label} {sub.body}"]
    return []


class Session:
    """One browser tab's worth of protocol on one websocket."""

    def __init__(self, base: str, *, timeout: float = 60.0, query: str = "") -> None:
        host = urlparse(base).hostname
        if host not in LOOPBACK:
            raise ValueError(f"load clients talk to loopback only, not {host!r}")
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.extra_query = query  # kept in every page's URL (a per-session marker)
        self.ws = None
        self.page_hashes: dict[str, str] = {}  # url path -> page_script_hash
        self.page = ""
        self.page_hash = ""
        self.query: list[tuple[str, str]] = []  # the browser's URL query, in order
        self.defaults: dict[str, list[str]] = {}  # bound key -> default, as URL strings
        # Bound settings this session chose, as URL strings ([] = back to the default);
        # a key leaves when the page itself sets that widget (``set_value``).
        self.mine: dict[str, list[str]] = {}
        self._mine_ids: dict[str, str] = {}  # key -> the widget id the choice was made on
        self._fragment_run = False
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}  # what we send back, by widget id
        self.auto_rerun: dict[str, float] = {}  # fragment id -> interval (s)
        self._reader: asyncio.Task | None = None
        self._done: asyncio.Future | None = None
        self._run: Run | None = None
        self.closed_reason = ""
        self.cookies: dict[str, str] = {}  # what the server set, sent back like a browser
        self.session_id = ""  # the server's id of this session (upload URLs carry it)

    # -- connection -------------------------------------------------------------------
    def _fetch_cookies(self) -> None:
        """Load the page and the health check first, as the browser does, keeping cookies.

        Behind deploy/serve.py's nginx the page's answer pins this client to one process
        (a cookie); the health check sets Streamlit's XSRF cookie.
        """
        for path in ("/", "/_stcore/health"):
            req = urllib.request.Request(self.base + path, headers=self.cookie_header())
            with _OPENER.open(req, timeout=self.timeout) as r:
                for line in r.headers.get_all("Set-Cookie") or []:
                    name, _, value = line.split(";", 1)[0].partition("=")
                    self.cookies[name.strip()] = value.strip()

    def cookie_header(self) -> dict[str, str]:
        """``{"Cookie": ...}`` with what the server set so far ({} before any)."""
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if (
            self.cookies) else {}

    async def connect(self) -> None:
        await asyncio.to_thread(self._fetch_cookies)
        url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        # The browser sends subprotocols ["streamlit", xsrf, session]; no Origin header
        # from a program, so the XSRF check does not apply (as for any non-browser client).
        self.ws = await websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
            ping_interval=None, additional_headers=self.cookie_header(), proxy=None,
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                if self._run is not None:
                    self._run.bytes += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except websockets.ConnectionClosed as e:
            self.closed_reason = f"websocket closed: {e}"
        finally:
            if self._done is not None and not self._done.done():
                self._done.set_result("closed")

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            ns = msg.new_session
            if ns.HasField("initialize"):  # carries the id of this server session
                self.session_id = ns.initialize.session_id
            if not self._fragment_run:  # a full run re-registers its fragments' timers
                self.auto_rerun = {}
            self.page_hash = ns.page_script_hash
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
            for p in msg.navigation.app_pages:  # st.navigation's pages (not pages/ discovery)
                self.page_hashes[p.url_pathname] = p.page_script_hash
                if p.is_default:
                    self.page_hashes[""] = p.page_script_hash
        elif kind == "page_info_changed":  # st.query_params written by the page
            self.query = parse_qsl(msg.page_info_changed.query_string, keep_blank_values=True)
        elif kind == "auto_rerun":
            self.auto_rerun[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self.auto_rerun.pop(fid, None)
        elif kind == "page_not_found" and self._run is not None:
            self._run.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "delta":
            if self._run is not None:
                self._run.deltas += 1
            if msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, msg.delta.fragment_id)
            elif msg.delta.WhichOneof("type") == "add_block":
                self._block(msg.delta.add_block, msg.delta.fragment_id)
        elif kind == "script_finished" and self._done is not None and not self._done.done():
            status = _STATUS.get(msg.script_finished, str(msg.script_finished))
            if status == "early":  # st.rerun(): another run follows; wait for it
                self._fragment_run = False
                if self._run is not None:
                    self._run.reruns += 1
                return
            self._done.set_result(status)

    def _element(self, el, fragment: str = "") -> None:
        kind = el.WhichOneof("type")
        if kind is None:
            return
        sub = getattr(el, kind)
        run = self._run
        if run is not None:
            if kind == "exception":
                run.exceptions.append(f"{sub.type}: {sub.message}"[:300])
            elif kind == "alert" and sub.format == ERROR_ALERT:
                run.error_alerts.append(sub.body[:300])
            run.texts += _texts(el)
        wid = getattr(sub, "id", "") if kind not in ("markdown", "code", "alert") else ""
        key = user_key(wid) if isinstance(wid, str) else None
        if key:
            self.widgets[key] = Widget(wid, key, kind, sub, fragment)
            if getattr(sub, "query_param_key", ""):
                self.defaults[key] = default_url_values(kind, sub)
            if getattr(sub, "set_value", False):
                self.mine.pop(key, None)

    def _block(self, block, fragment: str) -> None:
        """A keyed expander or popover with ``on_change="rerun"`` tracks its open state like
        a widget (its id is set only then)."""
        kind = block.WhichOneof("type")
        if kind in ("expandable", "popover"):
            sub = getattr(block, kind)
            key = user_key(sub.id)
            if key:
                self.widgets[key] = Widget(sub.id, key, kind, sub, fragment)

    # -- runs -------------------------------------------------------------------------
    def query_string(self) -> str:
        return urlencode(self.query)

    def _client_state(self, *, fragment_id: str = "", auto: bool = False) -> ClientState:
        query = self.query_string()
        return ClientState(
            query_string=query,
            widget_states=WidgetStates(widgets=list(self.states.values())),
            page_script_hash=self.page_hash or self.page_hashes.get(self.page, ""),
            page_name=self.page,
            fragment_id=fragment_id,
            is_auto_rerun=auto,
            context_info=ContextInfo(
                url=f"{self.base}/{self.page}" + (f"?{query}" if query else ""),
                timezone="UTC", locale="en-US", color_scheme="light"),
        )

    async def _send_and_wait(self, state: ClientState, *, full: bool) -> Run:
        if full:
            self.widgets = {}
        self._fragment_run = not full
        self._run = run = Run(0.0, "")
        self._done = asyncio.get_running_loop().create_future()
        t = time.perf_counter()
        try:
            await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
            status = await asyncio.wait_for(self._done, self.timeout)
        except TimeoutError:
            status = "timeout"
        except websockets.ConnectionClosed:
            status = "closed"
        run.seconds = time.perf_counter() - t
        run.status = status
        self._run = None
        if full or run.reruns:  # the browser forgets widgets that the new run did not draw
            live = {w.id for w in self.widgets.values()}
            self.states = {i: s for i, s in self.states.items() if i in live}
            # A widget gone, or back with a new identity (other range or options), starts
            # from its default again: this session's old choice no longer applies.
            self.mine = {k: v for k, v in self.mine.items() if self._mine_ids.get(k) in live}
        return run

    async def open(self, page: str) -> Run:
        """Go to ``page`` (its URL path; "" = the default page), as a fresh visit does."""
        self.states = {}
        self.auto_rerun = {}
        self.mine = {}
        self.page = page
        self.page_hash = self.page_hashes.get(page, "")
        self.query = parse_qsl(self.extra_query, keep_blank_values=True)
        return await self._send_and_wait(self._client_state(), full=True)

    async def change(self, states: list[WidgetState], *, fragment: str = "") -> Run:
        """Send new widget values (and every value set before) and wait for the rerun: of the
        whole page, or of one st.fragment (``fragment``: its id, as Widget.fragment says, the
        way the browser reruns a fragment whose widget changed).

        Bound widgets also go into the URL the way the browser writes them (repeated keys
        for ranges, defaults left out), so the next run sees the browser's query string.
        """
        for s in states:
            self.states[s.id] = s
            key = user_key(s.id)
            if key in self.defaults:
                vals = url_values(s)
                self.query = [(k, v) for k, v in self.query if k != key]
                if vals != self.defaults[key]:
                    self.query += [(key, v) for v in vals]
                self.mine[key] = vals if vals != self.defaults[key] else []
                self._mine_ids[key] = s.id
        run = await self._send_and_wait(self._client_state(fragment_id=fragment),
                                        full=not fragment)
        for s in states:  # triggers (buttons) fire once, like the browser's
            if s.WhichOneof("value") == "trigger_value":
                self.states.pop(s.id, None)
        return run

    async def tick(self, fragment_id: str) -> Run:
        """One fragment auto-rerun, as the browser's timer sends it."""
        return await self._send_and_wait(
            self._client_state(fragment_id=fragment_id, auto=True), full=False)


# -- picking new values ---------------------------------------------------------------
def _grid(lo: float, hi: float, step: float) -> int:
    return max(0, int(round((hi - lo) / step))) if step > 0 else 0


def new_value(w: Widget, rng: random.Random, *, pick: int | None = None) -> WidgetState | None:
    """A valid new value for ``w`` (``pick`` chooses a grid point: a per-session value).

    Returns None for widgets we leave alone. The value is what the browser would send.
    """
    p = w.proto
    s = WidgetState(id=w.id)
    if getattr(p, "disabled", False):
        return None
    if w.kind == "slider":
        if p.data_type > 1:  # dates and times: not used by this app
            return None
        if p.options:  # select_slider: labels
            n = len(p.options)
            idx = sorted(rng.sample(range(n), min(len(p.default), n)))
            if pick is not None:
                idx = [pick % n] * len(p.default)
            s.string_array_value.CopyFrom(StringArray(data=[p.options[i] for i in idx]))
            return s
        n = _grid(p.min, p.max, p.step)
        pts = sorted(rng.randint(0, n) for _ in p.default)
        if pick is not None:
            pts = [pick % (n + 1)] * len(p.default)
        vals = [p.min + i * p.step for i in pts]
        if p.data_type == 0:
            vals = [float(round(v)) for v in vals]
        s.double_array_value.data.extend(vals)
        return s
    if w.kind == "number_input":
        lo = p.min if p.has_min else p.default - 10 * (p.step or 1)
        hi = p.max if p.has_max else p.default + 10 * (p.step or 1)
        step = p.step or 1
        n = _grid(lo, hi, step)
        v = lo + (pick % (n + 1) if pick is not None else rng.randint(0, n)) * step
        if p.data_type == 0:  # INT
            s.int_value = int(round(v))
        else:
            s.double_value = v
        return s
    if w.kind in ("selectbox", "radio"):
        if not p.options:
            return None
        s.string_value = p.options[pick % len(p.options) if pick is not None
                                   else rng.randrange(len(p.options))]
        return s
    if w.kind == "checkbox":
        s.bool_value = rng.random() < 0.5 if pick is None else bool(pick % 2)
        return s
    if w.kind == "button_group":
        opts = [o.content for o in p.options]
        if not opts:
            return None
        s.string_array_value.CopyFrom(StringArray(data=[rng.choice(opts)]))
        return s
    if w.kind == "multiselect":
        opts = list(p.options)
        k = rng.randint(1, max(1, min(3, len(opts))))
        s.string_array_value.CopyFrom(StringArray(data=rng.sample(opts, k) if opts else []))
        return s
    return None


def click(w: Widget) -> WidgetState:
    """A button press."""
    return WidgetState(id=w.id, trigger_value=True)


def js_num(v: float) -> str:
    """A number as JavaScript's String() writes it (3.0 -> "3")."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def url_values(s: WidgetState) -> list[str]:
    """The values a widget state puts in the URL, as the browser writes them."""
    kind = s.WhichOneof("value")
    if kind == "double_array_value":
        return [js_num(v) for v in s.double_array_value.data]
    if kind == "string_array_value":
        return [v for v in s.string_array_value.data if v != ""]
    if kind == "bool_value":
        return [str(s.bool_value).lower()]
    if kind == "int_value":
        return [str(s.int_value)]
    if kind == "double_value":
        return [js_num(s.double_value)]
    if kind == "string_value":
        return [s.string_value]
    return []


def default_url_values(kind: str, p) -> list[str]:
    """A bound widget's default, as the browser writes it into the URL."""
    if kind == "slider":
        return [p.options[int(i)] for i in p.default] if p.options else [
            js_num(v) for v in p.default]
    if kind == "number_input":
        return [js_num(p.default)] if p.HasField("default") else []
    if kind in ("selectbox", "radio"):
        return [p.options[p.default]] if p.HasField("default") and p.options else []
    if kind == "checkbox":
        return [str(p.default).lower()]
    if kind == "button_group":
        return [p.options[i].content for i in p.default]
    if kind == "multiselect":
        return [p.options[i] for i in p.default]
    if kind in ("text_input", "text_area"):
        return [p.default] if p.default else []
    return []


def same(a: list[str], b: list[str]) -> bool:
    """URL values equal, numbers compared as numbers ("3" == "3.0")."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        try:
            if abs(float(x) - float(y)) > 1e-9 * max(1.0, abs(float(x))):
                return False
        except ValueError:
            if x.strip().lower() != y.strip().lower():
                return False
    return True
