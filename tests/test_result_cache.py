"""The result cache on disk: a restarted graph gets its values back without running its nodes;
code changes, input changes, triggers and changed files invalidate; values that cannot be named
exactly are never served; entries survive crashes and the folder keeps to its cap."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nodeweave import NodeSpace, Shelf, node
from nodeweave.core import scheduler
from nodeweave.core.cachekeys import code_digest, value_digest
from nodeweave.core.events import CacheHit
from nodeweave.core.spec import spec_of
from nodeweave.worker.resultcache import ResultCache

from .helpers import Recorder

RUNS: Counter[str] = Counter()
CACHES: list[ResultCache] = []


@pytest.fixture(autouse=True)
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(scheduler, "MEMO_MIN_SECONDS", 10.0)  # the memo stays out of the way
    RUNS.clear()
    yield
    while CACHES:
        CACHES.pop().close()


@node(id="rc.load")
def load(n: int) -> list[int]:
    RUNS["load"] += 1
    return list(range(n))


@node(id="rc.total")
def total(values: list[int]) -> int:
    RUNS["total"] += 1
    return sum(values)


@node(id="rc.double")
def double(x: int) -> int:
    RUNS["double"] += 1
    return 2 * x


@node(id="rc.now", cache=False)
def now(x: int) -> int:
    RUNS["now"] += 1
    return x + RUNS["now"]


@node(id="rc.any")
def anything(x: Any) -> str:
    RUNS["any"] += 1
    return repr(type(x))


class Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("not this one")


@node(id="rc.unpicklable")
def unpicklable(x: int) -> Any:
    RUNS["unpicklable"] += 1
    return Unpicklable()


NODES = [load, total, double, now, anything, unpicklable]


def space(cache: ResultCache, *fns: Any) -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="rc", nodes=list(fns or NODES)))
    ns.set_result_store(cache)
    return ns


def found(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.rglob(pattern))


def cache_at(folder: Path, **kw: Any) -> ResultCache:
    kw.setdefault("min_seconds", 0.0)
    cache = ResultCache(folder, **kw)
    cache.scan()
    CACHES.append(cache)
    return cache


async def chain(ns: NodeSpace, n: int = 50) -> tuple[str, str, str]:
    a = ns.add_node("rc.load", inputs={"n": n})
    b = ns.add_node("rc.total")
    c = ns.add_node("rc.double")
    ns.connect(a, "out", b, "values")
    ns.connect(b, "out", c, "x")
    await ns.settle()
    return a, b, c


async def restart(
    folder: Path, doc: dict[str, Any], *fns: Any, **kw: Any
) -> tuple[NodeSpace, ResultCache]:
    cache = cache_at(folder, **kw)
    ns = space(cache, *fns)
    ns.load_document(doc)
    await ns.settle()
    return ns, cache


async def test_a_restart_restores_every_value_with_no_execution(tmp_path: Path) -> None:
    first = cache_at(tmp_path)
    ns = space(first)
    a, b, c = await chain(ns)
    assert ns.get_value(c, "out") == 2 * sum(range(50))
    doc = ns.to_document()
    first.flush()
    await ns.aclose()
    RUNS.clear()

    ns2 = NodeSpace()
    ns2.library.add_shelf(Shelf(name="rc", nodes=NODES))
    ns2.set_result_store(cache_at(tmp_path))
    rec = Recorder(ns2)
    ns2.load_document(doc)
    await ns2.settle()
    assert sum(RUNS.values()) == 0  # nothing ran
    assert ns2.get_value(a, "out") == list(range(50))
    assert ns2.get_value(c, "out") == 2 * sum(range(50))
    hits = rec.of(CacheHit)
    assert {(h.uuid, h.source) for h in hits} == {(a, "disk"), (b, "disk"), (c, "disk")}
    assert ns2.node(c).cached == "disk"
    await ns2.aclose()


async def test_input_changes_miss_and_changing_back_hits(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    a, _b, c = await chain(ns, 10)
    ns.set_input(a, "n", 20)
    await ns.settle()
    assert dict(RUNS) == {"load": 2, "total": 2, "double": 2}
    cache.flush()
    ns.set_input(a, "n", 10)  # back: every result is on disk (the memo is out of the way)
    await ns.settle()
    assert dict(RUNS) == {"load": 2, "total": 2, "double": 2}
    assert ns.get_value(c, "out") == 2 * sum(range(10))
    assert ns.node(a).cached == "disk"
    await ns.aclose()


async def test_equal_outputs_keep_children_served_whatever_made_them(tmp_path: Path) -> None:
    """Small outputs are named by their content: a parent that gives the same value by another
    route leads its children to the same keys."""
    cache = cache_at(tmp_path)
    ns = space(cache)
    a = ns.add_node("rc.double", inputs={"x": 3})
    b = ns.add_node("rc.double")
    ns.connect(a, "out", b, "x")
    await ns.settle()
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    doc["nodes"][0]["inputs"]["x"] = 3  # unchanged (a document of another worker, say)
    RUNS.clear()
    ns2, _ = await restart(tmp_path, doc)
    assert dict(RUNS) == {}
    await ns2.aclose()


async def test_a_code_change_misses(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache, double)
    a = ns.add_node("rc.double", inputs={"x": 4})
    await ns.settle()
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()

    @node(id="rc.double")
    def double_v2(x: int) -> int:
        RUNS["double_v2"] += 1
        return 3 * x

    assert code_digest(spec_of(double)) != code_digest(spec_of(double_v2))
    ns2 = space(cache_at(tmp_path), double_v2)
    ns2.load_document(doc)
    await ns2.settle()
    assert RUNS["double_v2"] == 1
    assert ns2.get_value(a, "out") == 12
    await ns2.aclose()


async def test_a_module_source_change_misses_even_with_the_same_function(tmp_path: Path) -> None:
    digests = {"rc_mod": "one"}
    cache = cache_at(tmp_path)
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="rc", nodes=[double]))
    ns.set_result_store(cache, lambda name: digests.get(name))
    spec = spec_of(double)
    assert code_digest(spec, "one") != code_digest(spec, "two")
    await ns.aclose()


async def test_side_effect_nodes_and_unnameable_inputs_always_run(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    ns.add_node("rc.now", inputs={"x": 1})
    ns.add_node("rc.any", inputs={"x": {"a": [1, 2]}})  # plain data: a key
    ns.add_node("rc.any", inputs={"x": "x" * 100_000})  # over the budget: no key
    await ns.settle()
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    RUNS.clear()
    ns2, _ = await restart(tmp_path, doc)
    assert dict(RUNS) == {"now": 1, "any": 1}
    await ns2.aclose()


async def test_an_output_that_cannot_be_pickled_is_not_kept_and_breaks_nothing(
    tmp_path: Path,
) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    u = ns.add_node("rc.unpicklable", inputs={"x": 1})
    await ns.settle()
    cache.flush()
    assert isinstance(ns.get_value(u, "out"), Unpicklable)
    assert cache.stats()["entries"] == 0
    await ns.aclose()


async def test_a_trigger_runs_the_code_and_what_depends_on_it(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    a, _b, _c = await chain(ns, 5)
    cache.flush()
    ns.trigger(a)
    await ns.settle()
    assert RUNS["load"] == 2
    # A list of five ints is named by its content: the same value, so nothing below runs.
    assert RUNS["total"] == 1
    await ns.aclose()


@node(id="rc.big")
def big(n: int) -> list[int]:
    RUNS["big"] += 1
    return list(range(n)) if RUNS["big"] == 1 else list(range(n, 2 * n))


async def test_a_trigger_of_a_node_with_big_outputs_names_them_anew(tmp_path: Path) -> None:
    """A triggered run may read another world: its children must not be served what they
    computed from the outputs before."""
    cache = cache_at(tmp_path)
    ns = space(cache, big, total)
    a = ns.add_node("rc.big", inputs={"n": 5000})  # too big to be named by its content
    b = ns.add_node("rc.total")
    ns.connect(a, "out", b, "values")
    await ns.settle()
    cache.flush()
    ns.trigger(a)
    await ns.settle()
    assert dict(RUNS) == {"big": 2, "total": 2}
    assert ns.get_value(b, "out") == sum(range(5000, 10000))
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    RUNS.clear()
    ns2 = space(cache_at(tmp_path), big, total)
    ns2.load_document(doc)
    await ns2.settle()
    assert dict(RUNS) == {}  # the triggered outputs, and what was computed from them
    assert ns2.get_value(b, "out") == sum(range(5000, 10000))
    await ns2.aclose()


@node(id="rc.read", cache_stamp=lambda inputs: os.stat(inputs["path"]).st_mtime_ns)
def read(path: str) -> str:
    RUNS["read"] += 1
    return Path(path).read_text()


async def test_a_stamp_keeps_a_changed_file_from_being_served(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("one")
    cache = cache_at(tmp_path / "cache")
    ns = space(cache, read)
    r = ns.add_node("rc.read", inputs={"path": str(data)})
    await ns.settle()
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    ns2, _ = await restart(tmp_path / "cache", doc, read)
    assert RUNS["read"] == 1 and ns2.get_value(r, "out") == "one"
    await ns2.aclose()
    data.write_text("two!")
    os.utime(data, ns=(1, 10**18))
    ns3, _ = await restart(tmp_path / "cache", doc, read)
    assert RUNS["read"] == 2 and ns3.get_value(r, "out") == "two!"
    await ns3.aclose()


async def test_only_slow_runs_are_kept_unless_the_node_asks(tmp_path: Path) -> None:
    @node(id="rc.keep", cache=True)
    def keep(x: int) -> int:
        return x

    cache = cache_at(tmp_path, min_seconds=60.0)
    ns = space(cache, double, keep)
    ns.add_node("rc.double", inputs={"x": 1})
    ns.add_node("rc.keep", inputs={"x": 1})
    await ns.settle()
    cache.flush()
    assert cache.stats()["entries"] == 1  # only rc.keep's
    await ns.aclose()


# --- the file: crash safety, damage, the cap ----------------------------------------------


async def test_damaged_entries_are_misses_and_are_removed(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    _a, _b, c = await chain(ns, 10)
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    files = found(tmp_path, "*.nwc")
    assert len(files) == 3
    files[0].write_bytes(files[0].read_bytes()[:-7])  # a torn write (from another tool)
    files[1].write_bytes(b"NWC1" + b"\0" * 8)
    (files[2].parent / f"{files[2].name}.123.tmp").write_bytes(b"half")  # a crash mid-write
    RUNS.clear()
    ns2, cache2 = await restart(tmp_path, doc)
    assert sum(RUNS.values()) >= 1  # the damaged ones ran again
    assert ns2.get_value(c, "out") == 2 * sum(range(10))
    cache2.flush()
    assert not found(tmp_path, "*.tmp")
    assert cache2.stats()["entries"] == 3  # rewritten
    await ns2.aclose()


def test_the_folder_keeps_to_its_cap_dropping_the_least_recently_used(tmp_path: Path) -> None:
    cache = cache_at(tmp_path, max_bytes=40_000)
    keys = [f"k{i:040x}" for i in range(8)]
    for i, key in enumerate(keys):
        cache.put(key, {"out": bytes(8000)}, f"c{i}")
        cache.flush()
        if i == 2:
            assert cache.load(keys[0]) is not None  # used: it stays longer than keys[1]
        if i == 4:  # over the cap: the least recently used went
            assert cache.has(keys[0]) and not cache.has(keys[1])
    stats = cache.stats()
    assert stats["bytes"] <= 40_000
    assert cache.has(keys[-1])
    on_disk = {p.name.removesuffix(".nwc") for p in tmp_path.rglob("*.nwc")}
    assert on_disk == {k for k in keys if cache.has(k)}
    again = cache_at(tmp_path, max_bytes=40_000)  # the order survives a restart
    assert again.stats()["entries"] == stats["entries"]
    cache.close()
    again.close()


def test_bad_keys_are_never_paths(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    cache.put("../../escape", {"out": 1}, None)
    cache.put("k" + "0" * 40 + "/../x", {"out": 1}, None)
    cache.flush()
    assert not list(tmp_path.parent.glob("escape*"))
    assert cache.stats()["entries"] == 0
    cache.close()


def test_value_digests_tell_types_apart_and_ignore_dict_order() -> None:
    assert value_digest(1) != value_digest(1.0) != value_digest(True)
    assert value_digest({"a": 1, "b": 2}) == value_digest({"b": 2, "a": 1})
    assert value_digest([1, 2]) != value_digest((1, 2))
    assert value_digest(float("nan")) == value_digest(float("nan"))
    assert value_digest(object()) is None
    assert value_digest("x" * 100_000) is None


async def test_a_cache_that_is_slow_to_read_never_blocks_a_newer_change(tmp_path: Path) -> None:
    cache = cache_at(tmp_path)
    ns = space(cache)
    a, _b, c = await chain(ns, 10)
    cache.flush()
    ns.set_input(a, "n", 11)
    ns.set_input(a, "n", 10)  # superseded while its load may still be under way
    await asyncio.wait_for(ns.settle(), 10)
    assert ns.get_value(c, "out") == 2 * sum(range(10))
    await ns.aclose()


# --- a real worker: killed, restarted, its values back without a run ------------------------

SLOW_MODULE = """
import time
from nodeweave import node

