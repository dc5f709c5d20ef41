"""`./scripts/up` on a checkout that is already set up: how long until it prints the UI URL.

Runs the README's run command as a user would (a fresh state directory each time, so no hub is
running), reads its output until the URL line, stops the hub by pid (SIGTERM: it stops politely)
and prints median [min, max]. Run it from the repository root: ``.venv/bin/python bench/up.py``.
The first run may install (a checkout that is not set up yet); it is reported apart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Figure, print_table, summary

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
PORT = 9397


def start_once() -> float:
    """Seconds from launching scripts/up to the URL line on its output."""
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-up-") as state:
        env = {**os.environ, "FUNCNODES_CONFIG_DIR": state}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(ROOT / "scripts" / "up"), "--no-browser", "--port", str(PORT)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if "http://127.0.0.1" in line:
                    return time.perf_counter() - started
            raise RuntimeError(f"scripts/up exited ({proc.wait()}) without printing its URL")
        finally:
            proc.send_signal(signal.SIGTERM)  # scripts/up execs the hub: this is its pid
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main() -> None:
    first = start_once()
    samples = [start_once() for _ in range(RUNS)]
    print(f"scripts/up, first run (may install): {first:.3f} s")
    figures = [Figure("up", "scripts/up on a set-up checkout → URL printed", "s", 2.0)]
    print_table(figures, {"up": summary(samples)})


if __name__ == "__main__":
    main()
