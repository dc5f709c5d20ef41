"""One connection's outbound queue: replies in order, events numbered, lag absorbed.

A client that reads slowly must never slow the server or other clients, and must still end up
with the latest state. So, per connection:

- replies are never dropped (every request gets exactly one); a reader that has too many replies
  waiting stops reading that client's requests (:meth:`Outbox.wait_room`) — backpressure on the
  one client that causes it;
- events with a *coalescing key* (a node output's value, a node's progress) replace a queued
  event with the same key: the client gets the latest value, not a backlog. Keys marked
  ``lag_only`` coalesce only once the queue is long (a node's status: an attentive client sees
  every transition, a lagging one the latest);
- past ``max_events`` queued events, new events without a key are dropped and the next ``seq``
  skips over them, so the client sees the gap and resyncs.

Transport-agnostic: it is given an async ``send(frame)`` — and, optionally, ``send_many(frames)``
that writes several frames at once: what is queued when the writer wakes (pipelined replies, a
burst of events) then goes out in one write, not a system call a frame. It owns no task (the
caller runs :meth:`Outbox.run` in one it owns).
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import orjson

log = logging.getLogger("nodeweave.protocol")

Send = Callable[[bytes], Awaitable[None]]
SendMany = Callable[[list[bytes]], Awaitable[None]]


class Lazy:
    """Event data computed when (and if) it is sent, once for every connection (e.g. previews)."""

    __slots__ = ("_done", "_make", "_value")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._value: Any = None
        self._done = False

    def get(self) -> Any:
        if not self._done:
            self._value = self._make()
            self._done = True
            self._make = _nothing
        return self._value


def _nothing() -> None:
    return None


# An entry: (frame or None, event name, data, key, slot). Replies carry a ready frame; a gap
# marker (name _GAP, data [count]) stands where events were dropped.
_GAP = "\x00gap"
BATCH_BYTES = 1 << 20
"""A batch frame stops growing past this size (a frame is limited on the receiving side too)."""
_Entry = tuple[bytes | None, str, Any, Hashable, int]


class Outbox:
    def __init__(
        self,
        send: Send,
        *,
        max_events: int = 4096,
        lag_threshold: int = 256,
        max_replies: int = 1024,
        batch: bool = False,
        send_many: SendMany | None = None,
    ) -> None:
        self._send = send
        self._send_many = send_many
        self._batch = batch
        self._queue: collections.deque[_Entry] = collections.deque()
        self._slots: dict[Hashable, int] = {}  # key -> slot of its latest queued event
        self._dead: set[int] = set()  # slots superseded by a later event with the same key
        self._next_slot = 0
        self._events = 0  # live events queued
        self._replies = 0
        self._max_events = max_events
        self._lag = lag_threshold
        self._max_replies = max_replies
        self._seq = 0
        self._gap = 0
        self._wakeup = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._closed = False
        self.dropped = 0
        self.coalesced = 0
        self.sent = 0

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pending(self) -> int:
        return self._events + self._replies

    # --- producers ----------------------------------------------------------------------

    def reply(self, frame: bytes) -> None:
        if self._closed:
            return
        self._queue.append((frame, "", None, None, 0))
        self._replies += 1
        if self._replies >= self._max_replies:
            self._room.clear()
        self._wakeup.set()

    async def wait_room(self) -> None:
        """Return when this client has room for more replies (call before reading a request)."""
        if not self._room.is_set():
            await self._room.wait()

    def event(self, name: str, data: Any, key: Hashable = None, *, lag_only: bool = False) -> None:
        """Queue an event; ``data`` may be a :class:`Lazy`. See the module docstring for keys."""
        if self._closed:
            return
        if key is not None:
            queued = self._slots.get(key)
            if queued is not None and (not lag_only or self._events > self._lag):
                # The queued entry becomes dead (skipped by the writer); this one is appended, so
                # the latest value also keeps its place after the events that preceded it.
                self._dead.add(queued)
                self._events -= 1
                self.coalesced += 1
            elif self._events >= self._max_events:
                self._drop()
                return
            slot = self._next_slot = self._next_slot + 1
            self._slots[key] = slot
        else:
            if self._events >= self._max_events:
                self._drop()
                return
            slot = 0
        self._queue.append((None, name, data, key, slot))
        self._events += 1
        if len(self._queue) > 4 * (self._max_events + self._max_replies):
            self._compact()
        self._wakeup.set()

    def close(self) -> None:
        """Accept nothing more; :meth:`run` returns once what is queued is sent."""
        self._closed = True
        self._wakeup.set()
        self._room.set()

    # --- the writer ---------------------------------------------------------------------

    async def run(self) -> None:
        """Send until closed and drained, or until the transport fails."""
        queue = self._queue  # never replaced, only mutated
        many = self._send_many
        while True:
            while not queue:
                if self._closed:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
            frames: list[bytes] = []
            size = 0
            while queue and size < BATCH_BYTES:
                frame = self._next_frame()
                if frame is not None:
                    frames.append(frame)
                    size += len(frame)
                if many is None:
                    break  # one frame a send
            if not frames:
                continue
            try:
                if many is not None and len(frames) > 1:
                    await many(frames)
                else:
                    for frame in frames:
                        await self._send(frame)
            except (ConnectionError, RuntimeError) as exc:
                # The peer went away (aiohttp raises ConnectionResetError or a RuntimeError on a
                # closing socket); nothing more can be delivered.
                log.debug("connection lost while sending: %s", exc)
                self._closed = True
                self._room.set()
                queue.clear()
                return
            self.sent += len(frames)

    def _next_frame(self) -> bytes | None:
        """The frame of the queue's first entry, taken off it (``None``: nothing to send for
        it — a gap counted, a superseded event, data that is not JSON)."""
        frame, name, data, key, slot = self._queue.popleft()
        if frame is not None:
            self._replies -= 1
            if self._replies < self._max_replies // 2:
                self._room.set()
            return frame
        if name is _GAP:
            self._gap += data[0]
            return None
        if slot:
            if slot in self._dead:
                self._dead.discard(slot)
                return None  # superseded by a later event with the same key
            if self._slots.get(key) == slot:
                del self._slots[key]
        self._events -= 1
        frame = self._encode(name, data)
        if frame is not None and self._batch:
            frame = self._batched(frame)
        return frame

    def _batched(self, first: bytes) -> bytes:
        """``first`` and the events queued right behind it as one frame (up to a size), so that
        a burst — a chain of nodes settling in one tick — reaches the client as one message."""
        frames = [first]
        size = len(first)
        queue = self._queue
        while queue and size < BATCH_BYTES:
            frame, name, data, key, slot = queue[0]
            if frame is not None or name is _GAP:
                break  # replies keep their place; a gap is counted by the next event's seq
            queue.popleft()
            if slot:
                if slot in self._dead:
                    self._dead.discard(slot)
                    continue
                if self._slots.get(key) == slot:
                    del self._slots[key]
            self._events -= 1
            encoded = self._encode(name, data)
            if encoded is not None:
                frames.append(encoded)
                size += len(encoded)
        if len(frames) == 1:
            return first
        self.sent += len(frames) - 1
        return b'{"type":"batch","events":[' + b",".join(frames) + b"]}"

    def _encode(self, name: str, data: Any) -> bytes | None:
        if isinstance(data, Lazy):
            data = data.get()
        seq = self._seq + 1 + self._gap
        try:
            frame = orjson.dumps({"type": "event", "event": name, "seq": seq, "data": data})
        except TypeError:
            log.exception("event %r has data that is not JSON; dropped", name)
            self.dropped += 1
            self._gap += 1
            return None
        self._seq = seq
        self._gap = 0
        return frame

    def _drop(self) -> None:
        """Count a dropped event where it would have been, so ``seq`` skips exactly there."""
        self.dropped += 1
        queue = self._queue
        if queue and queue[-1][1] is _GAP:
            queue[-1][2][0] += 1
        else:
            queue.append((None, _GAP, [1], None, 0))
            self._wakeup.set()

    def _compact(self) -> None:
        live = [e for e in self._queue if e[4] not in self._dead]
        self._queue.clear()  # in place: the writer holds a reference to the deque
        self._queue.extend(live)
        self._dead.clear()
