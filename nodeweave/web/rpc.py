"""The RPC socket of a hub or a worker: one reader, one outbox, one writer task per connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from collections.abc import Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from nodeweave.protocol import Dispatcher, ErrorCode
from nodeweave.protocol.envelope import encode_error
from nodeweave.protocol.outbox import Outbox

log = logging.getLogger("nodeweave.web")

_CLOSE_DRAIN = 0.25  # seconds a closing connection gets to send what is queued
HEARTBEAT = 20.0
"""Seconds between the server's pings; a connection that does not answer one is closed."""


class RpcEndpoint:
    """Serves ``/ws``: requests go to the dispatcher, events to every connection's outbox."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        hello: Callable[[], dict[str, Any]],
        max_frame_bytes: int,
        client_queue: int,
        clients: set[Outbox] | None = None,
        concurrent: bool = False,
    ) -> None:
        """``concurrent``: answer a connection's requests concurrently (their replies may come in
        any order). A hub wants it: one client's slow ``create_worker`` must not hold up its
        ``list_workers``; a worker does not: a client's edits must apply in the order sent."""
        self.dispatcher = dispatcher
        self._hello = hello
        self._max_frame = max_frame_bytes
        self._queue = client_queue
        self.clients: set[Outbox] = clients if clients is not None else set()
        """Every open connection's outbox (may be shared with whoever emits the events)."""
        self._sockets: set[web.WebSocketResponse[bool]] = set()
        self.stopping = False
        self._concurrent = concurrent
        self._requests: set[asyncio.Task[None]] = set()

    def broadcast(self, name: str, data: Any, key: Any = None, *, lag_only: bool = False) -> None:
        for client in self.clients:
            client.event(name, data, key, lag_only=lag_only)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # heartbeat: a peer that vanished without closing (a half-open socket) stops answering
        # pings and is closed, instead of holding its connection forever
        ws = web.WebSocketResponse(
            # frames up to twice the limit are read, so an over-limit one can be answered with
            # payload_too_large before the close; larger ones are cut off by aiohttp (1009)
            max_msg_size=2 * self._max_frame,
            compress=False,
            autoping=True,
            heartbeat=HEARTBEAT,
        )
        await ws.prepare(request)

        async def send(frame: bytes) -> None:
            await ws.send_frame(frame, WSMsgType.TEXT)

        transport = request.transport
        protocol = request.protocol

        async def send_many(frames: list[bytes]) -> None:
            """Several text frames in one write (pipelined replies, a burst of events): one
            system call instead of one a frame. Frames are whole and written on the loop, so they
            never interleave with the ones aiohttp writes itself (pongs, the close)."""
            if transport is None or transport.is_closing() or ws.closed:
                raise ConnectionResetError("the connection is closing")
            transport.write(text_frames(frames))
            if transport.get_write_buffer_size() > _HIGH_WATER:
                await protocol._drain_helper()  # a reader that lags: wait, as aiohttp does

        # ?batch=1: the client reads {"type": "batch", "events": [...]} frames (fewer messages)
        batch = request.query.get("batch") == "1"
        outbox = Outbox(send, max_events=self._queue, batch=batch, send_many=send_many)
        outbox.event("hello", self._hello())
        self._sockets.add(ws)
        self.clients.add(outbox)
        writer = asyncio.create_task(outbox.run(), name="ws-writer")
        handle = self.dispatcher.handle
        close_code = WSCloseCode.OK
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT or msg.type is WSMsgType.BINARY:
                    if self.stopping:
                        break
                    if len(msg.data) > self._max_frame:
                        outbox.reply(self._too_large())  # sent before the close below
                        close_code = WSCloseCode.MESSAGE_TOO_BIG
                        break
                    await outbox.wait_room()
                    if self._concurrent:
                        task = asyncio.create_task(self._answer(outbox, msg.data))
                        self._requests.add(task)
                        task.add_done_callback(self._requests.discard)
                    else:
                        outbox.reply(await handle(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    exc = ws.exception()
                    log.info("connection closed: %s", exc)
                    break
        finally:
            self.clients.discard(outbox)
            outbox.close()
            with contextlib.suppress(TimeoutError):  # wait_for cancels a writer that is stuck
                await asyncio.wait_for(writer, _CLOSE_DRAIN)
            self._sockets.discard(ws)
            await ws.close(code=close_code)
        return ws

    def _too_large(self) -> bytes:
        return encode_error(
            None,
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"a frame may be at most {self._max_frame} bytes",
            {"max_frame_bytes": self._max_frame},
        )

    async def _answer(self, outbox: Outbox, frame: str | bytes) -> None:
        outbox.reply(await self.dispatcher.handle(frame))

    async def close_all(self, reason: str) -> None:
        """Tell every client the server stops, let queued replies go out, then close."""
        self.stopping = True
        self.broadcast("shutting_down", {"reason": reason})
        for task in list(self._requests):
            task.cancel()
        if self._requests:
            await asyncio.gather(*self._requests, return_exceptions=True)
        for outbox in list(self.clients):
            outbox.close()
        sockets = list(self._sockets)
        if sockets:
            await asyncio.gather(
                *(ws.close(code=1001, message=b"server stopping") for ws in sockets),
                return_exceptions=True,
            )


_HIGH_WATER = 1 << 16
"""Bytes a connection's transport may hold unsent before its writer waits for the reader."""


def text_frames(frames: list[bytes]) -> bytes:
    """``frames`` as consecutive WebSocket text frames (RFC 6455: final, unmasked: a server's),
    each message whole in one frame, as aiohttp writes them without compression."""
    out: list[bytes] = []
    for frame in frames:
        n = len(frame)
        if n < 126:
            out.append(bytes((0x81, n)))
        elif n < 65536:
            out.append(struct.pack("!BBH", 0x81, 126, n))
        else:
            out.append(struct.pack("!BBQ", 0x81, 127, n))
        out.append(frame)
    return b"".join(out)
