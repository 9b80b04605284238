"""A virtual student: one Streamlit session driven over the websocket protocol, no browser.

What the frontend does, and so does a ``Student``: ``GET /_stcore/health`` (it sets the
``_streamlit_xsrf`` cookie); a websocket to ``/_stcore/stream`` with the subprotocols
``["streamlit", <that cookie>]``, the cookie and an Origin header; the first rerun names
the page by ``page_name`` with the link's query string, later ones carry the page hash the
server's ``navigation`` message gave and the query string the server last wrote
(``page_info_changed``); every widget's state, kept from the elements the server sent
(their defaults, or values the server set) and changed by a move, goes with every rerun;
a move of a widget drawn inside an ``st.fragment`` carries that fragment's id; an
``auto_rerun`` message starts a timer that reruns its fragment (``is_auto_rerun``) until
``stop_auto_rerun``; messages the server marks cacheable are kept by hash, listed in
``cached_message_hashes``, and a ``ref_hash`` reply is read from that cache.

What it does not do: render anything, run a component's JavaScript (so a components-v2
element never sends a value: hover, pin and play are the browser's), upload files, or
keep a widget's value the way a browser would when its label or options change (a
widget is known by its id). Widgets it can move: slider, number input, select box,
radio, checkbox and toggle, button.

A move is *answered* when a run that started after the move was sent finishes
successfully (a ``new_session`` whose ``metadata.run`` is that run arrives after the
move, then its ``script_finished``); a run finished early for a rerun is *thrown away*.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

BUSY = "The server is busy"
"""How ConvLab's pages begin the notice they give when a class outruns the server."""
WIDGETS = ("slider", "number_input", "selectbox", "radio", "checkbox", "button")
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# Text a student reads on a page: the elements whose words the checks look at.
TEXT = {
    "markdown": "body",
    "heading": "body",
    "alert": "body",
    "text": "body",
    "toast": "body",
}


@dataclass
class Widget:
    """One widget as the frontend keeps it: its kind, its proto and its current value."""

    kind: str
    proto: object
    fragment: str
    value: object
    main: bool = True
    """In the page's main area (not the sidebar)."""

    def state(self) -> WidgetState | None:
        """The WidgetState the frontend sends for it, or None for a button not pressed."""
        s = WidgetState(id=self.proto.id)
        if self.kind == "slider" and len(self.proto.options):  # a select slider: its labels
            s.string_array_value.data.extend(self.proto.options[int(k)] for k in self.value)
        elif self.kind == "slider":
            s.double_array_value.data.extend(self.value)
        elif self.kind == "number_input":
            if self.value is None:
                return None
            s.double_value = float(self.value)
        elif self.kind in ("selectbox", "radio"):
            if self.value is None:
                return None
            s.string_value = self.value
        elif self.kind == "checkbox":
            s.bool_value = bool(self.value)
        elif self.kind == "button":
            if not self.value:
                return None
            s.trigger_value = True
        return s

    def stepped(self, step: int) -> object:
        """The value one step away (a slider's arrow key, the next option, a flip)."""
        p = self.proto
        if self.kind == "slider":
            size, low, high = (
                (1, 0, len(p.options) - 1) if len(p.options) else (p.step, p.min, p.max)
            )
            values = [v + step * size for v in self.value]
            if not all(low <= v <= high for v in values):  # at an end: step back instead
                values = [v - step * size for v in self.value]
            return values
        if self.kind == "number_input":
            v = self.value + step * (p.step or 1)
            if (p.has_min and v < p.min) or (p.has_max and v > p.max):
                v = self.value - step * (p.step or 1)
            return v
        if self.kind in ("selectbox", "radio"):
            options = list(p.options)
            k = options.index(self.value) if self.value in options else 0
            return options[(k + step) % len(options)]
        if self.kind == "checkbox":
            return not self.value
        return True


def _initial(kind: str, proto) -> object:
    """A widget's value as the frontend first holds it."""
    if kind == "slider":
        return list(proto.value if proto.set_value else proto.default)
    if kind == "number_input":
        if proto.set_value and proto.HasField("value"):
            return proto.value
        return proto.default if proto.HasField("default") else None
    if kind in ("selectbox", "radio"):
        if proto.set_value and proto.HasField("raw_value"):
            return proto.raw_value
        if len(proto.options) and proto.HasField("default"):
            return proto.options[proto.default]
        return None
    if kind == "checkbox":
        return proto.value if proto.set_value else proto.default
    return False


