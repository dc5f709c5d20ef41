"""UI benchmark: the page in headless Chromium against a real hub and workers; prints figures.

    python bench/ui.py [--quick] [--json] [--only NAME ...]

A real ``nodeweave up`` runs in a fresh temporary state directory (127.0.0.1, a free port) and the
system Chromium (``apt-get install chromium``; ``NODEWEAVE_CHROMIUM`` names another binary) opens
the built UI from ``nodeweave/static``. Times are taken inside the page (``performance.now()``,
from navigation start), by a MutationObserver installed before the page's own scripts run, so
Playwright's polling adds nothing. Every process started is stopped by pid.

Figures, median [min, max] (runs):
- ``workers``: open the page → the hub's 5 workers are listed;
- ``graph200``: open a worker holding 200 nodes (and 100 edges) → all 200 node cards measured and
  visible, and all 100 edges drawn;
- ``chain``: edit the first input of a 10-node chain → the last node's preview shows the result
  on screen (p50, and p90 alongside);
- ``drag``: a 200-node chain (a slider, then 199 ``numbers.add`` nodes adding 1 each); the slider
  on its card is dragged in 20 steps, one every 25 ms (its ``input`` events, as a drag sends them)
  → the frames the page presents from the first step until the last node shows the last value
  (``requestAnimationFrame`` callbacks counted in the page, as frames per second; ≥ 30), and how
  long after the last step that value is on screen (≤ 100 ms);
- ``scatter``: a node of the worker's own ``modules/`` returns ``plotly.express.scatter`` of a
  100,000-row DataFrame (seeded numpy random numbers); its ``seed`` input is edited on the card →
  the chart on the card has redrawn with the new data: the plot's first x value is the new
  DataFrame's, all the points the preview holds (``shown``, downsampled) are in the SVG, the first
  one has moved, and a frame has been painted since. Alongside: the size of that preview (the
  ``value`` event's frame on the WebSocket), and the first draw when plotly.js is not loaded yet
  (open the worker in a fresh browser context → all the points drawn);
- ``graph1000``: open a worker holding 1,000 nodes (and 500 edges) → all 1,000 cards measured
  and visible, and all 500 edges drawn (≤ 3 s);
- ``paste50``: Ctrl+V of 50 copied nodes with 49 edges (a chain, on the clipboard as the UI puts
  it there) into an empty worker → all 50 cards and 49 edges drawn (≤ 300 ms);
- ``undo_tabs``: two pages on one worker holding a 50-node paste; Ctrl+Z in one → the nodes are
  gone in both (≤ 200 ms; times from ``performance.timeOrigin + performance.now()`` of each page);
- ``js_gzip``: the JavaScript the page loads at start (the scripts and module preloads of
  ``index.html``), gzip-compressed (level 9), in kB; what the first Plotly chart loads on top (the
  lazy plotly.js loader and bundle), what the first Vega-Lite chart loads (the lazy loader,
  vega, vega-lite and vega-embed) and what the module editor loads when it first opens a file
  (its chunk: CodeMirror with Python), measured alongside.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from bench.report import Figure, print_table, summary  # noqa: E402
from nodeweave.client import Client  # noqa: E402

STATIC = ROOT / "nodeweave" / "static"
TOKEN = "ui-bench-token-0123456789abcdef"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]


class BenchError(AssertionError):
    pass


FIGURES = [
    Figure("workers", "open the page → 5 workers listed", "s", 1.0),
    Figure("graph200", "open a worker with 200 nodes → all nodes drawn", "s", 1.5),
    Figure("chain", "input edited → last preview of a 10-node chain, p50", "ms", 50),
    Figure("chain_p90", "… the same, p90", "ms"),
    Figure("drag_fps", "200-node chain: 20-step slider drag → frames presented", "fps"),
    Figure("drag_last", "… last value on screen after the last step", "ms", 100),
    Figure("graph1000", "open a worker with 1,000 nodes → all nodes drawn", "s", 3.0),
    Figure("paste50", "paste 50 nodes with 49 edges → all drawn", "ms", 300),
    Figure("undo_tabs", "undo of a 50-node paste → gone in every open tab (2)", "ms", 200),
    Figure("scatter", "100,000-point scatter → drawn in Chromium", "s", 1.5),
    Figure("scatter_bytes", "… its preview (the value event), ≤ 1 MB", "kB", 1000),
    Figure("scatter_first", "… first draw, plotly.js not loaded yet (open the worker)", "s"),
    Figure("js_gzip", "JavaScript loaded at start, gzip", "kB", 350),
    Figure("charts_js_gzip", "… loaded by the first Plotly chart, gzip", "kB"),
    Figure("vega_js_gzip", "… loaded by the first Vega-Lite chart, gzip", "kB"),
    Figure("editor_js_gzip", "… loaded by the module editor (CodeMirror), gzip", "kB"),
]

# Figures whose target is a floor (report.py's targets are ceilings).
AT_LEAST = {"drag_fps": 30.0}


def print_floors(results: dict[str, dict[str, float]]) -> None:
    for key, floor in AT_LEAST.items():
        if key in results:
            median = results[key]["median"]
            print(
                f"  {key}: median {median:.1f} — target ≥ {floor:g}  {'ok' if median >= floor else 'MISS'}"
            )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium_path() -> str:
    explicit = os.environ.get("NODEWEAVE_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise BenchError("no Chromium found: apt-get install -y chromium")


class Hub:
    """``nodeweave up`` in a temporary state directory, stopped by pid."""

    def __init__(self, root: Path, bytecode: Path) -> None:
        self.state = root / "state"
        self.state.mkdir(mode=0o700)
        token = self.state / "token"
        token.write_text(TOKEN + "\n")
        token.chmod(0o600)
        self.port = free_port()
        env = {**os.environ, "FUNCNODES_CONFIG_DIR": str(self.state)}
        env["NODEWEAVE_LOG_LEVEL"] = "WARNING"
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: with a bytecode cache
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.log = root / "hub.log"
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "nodeweave", "up", "--no-browser", "--port", str(self.port)],
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                start_new_session=True,
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        if not line.startswith("nodeweave hub on "):
            self.close()
            raise BenchError(f"hub did not start: {line!r} {self.log.read_text()}")
        self.ws = f"ws://127.0.0.1:{self.port}/ws"

    def url(self, worker: str | None = None) -> str:
        return f"http://127.0.0.1:{self.port}/?token={TOKEN}" + (f"#/w/{worker}" if worker else "")

    def call(self, cmd: str, **kwargs: Any) -> Any:
        return _run(_call(self.ws, cmd, kwargs))

    def worker_call(self, worker_id: str, cmd: str, **kwargs: Any) -> Any:
        url = self.call("get_worker", id=worker_id)["url"]
        return _run(_call(url, cmd, kwargs))

    def worker_pids(self) -> list[int]:
        return [w["pid"] for w in self.call("list_workers") if w.get("pid")]

    def close(self) -> None:
        pids: list[int] = []
        with contextlib.suppress(Exception):
            pids = self.worker_pids()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        for pid in pids:  # the hub stops its workers; this only catches a straggler
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to completion in a thread of its own (Playwright's sync API owns this one's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _call(url: str, cmd: str, kwargs: dict[str, Any]) -> Any:
    client = await Client.connect(url, token=TOKEN)
    try:
        return await client.call(cmd, **kwargs)
    finally:
        await client.close()


# Installed before the page's scripts: note when every [selector, count] is met at once.
WATCH = """
(wanted) => {
  const check = () => {
    if (window.__reached === undefined &&
        wanted.every(([sel, n]) => document.querySelectorAll(sel).length >= n)) {
      window.__reached = performance.now();
    }
  };
  new MutationObserver(check).observe(
    document, {subtree: true, childList: true, attributes: true, attributeFilter: ['style']});
  check();
}
"""


def time_to(browser: Browser, url: str, wanted: list[tuple[str, int]]) -> float:
    """Seconds from navigation start until ``count`` elements match each selector (a fresh
    browser context each time: nothing cached but what a reload would have)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        context.add_init_script(f"({WATCH})({json.dumps(wanted)})")
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.__reached !== undefined", timeout=30_000)
        reached: float = page.evaluate("() => window.__reached")
        for selector, count in wanted:
            if page.locator(selector).count() < count:
                raise BenchError(f"{selector}: fewer than {count}")
        return reached / 1000
    finally:
        context.close()