RUNS = {runs!r}


@node(id="slow.step")
def step(x: int, seconds: float = 0.3) -> list[int]:
    time.sleep(seconds)
    with open(RUNS, "a") as fh:
        fh.write("step\\n")
    return list(range(x, x + 3000))


@node(id="slow.sum")
def total(values: list[int], seconds: float = 0.3) -> int:
    time.sleep(seconds)
    with open(RUNS, "a") as fh:
        fh.write("sum\\n")
    return sum(values)
"""


async def test_a_killed_worker_comes_back_with_its_values_and_runs_nothing(
    tmp_path: Path,
) -> None:
    from nodeweave.client import Client
    from nodeweave.state import read_token

    from .worker_helpers import make_worker_dir, spawn_worker

    runs = tmp_path / "runs.txt"
    make_worker_dir(tmp_path, "w1", SLOW_MODULE.format(runs=str(runs)))
    cache_dir = tmp_path / "workers" / "w1" / "cache"
    procs = []
    try:
        proc = await spawn_worker(tmp_path, "w1")
        procs.append(proc)
        await proc.ready()
        async with await Client.connect(proc.url, read_token(tmp_path)) as client:
            a = (await client.call("add_node", node_id="slow.step", inputs={"x": 1}))["uuid"]
            b = (await client.call("add_node", node_id="slow.sum"))["uuid"]
            await client.call("connect", src=a, src_io="out", dst=b, dst_io="values")
            for _ in range(400):  # both results written
                if len(found(cache_dir, "*.nwc")) == 2:
                    break
                await asyncio.sleep(0.05)
            await client.call("save")  # (the autosave may have been first: nothing new)
        assert runs.read_text().split() == ["step", "sum"]
        await proc.kill()  # a crash: no clean stop

        again = await spawn_worker(tmp_path, "w1")
        procs.append(again)
        await again.ready()
        async with await Client.connect(again.url, read_token(tmp_path)) as client:
            async with asyncio.timeout(20):
                while True:
                    state = await client.call("get_state")
                    nodes = {n["uuid"]: n for n in state["nodes"]}
                    if all(n["status"] == "done" for n in nodes.values()):
                        break
                    await asyncio.sleep(0.05)
            assert nodes[a]["cached"] == nodes[b]["cached"] == "disk"
            value = await client.call("get_value", uuid=b, io="out")
            assert value["value"] == sum(range(1, 3001))
        assert runs.read_text().split() == ["step", "sum"]  # nothing ran again
    except BaseException:
        print(*(p.log.read_text() for p in procs), found(tmp_path, "*"))
        raise
    finally:
        for p in procs:
            await p.kill()


async def test_the_file_readers_read_a_changed_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nodeweave.shelves import files

    folder = tmp_path / "files"
    folder.mkdir()
    monkeypatch.setenv("NODEWEAVE_FILES_DIR", str(folder))
    (folder / "a.csv").write_text("x\n1\n2\n")

    async def rows() -> tuple[int, str]:
        cache = cache_at(tmp_path / "cache")
        ns = NodeSpace()
        ns.library.add_shelf(files.NODE_SHELF)
        ns.set_result_store(cache)
        r = ns.add_node("files.read_csv", uuid="r", inputs={"path": "a.csv"})
        await ns.settle()
        cache.flush()
        n, how = len(ns.get_value(r, "out")), ns.node(r).cached
        await ns.aclose()
        return n, how

    assert await rows() == (2, "")
    assert await rows() == (2, "disk")
    (folder / "a.csv").write_text("x\n1\n2\n3\n")
    os.utime(folder / "a.csv", ns=(1, 10**18))
    assert await rows() == (3, "")


VERSIONED = """
from nodeweave import node


