"""A worker killed (SIGKILL) in the middle of saving always leaves a loadable nodespace.json."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from nodeweave.core.document import parse
from nodeweave.state import NODESPACE_FILE, backup_path
from nodeweave.worker.persistence import load_nodespace

# Writes ever-growing valid documents as fast as it can, announcing the first one. Each document
# is a chain of nodes, so a torn or mixed file would also break the edges.
WRITER = """
import sys
from pathlib import Path
import orjson
from nodeweave.state import atomic_write

path, start = Path(sys.argv[1]), int(sys.argv[2])
nodes, edges = [], []

def grow(n):
    for i in range(len(nodes), n):
        nodes.append({"uuid": f"n{i}", "node_id": "numbers.add", "inputs": {"a": i, "b": "x" * 40},
                      "properties": {"position": {"x": i, "y": -i}}})
        if i:
            edges.append({"src": f"n{i - 1}", "src_io": "out", "dst": f"n{i}", "dst_io": "a"})

grow(start)
announced = False
while True:
    grow(len(nodes) + 25)
    doc = {"schema_version": 1, "nodes": nodes, "edges": edges}
    atomic_write(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), backup=True)
    if not announced:
        print(len(nodes), flush=True)
        announced = True
"""

KILLS = 15


def test_sigkill_during_saves_never_leaves_a_broken_main_file(tmp_path: Path) -> None:
    path = tmp_path / NODESPACE_FILE
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    count = 0
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(count)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()  # after this the child is saving in a tight loop
            assert first.strip(), f"the writer died before its first save (seed {seed})"
            time.sleep(rng.uniform(0.005, 0.06))
            assert proc.poll() is None
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL

        outcome = load_nodespace(path)
        context = f"kill {kill}, seed {seed}: {outcome.problems}"
        assert outcome.source == "main", context
        assert outcome.problems == [], context
        assert outcome.moved_aside == [], context
        assert outcome.document is not None
        nodes = outcome.document["nodes"]
        assert len(nodes) >= count, context  # a completed save is never lost
        assert len(outcome.document["edges"]) == len(nodes) - 1
        count = len(nodes)
        bak = backup_path(path)
        if bak.exists():  # the backup is swapped in atomically as well
            parse(orjson.loads(bak.read_bytes()))
        # load_nodespace cleared what the kill left behind
        assert {p.name for p in tmp_path.iterdir()} <= {NODESPACE_FILE, bak.name}