def fig_workers(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    for i in range(5):
        hub.call("create_worker", name=f"listed {i}")
    wanted = [('[data-testid="worker-row"]', 5)]
    time_to(browser, hub.url(), wanted)  # warm the hub's file cache once
    samples = [time_to(browser, hub.url(), wanted) for _ in range(runs)]
    return {"workers": summary(samples)}


def pairs_document(pairs: int, per_row: int) -> dict[str, Any]:
    """``pairs`` Number → Negate pairs in rows of ``per_row``: 2 × pairs nodes, pairs edges."""
    nodes, edges = [], []
    for i in range(pairs):
        src, dst = f"n{i:03d}", f"m{i:03d}"
        x, y = (i % per_row) * 520, (i // per_row) * 200
        nodes.append(
            {
                "uuid": src,
                "node_id": "numbers.number",
                "inputs": {"value": i},
                "properties": {"position": {"x": x, "y": y}},
            }
        )
        nodes.append(
            {
                "uuid": dst,
                "node_id": "numbers.negate",
                "properties": {"position": {"x": x + 260, "y": y}},
            }
        )
        edges.append({"src": src, "src_io": "out", "dst": dst, "dst_io": "value"})
    return {"schema_version": 1, "nodes": nodes, "edges": edges}


def chain_document(
    prefix: str, head: str, length: int, per_row: int, row_height: int
) -> dict[str, Any]:
    """A ``head`` node (value 0) feeding ``length - 1`` Add nodes (+1 each) in a chain."""
    nodes = [
        {
            "uuid": f"{prefix}0",
            "node_id": head,
            "inputs": {"value": 0},
            "properties": {"position": {"x": 0, "y": 0}},
        }
    ]
    edges = []
    for i in range(1, length):
        position = {"x": 280 * (i % per_row), "y": row_height * (i // per_row)}
        nodes.append(
            {
                "uuid": f"{prefix}{i}",
                "node_id": "numbers.add",
                "inputs": {"b": 1},
                "properties": {"position": position},
            }
        )
        edges.append(
            {"src": f"{prefix}{i - 1}", "src_io": "out", "dst": f"{prefix}{i}", "dst_io": "a"}
        )
    return {"schema_version": 1, "nodes": nodes, "edges": edges}


def worker_with(hub: Hub, worker_id: str, document: dict[str, Any]) -> None:
    """Create and start a worker named ``worker_id`` holding ``document``."""
    hub.call("create_worker", name=worker_id)
    hub.call("start_worker", id=worker_id)
    hub.worker_call(worker_id, "import_workflow", document=document)


def fig_graph200(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    worker_with(hub, "big", pairs_document(100, per_row=10))
    got = hub.worker_call("big", "get_state")
    if len(got["nodes"]) != 200 or len(got["edges"]) != 100:
        raise BenchError("the 200-node workflow did not load")
    # Drawn: React Flow keeps a node hidden until it has measured it; edges need both ends.
    wanted = [
        ('.react-flow__node[style*="visibility: visible"] [data-testid="node-card"]', 200),
        (".react-flow__edge path", 100),
    ]
    time_to(browser, hub.url("big"), wanted)
    samples = [time_to(browser, hub.url("big"), wanted) for _ in range(runs)]
    return {"graph200": summary(samples)}


def fig_graph1000(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    worker_with(hub, "huge", pairs_document(500, per_row=20))
    wanted = [
        ('.react-flow__node[style*="visibility: visible"] [data-testid="node-card"]', 1000),
        (".react-flow__edge path", 500),
    ]
    time_to(browser, hub.url("huge"), wanted)
    samples = [time_to(browser, hub.url("huge"), wanted) for _ in range(max(3, runs // 3))]
    return {"graph1000": summary(samples)}


def chain_payload(n: int) -> str:
    """What the UI's Copy puts on the clipboard for a chain of ``n`` nodes."""
    nodes = [
        {
            "uuid": f"c{i}",
            "node_id": "numbers.number" if i == 0 else "numbers.negate",
            "inputs": {"value": 1.0} if i == 0 else {},
            "properties": {"position": {"x": 280 * (i % 10), "y": 200 * (i // 10)}},
        }
        for i in range(n)
    ]
    edges = [
        {"src": f"c{i - 1}", "src_io": "out", "dst": f"c{i}", "dst_io": "value"}
        for i in range(1, n)
    ]
    return json.dumps({"kind": "nodeweave/nodes", "version": 1, "nodes": nodes, "edges": edges})


DRAWN = '.react-flow__node[style*="visibility: visible"] [data-testid="node-card"]'

# Press a key on the page, resolve with the time until `check` holds (ms, performance.now()).
PRESS_UNTIL = """
async ([key, drawn, nodes, edges]) => {
  const met = () => document.querySelectorAll(drawn).length === nodes &&
    document.querySelectorAll('.react-flow__edge path').length >= edges;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not drawn in 10 s')), 10000);
    let t0 = 0;
    const obs = new MutationObserver(() => {
      if (!met()) return;
      const t1 = performance.now();
      obs.disconnect();
      clearTimeout(timer);
      resolve(t1 - t0);
    });
    obs.observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['style']});
    t0 = performance.now();
    document.body.dispatchEvent(new KeyboardEvent('keydown', {key, ctrlKey: true, bubbles: true, cancelable: true}));
  });
}
"""


def fig_paste50(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    hub.call("create_worker", name="paste")
    hub.call("start_worker", id="paste")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    samples = []
    try:
        page = context.new_page()
        page.goto(hub.url("paste"))
        page.wait_for_selector('[data-testid="worker-view"][data-loaded="true"]', timeout=30_000)
        page.evaluate("(text) => navigator.clipboard.writeText(text)", chain_payload(50))
        for run in range(runs + 1):
            took = float(page.evaluate(PRESS_UNTIL, ["v", DRAWN, 50, 49]))
            if run > 0:  # the first warms the JIT and the worker
                samples.append(took)
            hub.worker_call("paste", "undo")
            page.wait_for_function(
                "() => document.querySelectorAll('[data-testid=\"node-card\"]').length === 0",
                timeout=10_000,
            )
    finally:
        context.close()
    return {"paste50": summary(samples)}


# Note (absolute, comparable between pages) when no card is left.
WATCH_GONE = """
() => {
  window.__gone = new Promise((resolve) => {
    const gone = () => document.querySelectorAll('[data-testid="node-card"]').length === 0;
    const obs = new MutationObserver(() => {
      if (!gone()) return;
      obs.disconnect();
      resolve(performance.timeOrigin + performance.now());
    });
    obs.observe(document, {subtree: true, childList: true});
  });
}
"""


def fig_undo_tabs(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    hub.call("create_worker", name="undo tabs")
    hub.call("start_worker", id="undo-tabs")
    payload = json.loads(chain_payload(50))
    edits = [{"cmd": "add_node", "kwargs": n} for n in payload["nodes"]] + [
        {"cmd": "connect", "kwargs": e} for e in payload["edges"]
    ]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    samples = []
    try:
        pages = [context.new_page(), context.new_page()]
        for page in pages:
            page.goto(hub.url("undo-tabs"))
            page.wait_for_selector(
                '[data-testid="worker-view"][data-loaded="true"]', timeout=30_000
            )
        for run in range(runs + 1):
            hub.worker_call("undo-tabs", "apply_edits", label="paste 50 nodes", edits=edits)
            for page in pages:
                page.wait_for_function(
                    f"() => document.querySelectorAll({json.dumps(DRAWN)}).length === 50",
                    timeout=10_000,
                )
            page_a, page_b = pages
            page_b.evaluate(WATCH_GONE)
            page_a.evaluate(WATCH_GONE)
            t0 = float(
                page_a.evaluate(
                    """() => {
                      const t0 = performance.timeOrigin + performance.now();
                      document.body.dispatchEvent(new KeyboardEvent('keydown',
                        {key: 'z', ctrlKey: true, bubbles: true, cancelable: true}));
                      return t0;
                    }"""
                )
            )
            gone = max(float(p.evaluate("() => window.__gone")) for p in pages)
            if run > 0:
                samples.append(gone - t0)
    finally:
        context.close()
    return {"undo_tabs": summary(samples)}


# Set the first input like a person typing, then wait for the last preview to show `expected`.
EDIT = """
async ([first, last, value, expected]) => {
  const input = document.querySelector(
    `[data-testid="node-card"][data-uuid="${first}"] [data-testid="node-input"][data-io="value"] input`);
  const preview = document.querySelector(
    `[data-testid="node-card"][data-uuid="${last}"] [data-testid="node-output"][data-io="out"] [data-testid="output-preview"]`);
  if (!input || !preview) throw new Error('chain not on screen');
  const shown = () => preview.textContent.trim() === expected;
  return await new Promise((resolve, reject) => {
    let t0 = 0;
    const timer = setTimeout(() => reject(new Error(`no ${expected}: ${preview.textContent}`)), 5000);
    const obs = new MutationObserver(() => {
      if (shown()) {
        const t1 = performance.now();
        obs.disconnect();
        clearTimeout(timer);
        resolve(t1 - t0);
      }
    });
    obs.observe(preview, {subtree: true, childList: true, characterData: true});
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    t0 = performance.now();
    setter.call(input, String(value));
    input.dispatchEvent(new Event('input', {bubbles: true}));
  });
}
"""


def fig_chain(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    worker_with(hub, "chain", chain_document("c", "numbers.number", 10, 5, 260))
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page: Page = context.new_page()
        page.goto(hub.url("chain"))
        page.wait_for_selector('[data-testid="worker-view"][data-loaded="true"]', timeout=30_000)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"node-card\"]').length === 10"
        )
        samples = []
        edits = max(runs * 10, 30)
        for i in range(edits + 5):
            value = i + 1
            ms = page.evaluate(EDIT, ["c0", "c9", value, str(value + 9)])
            if i >= 5:  # the first few warm the JIT and the worker's caches
                samples.append(float(ms))
            page.wait_for_timeout(30)
    finally:
        context.close()
    ordered = sorted(samples)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return {"chain": summary(samples), "chain_p90": {**summary([p90]), "runs": len(samples)}}


# Drag a card's slider in `steps` input events `gap` ms apart, counting the frames the page
# presents, until the last node of the chain shows the last value.
DRAG = """
async ([slider, last, values, gap]) => {
  const input = document.querySelector(
    `[data-testid="node-card"][data-uuid="${slider}"] [data-testid="node-input"][data-io="value"] input[type="range"]`);
  const preview = document.querySelector(
    `[data-testid="node-card"][data-uuid="${last}"] [data-testid="node-output"][data-io="out"] [data-testid="output-preview"]`);
  if (!input || !preview) throw new Error('chain not on screen');
  const expected = values[values.length - 1] + 199;
  const shown = () => parseFloat(preview.textContent) === expected;
  let frames = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    frames += 1;
    requestAnimationFrame(tick);
  };
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${expected}: ${preview.textContent}`)), 15000);
    let lastStep = null;
    const t0 = performance.now();
    const done = () => {
      const t1 = performance.now();
      counting = false;
      obs.disconnect();
      clearTimeout(timer);
      resolve({fps: frames / ((t1 - t0) / 1000), last: t1 - lastStep, frames, ms: t1 - t0});
    };
    const obs = new MutationObserver(() => {
      if (lastStep !== null && shown()) done();
    });
    obs.observe(preview, {subtree: true, childList: true, characterData: true});
    requestAnimationFrame(tick);
    values.forEach((v, i) => setTimeout(() => {
      setter.call(input, String(v));
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new Event('change', {bubbles: true}));
      if (i === values.length - 1) {
        lastStep = performance.now();
        if (shown()) done();
      }
    }, i * gap));
  });
}
"""


def fig_drag(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    worker_with(hub, "drag", chain_document("d", "numbers.slider", 200, 20, 240))
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    fps, last = [], []
    try:
        page: Page = context.new_page()
        page.goto(hub.url("drag"))
        page.wait_for_selector('[data-testid="worker-view"][data-loaded="true"]', timeout=30_000)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"node-card\"]').length === 200",
            timeout=30_000,
        )
        page.wait_for_timeout(500)
        for run in range(runs + 1):
            start = 5 + (run % 2) * 40  # back and forth, so every drag changes every value
            values = [start + step * (1 if run % 2 == 0 else -1) * 2 for step in range(1, 21)]
            got = page.evaluate(DRAG, ["d0", "d199", values, 25])
            if run > 0:  # the first warms the JIT and the worker
                fps.append(float(got["fps"]))
                last.append(float(got["last"]))
            page.wait_for_timeout(300)
    finally:
        context.close()
    return {"drag_fps": summary(fps), "drag_last": summary(last)}


SCATTER_ROWS = 100_000
SCATTER_MODULE = f'''
"""A plotly.express scatter of {SCATTER_ROWS:,} random points (UI benchmark)."""
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from nodeweave import Shelf, node


@node(id="benchplots.scatter", name="Scatter 100k")
def scatter(seed: int = 0) -> go.Figure:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({{"x": rng.normal(size={SCATTER_ROWS}), "y": rng.normal(size={SCATTER_ROWS})}})
    return px.scatter(frame, x="x", y="y")


NODE_SHELF = Shelf(name="benchplots", nodes=[scatter])
'''


def scatter_x0(seed: int) -> float:
    """The first x of the scatter node's DataFrame for ``seed`` (what the chart must show)."""
    import numpy as np

    return float(np.random.default_rng(seed).normal(size=SCATTER_ROWS)[0])


# Edit the seed on the card, then poll each frame until the card's chart shows the new data: the
# plot's first x is the new one, all `shown` points are in the SVG and the first has moved; the
# time is taken in a task after that frame (so after it was painted).
REDRAW = """
async ([uuid, seed, x0, shown]) => {
  const card = document.querySelector(`[data-testid="node-card"][data-uuid="${uuid}"]`);
  const input = card?.querySelector('[data-testid="node-input"][data-io="seed"] input');
  const plot = () => card.querySelector('[data-testid="node-output"][data-io="out"] .js-plotly-plot');
  if (!input || !plot()) throw new Error('scatter not on screen');
  const firstPoint = () => plot()?.querySelector('.scatterlayer .point')?.getAttribute('transform');
  const before = firstPoint();
  const drawn = () => {
    const gd = plot();
    const trace = gd?._fullData?.[0];
    if (!trace || trace.x === undefined || Math.abs(Number(trace.x[0]) - x0) > 1e-9) return false;
    if (gd.querySelectorAll('.scatterlayer .point').length !== shown) return false;
    const moved = firstPoint();
    return moved !== undefined && moved !== before;
  };
  return await new Promise((resolve, reject) => {
    let t0 = 0;
    const timer = setTimeout(() => reject(new Error(`seed ${seed}: no redraw`)), 30000);
    const poll = () => {
      if (!drawn()) return requestAnimationFrame(poll);
      setTimeout(() => {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }, 0);
    };
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    t0 = performance.now();
    setter.call(input, String(seed));
    input.dispatchEvent(new Event('input', {bubbles: true}));
    requestAnimationFrame(poll);
  });
}
"""


def fig_scatter(hub: Hub, browser: Browser, runs: int) -> dict[str, dict[str, float]]:
    worker = str(hub.call("create_worker", name="scatter")["id"])
    modules = hub.state / "workers" / worker / "modules"
    modules.mkdir(parents=True, exist_ok=True)
    (modules / "benchplots.py").write_text(SCATTER_MODULE)
    hub.call("start_worker", id=worker)
    node = hub.worker_call(
        worker,
        "add_node",
        node_id="benchplots.scatter",
        inputs={"seed": 0},
        properties={"position": {"x": 0, "y": 0}},
    )
    uuid = str(node["uuid"])
    preview: dict[str, Any] = {}
    for _ in range(600):  # the first run imports pandas and plotly in the worker
        preview = hub.worker_call(worker, "get_value", uuid=uuid, io="out")
        if preview.get("kind") == "plotly":
            break
        time.sleep(0.1)
    if preview.get("kind") != "plotly" or preview.get("points") != SCATTER_ROWS:
        raise BenchError(f"the scatter node gave no 100,000-point figure: {str(preview)[:300]}")
    shown = int(preview["shown"])

    # First draw: open the worker in a fresh context (plotly.js not loaded) → all points drawn.
    points = f'[data-testid="node-card"][data-uuid="{uuid}"] .scatterlayer .point'
    first = [time_to(browser, hub.url(worker), [(points, shown)]) for _ in range(max(3, runs // 2))]

    # Redraws: the seed edited on the card → the chart shows the new data.
    sizes: list[float] = []
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page: Page = context.new_page()

        def on_socket(ws: Any) -> None:
            def on_frame(payload: str | bytes) -> None:
                raw = payload.encode() if isinstance(payload, str) else payload
                if b'"value"' not in raw or uuid.encode() not in raw:
                    return
                msg = json.loads(raw)
                # one event, or a batch of them ({"type": "batch", "events": [...]})
                for event in msg.get("events", [msg]):
                    data = event.get("data") or {}
                    ours = event.get("event") == "value" and (
                        data.get("uuid"),
                        data.get("io"),
                    ) == (uuid, "out")
                    if ours and data.get("preview", {}).get("kind") == "plotly":
                        sizes.append(len(json.dumps(event)) / 1000)

            ws.on("framereceived", on_frame)

        page.on("websocket", on_socket)
        page.goto(hub.url(worker))
        page.wait_for_selector('[data-testid="worker-view"][data-loaded="true"]', timeout=30_000)
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length === n",
            arg=[points, shown],
            timeout=60_000,
        )
        samples = []
        measured = max(runs, 5)
        for i in range(measured + 2):
            seed = i + 1
            ms = page.evaluate(REDRAW, [uuid, seed, scatter_x0(seed), shown])
            if i >= 2:  # the first two warm the JIT and the worker
                samples.append(float(ms) / 1000)
            page.wait_for_timeout(100)
    finally:
        context.close()
    if not sizes:
        raise BenchError("no value event for the scatter seen on the page's WebSocket")
    return {
        "scatter": summary(samples),
        "scatter_bytes": summary(sizes),
        "scatter_first": summary(first),
    }


def fig_js() -> dict[str, dict[str, float]]:
    index = (STATIC / "index.html").read_text()
    initial = set(re.findall(r'(?:src|href)="/(assets/[^"]+\.js)"', index))
    if not initial:
        raise BenchError("no built JavaScript in nodeweave/static (run npm run build in react_ui)")

    def named_by(loader: str) -> set[str]:
        """A lazy loader chunk and the files it names (the library it adds as scripts)."""
        found = {f"assets/{loader}"}
        body = (STATIC / "assets" / loader).read_text()
        for name in re.findall(r"[\w.-]+\.js", body):
            if (STATIC / "assets" / name).is_file():
                found.add(f"assets/{name}")
        return found

    loaders = {p.name for p in (STATIC / "assets").glob("*Script*.js")}
    plotly = set().union(*(named_by(n) for n in loaders if n.startswith("plotly")))
    vega = set().union(*(named_by(n) for n in loaders if n.startswith("vega")))
    if not plotly or not vega:
        raise BenchError(f"the lazy chart loaders are not where expected: {sorted(loaders)}")

    def kb(names: set[str]) -> float:
        return sum(len(gzip.compress((STATIC / n).read_bytes(), 9)) for n in names) / 1000

    editor = {f"assets/{p.name}" for p in (STATIC / "assets").glob("CodeEditor-*.js")}
    if not editor:
        raise BenchError("the module editor's chunk (CodeEditor-*.js) is not in nodeweave/static")
    return {
        "editor_js_gzip": summary([kb(editor)]),
        "js_gzip": summary([kb(initial)]),
        "charts_js_gzip": summary([kb(plotly)]),
        "vega_js_gzip": summary([kb(vega)]),
    }


RUNNERS = [
    "workers",
    "graph200",
    "graph1000",
    "chain",
    "drag",
    "paste50",
    "undo_tabs",
    "scatter",
    "js_gzip",
]


@contextlib.contextmanager
def running(bytecode: Path) -> Iterator[tuple[Hub, Browser]]:
    with tempfile.TemporaryDirectory(prefix="nodeweave-ui-bench-") as tmp:
        hub = Hub(Path(tmp), bytecode)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                try:
                    yield hub, browser
                finally:
                    browser.close()
        finally:
            hub.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", nargs="+", choices=RUNNERS, help="run only these")
    args = parser.parse_args()
    runs = 3 if args.quick else 10
    only = args.only or RUNNERS
    results: dict[str, dict[str, float]] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-pycache-") as bytecode:
        if "js_gzip" in only:
            results.update(fig_js())
        browser_figures = [name for name in only if name != "js_gzip"]
        if browser_figures:
            with running(Path(bytecode)) as (hub, browser):
                for name in browser_figures:
                    print(f"  … {name}", file=sys.stderr, flush=True)
                    results.update(globals()[f"fig_{name}"](hub, browser, runs))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"nodeweave UI benchmark — headless Chromium, {os.cpu_count()} CPUs; "
        f"median [min, max] ({time.perf_counter() - t0:.0f} s)"
    )
    print_table(FIGURES, results)
    print_floors(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
