"""``nodeweave worker spare``: a process with a worker's imports done, waiting to become one.

The hub keeps one such *warm spare* so that ``start_worker`` does not wait for an interpreter to
start and import aiohttp, pydantic and the worker (most of a cold start). The engine is not
imported here: a worker imports it when it has a graph or modules to load (about 0.1 s), and one
that starts empty stays at rest without it (see :mod:`nodeweave.worker.service`), whether it
started cold or from a spare. The exchange, over the spare's standard streams:

1. After its imports it prints :data:`SPARE_READY` on stdout.
2. It reads one JSON line on stdin, an :class:`Assignment`: the ``nodeweave`` arguments it is to
   run (``worker run ID …``), the whole environment, the working directory and the log file.
3. It becomes that worker: stdin from ``/dev/null``, stderr (the file descriptor) on the log,
   the directory, environment, ``sys.path[0]`` and ``sys.argv`` of a worker started cold — and
   runs the command line as ``python -m nodeweave`` would. From there on it is that worker:
   the ready line on stdout, its lock, its port.

End of input instead of a line (the hub stopped, or turned its spares off) ends it with status
0. A spare serves one worker and never another: it has become that worker.

Nothing the worker's node modules need is imported here — FuncNodes in particular reads where to
keep its files when it is first imported, which is only known once the spare is assigned.
"""

from __future__ import annotations

import gc
import os
import shlex
import sys

import orjson
import pydantic

SPARE_READY = "NODEWEAVE_SPARE_READY"
"""The line a spare prints once it is warm."""

EXIT_BAD_ASSIGNMENT = 2


class Assignment(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    argv: list[str] = pydantic.Field(min_length=1)
    """What follows ``python -m nodeweave`` for the worker (``worker run ID [--safe]``)."""
    env: dict[str, str]
    cwd: str
    log: str
    """The worker's log: its stderr from now on."""


def preload() -> None:
    """Import what a worker imports before its ready line (and nothing its modules need)."""
    import nodeweave.worker.main  # noqa: F401
    from nodeweave.worker import config  # noqa: F401


def become(job: Assignment, start_cwd: str) -> None:
    """Turn this process into the worker a cold start of ``job.argv`` in ``job.cwd`` would be."""
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
    finally:
        os.close(null)
    log = os.open(job.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        sys.stderr.flush()
        os.dup2(log, 2)
    finally:
        os.close(log)
    # What ps and /proc/PID/cmdline show: the worker a cold start would have been. (Before the
    # environment changes: the title takes the room of the environment the process started with.)
    from setproctitle import setproctitle

    setproctitle(shlex.join([sys.executable, "-m", "nodeweave", *job.argv]))
    os.chdir(job.cwd)
    os.environ.clear()
    os.environ.update(job.env)
    # ``python -m`` puts the directory it started in first on the import path.
    if sys.path and sys.path[0] == start_cwd:
        sys.path[0] = job.cwd
    sys.argv = [sys.argv[0], *job.argv]


def wait() -> Assignment | int:
    """Warm up, say so, and wait: the assignment this process is now to run (``become`` done),
    or the exit status when there is none."""
    preload()
    # What is imported lives as long as the process: out of the collector's sight now, so the
    # worker's collection before its ready line has only its own start to look at.
    gc.collect()
    gc.freeze()
    start_cwd = os.getcwd()
    sys.stdout.write(SPARE_READY + "\n")
    sys.stdout.flush()
    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0
    try:
        job = Assignment.model_validate(orjson.loads(line))
    except (orjson.JSONDecodeError, pydantic.ValidationError) as exc:
        print(f"nodeweave worker spare: not an assignment: {exc}", file=sys.stderr)
        return EXIT_BAD_ASSIGNMENT
    become(job, start_cwd)
    return job