@dataclass
class Move:
    """One committed change: when it was sent and, once answered, when."""

    sent: float
    answered: float | None = None
    bytes: int = 0

    @property
    def latency(self) -> float | None:
        return None if self.answered is None else self.answered - self.sent


@dataclass
class Student:
    """One virtual student on one page of a ConvLab (or any Streamlit) server."""

    base: str
    page: str = ""
    query: str = ""
    widgets: dict[str, Widget] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    texts: dict[tuple, str] = field(default_factory=dict)
    moves: list[Move] = field(default_factory=list)
    thrown_away: int = 0
    busy_seen: int = 0
    runs: int = 0
    bytes_in: int = 0
    errors: list[str] = field(default_factory=list)
    opened: float | None = None
    open_sent: float = 0.0

    def __post_init__(self) -> None:
        self._ws = None
        self._page_hash = ""
        self._cache: dict[str, ForwardMsg] = {}
        self._runs_after: dict[str, float] = {}  # run id → when its new_session arrived
        self._timers: dict[str, asyncio.Task] = {}
        self._reader: asyncio.Task | None = None
        self._written: set[tuple] = set()
        self._fragment_run: bool = False
        self._finished = asyncio.Event()

    # -- connecting -------------------------------------------------------------------
    async def connect(self) -> None:
        """The health request (for the XSRF cookie), then the websocket."""
        cookie = await asyncio.to_thread(self._health_cookie)
        parts = urlsplit(self.base)
        token = cookie.get("_streamlit_xsrf")
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if cookie:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookie.items())
        ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self._ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit", token] if token else ["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read())

    def _health_cookie(self) -> dict[str, str]:
        with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=60) as resp:
            cookie = SimpleCookie()
            for header in resp.headers.get_all("Set-Cookie") or []:
                cookie.load(header)
            return {k: m.value for k, m in cookie.items()}

    async def open(self, page: str, query: str = "") -> None:
        """Connect and run ``page`` (its URL path, e.g. ``"padding"``) with a link's query."""
        self.page, self.query = page, query
        await self.connect()
        self.open_sent = time.monotonic()
        await self._send(ClientState(page_name=page, query_string=query))
        await self.settled()
        self.opened = time.monotonic()

    async def close(self) -> None:
        for task in self._timers.values():
            task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()

    # -- moving -----------------------------------------------------------------------
    def first_control(self) -> Widget:
        """The page's first slider, else its first control (in the main area; no buttons)."""
        movable = [self.widgets[i] for i in self.order if i in self.widgets]
        movable = [w for w in movable if w.main]
        for kinds in (("slider",), ("number_input", "selectbox", "radio", "checkbox")):
            for w in movable:
                if w.kind in kinds:
                    return w
        raise LookupError(f"no control on page {self.page!r}")

    async def move(self, widget: Widget | None = None, step: int | None = None) -> Move:
        """Commit one change of ``widget`` (default: the first control), one step up or down.

        Returns at once: the move is answered in the background (see ``settled``).
        """
        w = widget or self.first_control()
        if step is None:
            step = random.choice((-1, 1))
        w.value = w.stepped(step)
        move = Move(sent=time.monotonic())
        self.moves.append(move)
        self._finished.clear()
        await self._send(self._client_state(fragment=w.fragment))
        if w.kind == "button":
            w.value = False
        return move

    async def settled(self, timeout: float = 120) -> None:
        """Wait until every move sent so far (and the opening run) is answered."""
        deadline = time.monotonic() + timeout
        while not self._all_answered():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.page}: a run did not finish within {timeout} s")
            self._finished.clear()
            try:
                await asyncio.wait_for(self._finished.wait(), left)
            except TimeoutError:
                continue

    def _all_answered(self) -> bool:
        if self.moves:
            return all(m.answered is not None for m in self.moves)
        return self.runs > 0

    def _client_state(self, fragment: str = "", auto: bool = False) -> ClientState:
        state = ClientState(
            page_script_hash=self._page_hash,
            page_name="" if self._page_hash else self.page,
            query_string=self.query,
            fragment_id=fragment,
            is_auto_rerun=auto,
        )
        state.cached_message_hashes.extend(self._cache)
        for w in self.widgets.values():
            s = w.state()
            if s is not None:
                state.widget_states.widgets.append(s)
        return state

    async def _send(self, state: ClientState) -> None:
        await self._ws.send(BackMsg(rerun_script=state).SerializeToString())

    # -- reading ------------------------------------------------------------------------
    def text(self) -> str:
        """Every word the page shows now, element by element, in page order."""
        return "\n".join(self.texts[k] for k in sorted(self.texts))

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self.bytes_in += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                if msg.WhichOneof("type") == "ref_hash":
                    cached = self._cache.get(msg.ref_hash)
                    if cached is None:
                        self.errors.append(f"unknown ref_hash {msg.ref_hash}")
                        continue
                    metadata = msg.metadata
                    msg = ForwardMsg()
                    msg.CopyFrom(cached)
                    msg.metadata.CopyFrom(metadata)
                elif msg.metadata.cacheable:
                    self._cache[msg.hash] = msg
                self._handle(msg, len(raw))
        except websockets.ConnectionClosed as e:
            if e.rcvd is None or e.rcvd.code != 1000:
                self.errors.append(f"websocket closed: {e}")
        except asyncio.CancelledError:
            pass

    def _handle(self, msg: ForwardMsg, size: int) -> None:
        now = time.monotonic()
        for m in self.moves:
            if m.answered is None:
                m.bytes += size
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._runs_after[msg.metadata.run.script_run_id] = now
            self._fragment_run = bool(msg.metadata.run.fragment_ids)
            if not self._fragment_run:
                self._written = set()
        elif kind == "navigation":
            self._page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            self._delta(msg)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for task in self._timers.values():
                task.cancel()
            self._timers.clear()
        elif kind == "script_finished":
            self._finish(msg, now)

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        self._written.add(path)
        kind = delta.WhichOneof("type")
        if kind == "new_transient":  # toasts and the like: read, never kept on the page
            for element in delta.new_transient.elements:
                which = element.WhichOneof("type")
                if which in TEXT:
                    self.busy_seen += BUSY in getattr(getattr(element, which), TEXT[which])
            return
        if kind != "new_element":
            return
        element = delta.new_element
        which = element.WhichOneof("type")
        if which in TEXT:
            self.texts[path] = getattr(getattr(element, which), TEXT[which])
            self.busy_seen += BUSY in self.texts[path]
        elif which == "exception":
            self.errors.append(f"exception on {self.page}: {element.exception.message}")
            self.texts[path] = element.exception.message
        else:
            self.texts.pop(path, None)
        if which in WIDGETS:
            proto = getattr(element, which)
            known = self.widgets.get(proto.id)
            if known is None:
                self.order.append(proto.id)
                self.widgets[proto.id] = Widget(
                    which, proto, delta.fragment_id, _initial(which, proto), path[0] == 0
                )
            else:  # the same widget, drawn again: the value is the student's, unless set
                known.proto, known.fragment = proto, delta.fragment_id
                if getattr(proto, "set_value", False):
                    known.value = _initial(which, proto)

    def _finish(self, msg: ForwardMsg, now: float) -> None:
        status = msg.script_finished
        run = msg.metadata.run.script_run_id
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.thrown_away += 1
            return
        if status not in DONE:
            self.errors.append(f"{self.page}: run finished with {status}")
        self.runs += 1
        started = self._runs_after.pop(run, None)
        if status == ForwardMsg.FINISHED_SUCCESSFULLY:
            # A full run's elements not written in it are gone from the page.
            for path in [p for p in self.texts if p not in self._written]:
                del self.texts[path]
        if started is not None:
            for m in self.moves:
                if m.answered is None and m.sent <= started:
                    m.answered = now
        self._finished.set()

    def _start_timer(self, fragment: str, interval: float) -> None:
        old = self._timers.pop(fragment, None)
        if old is not None:
            old.cancel()

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._send(self._client_state(fragment=fragment, auto=True))

        self._timers[fragment] = asyncio.create_task(tick())
