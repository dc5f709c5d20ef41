"""A slow client gets the latest values, never a backlog, and never holds up a fast one."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp.test_utils import TestClient

from nodeweave.client import Client
from nodeweave.worker.app import WORKER_KEY, create_app

from .worker_helpers import TOKEN, config

CHANGES = 200
BASE = 60_000  # characters: each value event is a ~60 kB preview


async def test_a_slow_client_does_not_delay_a_fast_one(aiohttp_client: Any, tmp_path: Path) -> None:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(config(tmp_path)))
    url = str(http.make_url("/ws"))
    session = aiohttp.ClientSession()
    # The slow client: connects and then does not read, so its socket buffers fill up.
    slow = await session.ws_connect(url, headers={"Authorization": f"Bearer {TOKEN}"})
    fast = await Client.connect(url, TOKEN)
    try:
        node = (await fast.call("add_node", node_id="t.text", inputs={"n": BASE}))["uuid"]
        await fast.next_event("value", lambda d: d["uuid"] == node)
        for i in range(1, CHANGES + 1):
            await fast.call("set_input", uuid=node, io="n", value=BASE + i)
            # The fast client sees every value promptly, whatever the slow one does.
            event = await fast.next_event("value", lambda d: d["uuid"] == node, wait=5)
            assert event["data"]["preview"]["length"] == BASE + i
        worker = http.app[WORKER_KEY]
        assert sum(o.coalesced for o in worker.clients) > 0  # the slow client's queue coalesced

        # Now the slow client reads: it gets far fewer value events, the last one the latest.
        lengths: list[int] = []
        seqs: list[int] = []
        async with asyncio.timeout(20):
            while not lengths or lengths[-1] != BASE + CHANGES:
                msg = await slow.receive()
                data = orjson.loads(msg.data)
                if data.get("type") == "event":
                    seqs.append(data["seq"])
                    if data["event"] == "value" and data["data"]["uuid"] == node:
                        lengths.append(data["data"]["preview"]["length"])
        assert lengths[-1] == BASE + CHANGES
        assert len(lengths) < CHANGES
        assert lengths == sorted(lengths)  # never an older value after a newer one
        assert seqs == list(range(1, len(seqs) + 1))  # coalescing leaves no seq gaps
    finally:
        await fast.close()
        await slow.close()
        await session.close()


async def test_the_client_reads_batch_frames_and_a_client_that_asks_none_gets_none(
    http: Any,
) -> None:
    url = str(http.make_url("/ws"))
    batching = await Client.connect(url, TOKEN)
    plain = await Client.connect(url, TOKEN, batch=False)
    try:
        await batching.next_event("hello")
        await plain.next_event("hello")
        edits = [
            {"cmd": "add_node", "kwargs": {"node_id": "numbers.add", "inputs": {"a": i, "b": 1}}}
            for i in range(30)
        ]
        await batching.call("apply_edits", label="thirty", edits=edits)
        for client in (batching, plain):
            async with asyncio.timeout(10):
                done = 0
                while done < 30:  # every node's value arrives, in order, without a gap
                    event = await client.next_event("value")
                    done += event["data"]["io"] == "out"
        assert batching.batches >= 1 and batching.gaps == 0
        assert plain.batches == 0 and plain.gaps == 0
        assert batching.last_seq == plain.last_seq  # the same events, numbered alike
    finally:
        await batching.close()
        await plain.close()


def test_text_frames_are_rfc6455_server_frames_at_every_length() -> None:
    import struct

    from nodeweave.web.rpc import text_frames

    payloads = [b"x" * n for n in (0, 1, 125, 126, 127, 65535, 65536, 70000)]
    data = text_frames(payloads)
    at, seen = 0, []
    while at < len(data):
        first, second = data[at], data[at + 1]
        assert first == 0x81 and not second & 0x80  # final text frame, unmasked
        n, at = second & 0x7F, at + 2
        if n == 126:
            (n,) = struct.unpack_from("!H", data, at)
            at += 2
        elif n == 127:
            (n,) = struct.unpack_from("!Q", data, at)
            at += 8
        seen.append(data[at : at + n])
        at += n
    assert seen == payloads


async def test_pipelined_replies_of_every_size_arrive_whole_and_in_order(http: Any) -> None:
    """Replies queued together go out in one write: small and large (get_library is over
    64 KB) frames interleaved, each whole, each matched to its request."""
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        await client.next_event("hello")
        futures = [await client.send("get_library" if i % 25 == 0 else "ping") for i in range(500)]
        results = await asyncio.gather(*futures)
        for i, result in enumerate(results):
            if i % 25 == 0:
                assert len(orjson.dumps(result)) > 65536 and result["shelves"]
            else:
                assert result == {"pong": True}
