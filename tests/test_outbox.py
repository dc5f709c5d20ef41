"""The per-connection outbox: order, coalescing, drops with seq gaps, backpressure."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from nodeweave.protocol.outbox import Lazy, Outbox


class Sink:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.blocked = asyncio.Event()
        """Set while a send waits for the gate (the peer does not read)."""
        self._arrived = asyncio.Condition()

    async def send(self, frame: bytes) -> None:
        if not self.gate.is_set():
            self.blocked.set()
        await self.gate.wait()
        self.blocked.clear()
        self.frames.append(orjson.loads(frame))
        async with self._arrived:
            self._arrived.notify_all()

    async def received(self, count: int) -> None:
        """Return once ``count`` frames have arrived."""
        async with asyncio.timeout(5), self._arrived:
            await self._arrived.wait_for(lambda: len(self.frames) >= count)

    def events(self) -> list[tuple[str, Any]]:
        return [(f["event"], f["data"]) for f in self.frames if f["type"] == "event"]


async def drain(box: Outbox) -> None:
    box.close()
    await asyncio.wait_for(box.run(), 5)


async def test_events_are_numbered_from_1_in_order() -> None:
    sink = Sink()
    box = Outbox(sink.send)
    for i in range(5):
        box.event("e", {"i": i})
    await drain(box)
    assert [f["seq"] for f in sink.frames] == [1, 2, 3, 4, 5]
    assert [d["i"] for _, d in sink.events()] == [0, 1, 2, 3, 4]


async def test_keyed_events_coalesce_to_the_latest_at_the_latest_place() -> None:
    sink = Sink()
    box = Outbox(sink.send)
    box.event("value", {"v": 1}, ("v", "a"))
    box.event("status", {"s": "running"})
    box.event("value", {"v": 2}, ("v", "a"))
    box.event("value", {"w": 1}, ("v", "b"))
    await drain(box)
    assert sink.events() == [("status", {"s": "running"}), ("value", {"v": 2}), ("value", {"w": 1})]
    assert [f["seq"] for f in sink.frames] == [1, 2, 3]
    assert box.coalesced == 1


async def test_lag_only_keys_coalesce_only_when_the_queue_is_long() -> None:
    sink = Sink()
    box = Outbox(sink.send, lag_threshold=3)
    box.event("status", "stale", "s", lag_only=True)
    box.event("status", "running", "s", lag_only=True)
    box.event("status", "done", "s", lag_only=True)
    box.event("other", 1)
    box.event("status", "stale", "s", lag_only=True)  # 4 queued > 3: coalesces
    await drain(box)
    assert [d for n, d in sink.events() if n == "status"] == ["stale", "running", "stale"]


async def test_overflow_drops_events_and_the_next_seq_shows_the_gap() -> None:
    sink = Sink()
    box = Outbox(sink.send, max_events=3)
    for i in range(5):
        box.event("e", i)
    box.reply(b'{"type": "result", "id": 1, "result": null}')
    await asyncio.sleep(0)
    await drain(box)
    assert box.dropped == 2
    seqs = [f["seq"] for f in sink.frames if f["type"] == "event"]
    assert seqs == [1, 2, 3]  # the dropped ones came after these
    box2 = Outbox(sink.send, max_events=2)
    sink.frames.clear()
    box2.event("e", 0)
    box2.event("e", 1)
    box2.event("e", 2)  # dropped
    task = asyncio.create_task(box2.run())
    await sink.received(2)
    box2.event("e", 3)
    await drain_task(box2, task)
    assert [f["seq"] for f in sink.frames] == [1, 2, 4]  # the gap tells the client to resync


async def drain_task(box: Outbox, task: asyncio.Task[None]) -> None:
    box.close()
    await asyncio.wait_for(task, 5)


async def test_replies_are_never_dropped_and_keep_their_order() -> None:
    sink = Sink()
    box = Outbox(sink.send, max_events=1, max_replies=4)
    for i in range(10):
        box.reply(orjson.dumps({"type": "result", "id": i, "result": None}))
        box.event("e", i)
    await drain(box)
    assert [f["id"] for f in sink.frames if f["type"] == "result"] == list(range(10))


async def test_a_reader_waits_while_too_many_replies_are_queued() -> None:
    sink = Sink()
    sink.gate.clear()  # the peer does not read
    box = Outbox(sink.send, max_replies=4)
    writer = asyncio.create_task(box.run())
    for i in range(5):
        box.reply(orjson.dumps({"type": "result", "id": i, "result": None}))
    waiter = asyncio.create_task(box.wait_room())
    async with asyncio.timeout(5):
        await sink.blocked.wait()  # the writer is stuck on the first reply: no room can come
    await asyncio.sleep(0)
    assert not waiter.done()
    sink.gate.set()
    await asyncio.wait_for(waiter, 5)
    await drain_task(box, writer)
    assert len(sink.frames) == 5


async def test_lazy_data_is_computed_once_for_all_connections() -> None:
    calls: list[int] = []

    def make() -> dict[str, int]:
        calls.append(1)
        return {"x": 1}

    lazy = Lazy(make)
    sinks = [Sink(), Sink()]
    boxes = [Outbox(s.send) for s in sinks]
    for box in boxes:
        box.event("value", lazy, "k")
    for box in boxes:
        await drain(box)
    assert calls == [1]
    assert all(s.events() == [("value", {"x": 1})] for s in sinks)


async def test_a_superseded_lazy_value_is_never_computed() -> None:
    calls: list[str] = []
    sink = Sink()
    box = Outbox(sink.send)
    box.event("value", Lazy(lambda: calls.append("old")), "k")
    box.event("value", Lazy(lambda: calls.append("new") or "new"), "k")
    await drain(box)
    assert calls == ["new"]


async def test_a_broken_connection_ends_the_writer() -> None:
    async def send(frame: bytes) -> None:
        raise ConnectionResetError("gone")

    box = Outbox(send)
    box.event("e", 1)
    await asyncio.wait_for(box.run(), 5)
    assert box.closed
    box.event("e", 2)  # ignored, no error


def unbatched(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in frames:
        out += f["events"] if f["type"] == "batch" else [f]
    return out


async def test_batching_sends_queued_events_as_one_frame_in_order() -> None:
    sink = Sink()
    box = Outbox(sink.send, batch=True)
    box.event("value", {"v": 1}, ("v", "a"))
    box.event("status", {"s": "done"})
    box.event("value", {"v": 2}, ("v", "a"))  # coalesced, as without batching
    box.event("e", 3)
    await drain(box)
    assert [f["type"] for f in sink.frames] == ["batch"]
    events = unbatched(sink.frames)
    assert [(e["event"], e["data"]) for e in events] == [
        ("status", {"s": "done"}),
        ("value", {"v": 2}),
        ("e", 3),
    ]
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert box.sent == 3


async def test_batching_keeps_replies_in_place_and_alone() -> None:
    sink = Sink()
    box = Outbox(sink.send, batch=True)
    box.event("e", 1)
    box.event("e", 2)
    box.reply(b'{"type": "result", "id": 7, "result": null}')
    box.event("e", 3)
    await drain(box)
    assert [f["type"] for f in sink.frames] == ["batch", "result", "event"]
    assert [e["data"] for e in unbatched(sink.frames) if e["type"] == "event"] == [1, 2, 3]


async def test_a_lone_event_is_not_wrapped_and_without_batch_nothing_is() -> None:
    for batch in (True, False):
        sink = Sink()
        box = Outbox(sink.send, batch=batch)
        box.event("e", 1)
        task = asyncio.create_task(box.run())
        await sink.received(1)
        box.event("e", 2)
        box.event("e", 3)
        await drain_task(box, task)
        kinds = [f["type"] for f in sink.frames]
        assert kinds == (["event", "batch"] if batch else ["event"] * 3)


async def test_what_is_queued_together_goes_out_in_one_write_in_order() -> None:
    sink = Sink()
    writes: list[int] = []

    async def send_many(frames: list[bytes]) -> None:
        writes.append(len(frames))
        for frame in frames:
            await sink.send(frame)

    box = Outbox(sink.send, send_many=send_many)
    for i in range(5):
        box.reply(orjson.dumps({"type": "result", "id": i, "result": i}))
    box.event("value", {"v": 1}, ("v", "a"))
    box.event("value", {"v": 2}, ("v", "a"))  # coalesced, as before
    box.reply(orjson.dumps({"type": "result", "id": 5, "result": 5}))
    await drain(box)
    assert writes == [7]  # five replies, the latest value, one more reply: one write
    assert [f.get("id", f.get("data")) for f in sink.frames] == [0, 1, 2, 3, 4, {"v": 2}, 5]
    assert box.sent == 7


async def test_a_failed_write_of_many_closes_the_outbox() -> None:
    async def send(frame: bytes) -> None:
        return None

    async def broken(frames: list[bytes]) -> None:
        raise ConnectionResetError("gone")

    box = Outbox(send, send_many=broken)
    box.reply(b"{}")
    box.reply(b"{}")
    await asyncio.wait_for(box.run(), 5)
    assert box.closed
