"""A small asyncio client for the nodeweave WebSocket RPC (hub or worker).

    async with await Client.connect("ws://127.0.0.1:PORT/ws", token) as client:
        node = await client.call("add_node", node_id="numbers.add")
        event = await client.next_event("value")

Requests may be pipelined (``call`` from several tasks, or :meth:`Client.send` many and gather
the futures). Events are kept in order in :attr:`Client.events` (an asyncio queue) with gap
detection (:attr:`Client.gaps`). The client asks for batch frames (``?batch=1``: the events of
one burst in one message, each still with its ``seq``) unless told ``batch=False``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import urllib.parse
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar

import aiohttp
import orjson


class RpcError(Exception):
    """An ``error`` reply: ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}


FrameCheck = Callable[[dict[str, Any], str | None, dict[str, Any] | None], str | None]
"""``(frame, command of a result or None, the connection's hello data) -> problem or None``."""


class Client:
    frame_check: ClassVar[FrameCheck | None] = None
    """Checks every frame received (protocol tests set it): a problem with a result fails its
    call with ``AssertionError``; a problem with an event is kept in :attr:`problems`."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._session = session
        self._ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[Any, asyncio.Future[Any]] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.last_seq = 0
        self.gaps = 0
        self.unmatched: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.hello: dict[str, Any] | None = None
        """The data of the connection's hello event, once received."""
        self.problems: list[str] = []
        """What :attr:`frame_check` found wrong with events."""
        self.batches = 0
        """Batch frames received (several events in one message)."""
        self._commands: dict[int, str] = {}
        """Replies whose id matches no request of ours (e.g. errors for malformed frames)."""
        self._reader = asyncio.create_task(self._read(), name="nodeweave-client-reader")

    @classmethod
    async def connect(
        cls,
        url: str,
        token: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        max_msg_size: int = 64 * 2**20,
        batch: bool = True,
    ) -> Client:
        if batch:
            parts = urllib.parse.urlsplit(url)
            query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if not any(k == "batch" for k, _ in query):
                query.append(("batch", "1"))
            url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        session = aiohttp.ClientSession()
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        try:
            ws = await session.ws_connect(
                url, headers=hdrs, max_msg_size=max_msg_size, compress=0, autoping=True
            )
        except BaseException:
            await session.close()
            raise
        return cls(session, ws)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._ws.closed

    async def send(self, cmd: str, /, **kwargs: Any) -> asyncio.Future[Any]:
        """Send a request; the returned future resolves to its result (or raises RpcError).

        Awaiting only the send lets a caller pipeline many requests before any reply.
        """
        rid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        self._commands[rid] = cmd
        frame = orjson.dumps({"type": "cmd", "id": rid, "cmd": cmd, "kwargs": kwargs})
        try:
            await self._ws.send_str(frame.decode())
        except BaseException:
            self._pending.pop(rid, None)
            self._commands.pop(rid, None)
            raise
        return fut

    async def call(self, cmd: str, /, **kwargs: Any) -> Any:
        return await (await self.send(cmd, **kwargs))

    async def send_raw(self, frame: str | bytes) -> None:
        """Send a frame as it is (for tests of malformed input)."""
        if isinstance(frame, bytes):
            await self._ws.send_bytes(frame)
        else:
            await self._ws.send_str(frame)

    async def next_event(
        self,
        name: str | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
        wait: float = 10.0,
    ) -> dict[str, Any]:
        """The next event (named ``name``, matching ``where``) within ``wait`` seconds; others
        before it are skipped."""
        async with asyncio.timeout(wait):
            while True:
                msg = await self.events.get()
                if (name is None or msg["event"] == name) and (where is None or where(msg["data"])):
                    return msg

    def drain_events(self) -> list[dict[str, Any]]:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    @property
    def close_code(self) -> int | None:
        return self._ws.close_code

    async def wait_closed(self) -> None:
        """Return when the server has closed the connection."""
        await asyncio.shield(self._reader)

    async def close(self) -> None:
        await self._ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self._session.close()

    async def _read(self) -> None:
        try:
            async for msg in self._ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    continue
                data = orjson.loads(msg.data)
                kind = data.get("type")
                if kind == "batch":  # a burst of events in one message, in order
                    self.batches += 1
                    for event in data.get("events") or ():
                        self._event(event)
                    continue
                cmd = self._commands.pop(data.get("id"), None) if kind != "event" else None
                problem = self._check(data, cmd)
                if kind == "event":
                    if problem is not None:
                        self.problems.append(problem)
                    self._seen(data)
                    continue
                fut = self._pending.pop(data.get("id"), None)
                if fut is None:
                    self.unmatched.put_nowait(data)
                elif fut.done():
                    continue
                elif problem is not None:
                    fut.set_exception(AssertionError(problem))
                elif kind == "result":
                    fut.set_result(data.get("result"))
                else:
                    err = data.get("error") or {}
                    fut.set_exception(
                        RpcError(err.get("code", "?"), err.get("message", ""), err.get("details"))
                    )
        finally:
            closed = ConnectionError("the connection closed before the reply")
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(closed)
            self._pending.clear()
            self._commands.clear()

    def _event(self, data: dict[str, Any]) -> None:
        problem = self._check(data, None)
        if problem is not None:
            self.problems.append(problem)
        self._seen(data)

    def _seen(self, data: dict[str, Any]) -> None:
        seq = data.get("seq", 0)
        if seq != self.last_seq + 1:
            self.gaps += 1
        self.last_seq = seq
        self.events.put_nowait(data)

    def _check(self, data: dict[str, Any], cmd: str | None) -> str | None:
        if data.get("event") == "hello" and data.get("type") == "event":
            hello = data.get("data")
            self.hello = hello if isinstance(hello, dict) else None
        check = type(self).frame_check
        return None if check is None else check(data, cmd, self.hello)
