"""A worker's secrets: named values for its process's environment, kept out of everything else.

They live in ``secrets.json`` in the worker's folder, readable by the user only (0600), never in
``worker.json``, never in a workflow export (that is the graph), never in a log line, and never
sent back over the protocol: a listing gives names only. The hub puts them into the worker's
environment when it starts it; node code reads them as environment variables. (Node code runs
with the user's rights: it can read them, and so can the user's other processes.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import orjson

from .atomic import atomic_write

SECRETS_FILE: Final = "secrets.json"
MAX_VALUE: Final = 64 * 1024
NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


class SecretError(ValueError):
    """A name or value that cannot be a secret (the message never contains the value)."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise SecretError(
            "a secret's name is an environment variable name: letters, digits and _, not "
            "starting with a digit, at most 128 characters"
        )
    return name


def read_secrets(folder: Path) -> dict[str, str]:
    try:
        data = orjson.loads((folder / SECRETS_FILE).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def secret_names(folder: Path) -> list[str]:
    return sorted(read_secrets(folder))


def set_secret(folder: Path, name: str, value: str) -> list[str]:
    """Set (or replace) a secret; returns the names."""
    check_name(name)
    if not isinstance(value, str) or "\0" in value:
        raise SecretError("a secret's value is text without NUL characters")
    if len(value.encode()) > MAX_VALUE:
        raise SecretError(f"a secret's value is at most {MAX_VALUE // 1024} kB")
    secrets = read_secrets(folder)
    secrets[name] = value
    atomic_write(folder / SECRETS_FILE, orjson.dumps(secrets), mode=0o600)
    return sorted(secrets)


def delete_secret(folder: Path, name: str) -> bool:
    secrets = read_secrets(folder)
    if secrets.pop(name, None) is None:
        return False
    atomic_write(folder / SECRETS_FILE, orjson.dumps(secrets), mode=0o600)
    return True