@node(id="ver.value", cache=True)
def value(x: int) -> list[int]:
    return [x * {k}] * 3000
"""


async def test_an_edited_module_is_never_served_its_old_results(
    rpc: Any, worker_config: Any
) -> None:
    """Edit a node's module: its new code runs; put the old code back: the old code's result
    comes from the disk cache — each code version has results of its own."""
    path = worker_config.modules_dir / "ver.py"

    async def settled(expect: int) -> dict[str, Any]:
        for _ in range(400):
            node_ = await rpc.call("get_node", uuid=uuid)
            preview = node_["outputs"][0]["preview"]
            done = node_["status"] == "done" and preview.get("length") == 3000
            if done and preview["value"][0] == expect:
                return dict(node_)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no value {expect}")

    await rpc.call("write_module", name="ver.py", source=VERSIONED.format(k=1))
    uuid = (await rpc.call("add_node", node_id="ver.value", inputs={"x": 7}))["uuid"]
    first = await settled(7)
    assert "cached" not in first
    await rpc.call("write_module", name="ver.py", source=VERSIONED.format(k=2))
    second = await settled(14)
    assert "cached" not in second  # the new code ran
    for _ in range(400):  # both results are on disk (written off the loop)
        if len(found(worker_config.cache_dir, "*.nwc")) == 2:
            break
        await asyncio.sleep(0.01)
    await rpc.call("write_module", name="ver.py", source=VERSIONED.format(k=1))
    back = await settled(7)
    assert back["cached"] == "disk"  # the first code's result, kept under its key
    assert path.exists()


# --- the table: what a restart serves, and what it runs --------------------------------------


@node(id="tab.f")
def tab_f(x: Any) -> str:
    RUNS["tab.f"] += 1
    return f"f({x!r})"


@node(id="tab.f")
def tab_f_edited(x: Any) -> str:
    RUNS["tab.f"] += 1
    return f"edited f({x!r})"


@node(id="tab.g", cache=False)
def tab_g(x: Any) -> str:
    RUNS["tab.g"] += 1
    return f"g({x!r})"


@pytest.mark.parametrize(
    ("node_id", "first", "then", "code", "runs"),
    [
        ("tab.f", 3, 3, tab_f, 0),  # the same inputs: served
        ("tab.f", 3, 4, tab_f, 1),  # an input changed: runs
        ("tab.f", [1, {"a": 2}], [1, {"a": 2}], tab_f, 0),  # plain data: served
        ("tab.f", 3, 3, tab_f_edited, 1),  # the code changed: runs
        ("tab.f", "x" * 70_000, "x" * 70_000, tab_f, 1),  # cannot be named: runs
        ("tab.f", 1, True, tab_f, 1),  # 1 and True are other inputs: runs
        ("tab.g", 3, 3, tab_g, 1),  # cache=False (side effects): runs
    ],
    ids=["same", "input", "plain-data", "code", "unnameable", "types", "opt-out"],
)
async def test_what_a_restart_serves_and_what_it_runs(
    tmp_path: Path, node_id: str, first: Any, then: Any, code: Any, runs: int
) -> None:
    ns = space(cache_at(tmp_path), tab_f if node_id == "tab.f" else tab_g)  # the original code
    u = ns.add_node(node_id, uuid="u", inputs={"x": first})
    await ns.settle()
    CACHES[-1].flush()
    await ns.aclose()
    RUNS.clear()
    again = space(cache_at(tmp_path), code)
    again.add_node(node_id, uuid="u", inputs={"x": then})
    await again.settle()
    assert sum(RUNS.values()) == runs
    expected = ("edited f" if code is tab_f_edited else node_id[-1]) + f"({then!r})"
    assert again.get_value(u, "out") == expected
    await again.aclose()
