"""Keys of the result cache: what a node's code is, and what its inputs are, as stable digests.

A node's *run key* names one computation: its code (:func:`code_digest`) and, for each input,
either the value's digest (:func:`value_digest`, for values typed in or defaulted) or the
*identity* of the upstream output feeding it (the digest of that output, or the key of the run
that produced it). Keys are the same in every process for the same code and inputs, so results
written under them by one worker are found again after a restart.

Correctness comes first: whatever cannot be digested cheaply and exactly (an object whose
content is not plain data, a value over the size budget, code that is not Python) gives ``None``,
and a node without a key is never served from the cache — it runs, as it would without one.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Iterable
from typing import Any

from .spec import NodeSpec

VALUE_BUDGET = 1 << 16
"""Bytes of encoded plain data a value may take to be digested (bigger: no key)."""

_SCALARS = (int, float, str, bool, bytes, type(None), complex)


class _TooBig(Exception):
    pass


def _encode(value: Any, out: list[bytes], budget: list[int], depth: int = 0) -> bool:
    """Append the canonical bytes of plain data to ``out``; False for anything else."""
    t = type(value)
    if t is str:
        data = value.encode("utf-8", "surrogatepass")
        chunk = b"s%d:" % len(data) + data
    elif t is bool:
        chunk = b"T" if value else b"F"
    elif t is int:
        chunk = b"i%d;" % value
    elif t is float:
        chunk = b"f" + value.hex().encode() + b";"
    elif value is None:
        chunk = b"N"
    elif t is bytes:
        chunk = b"b%d:" % len(value) + value
    elif t is complex:
        chunk = b"c" + value.real.hex().encode() + b"," + value.imag.hex().encode() + b";"
    elif t in (list, tuple) and depth < 32:
        out.append(b"L[" if t is list else b"U[")
        for item in value:
            if not _encode(item, out, budget, depth + 1):
                return False
        chunk = b"]"
    elif t in (dict, set, frozenset) and depth < 32:
        # Order does not make these values differ: their items' encodings, sorted.
        items: list[bytes] = []
        pairs: Iterable[Any] = value.items() if t is dict else value
        for item in pairs:
            part: list[bytes] = []
            if t is dict:
                ok = _encode(item[0], part, budget, depth + 1) and _encode(
                    item[1], part, budget, depth + 1
                )
            else:
                ok = _encode(item, part, budget, depth + 1)
            if not ok:
                return False
            items.append(b"".join(part))
        items.sort()
        tag = {dict: b"D", set: b"S", frozenset: b"Z"}[t]
        out.append(tag + b"%d[" % len(items))
        out.extend(items)
        chunk = b"]"
    else:
        return False
    budget[0] -= len(chunk)
    if budget[0] < 0:
        raise _TooBig
    out.append(chunk)
    return True


def _scalar_text(value: Any) -> str | None:
    """The exact text of a small scalar, typed and length-prefixed (no hashing needed: it goes
    into a run key whole), or ``None``."""
    t = type(value)
    if t is int:
        return f"i{value}" if -(2**63) <= value < 2**63 else None
    if t is float:
        return "f" + float.hex(value)
    if t is bool:
        return "T" if value else "F"
    if value is None:
        return "N"
    if t is str and len(value) <= 64:
        return f"s{len(value)}:{value}"
    return None


def value_digest(value: Any, budget: int = VALUE_BUDGET) -> str | None:
    """A stable digest of plain data (numbers, text, bytes and lists/dicts/sets of them, the type
    told apart: ``1``, ``1.0`` and ``True`` differ); ``None`` for anything else or too big.
    A small scalar is its own typed text (``=i5``), not hashed."""
    text = _scalar_text(value)
    if text is not None:
        return "=" + text
    out: list[bytes] = []
    try:
        if not _encode(value, out, [budget]):
            return None
    except _TooBig:
        return None
    return hashlib.blake2b(b"".join(out), digest_size=16).hexdigest()


def stamp_digest(value: Any) -> str | None:
    """A 32-hex digest of a stamp's value (part of a stored key's file name)."""
    digest = value_digest(value)
    if digest is None:
        return None
    data = digest.encode("utf-8", "surrogatepass")
    return str(hashlib.blake2b(data, digest_size=16).hexdigest())


def outputs_digest(outputs: dict[str, Any], budget: int = 4096) -> str | None:
    """The identity of a node's outputs when they are small plain data (else ``None``)."""
    if len(outputs) == 1:
        for value in outputs.values():  # one output, a scalar: its text is its identity
            text = _scalar_text(value)
            if text is not None:
                return "c=" + text
    digest = value_digest(outputs, budget)
    return None if digest is None else "c" + digest


def code_digest(spec: NodeSpec, module_digest: str | None = None) -> str:
    """A digest of a node type's code: its id, version, the bytecode of its function (wrappers
    unwrapped) and of the functions of its module that it calls, and the digest of its module's
    source when the loader knows it — so editing the node, or a helper it uses, changes it."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{spec.id}\0{spec.version}\0{module_digest or ''}\0".encode())
    _feed_callable(h, spec.func, set(), 0)
    return h.hexdigest()


def _feed_callable(h: Any, fn: Any, seen: set[int], depth: int) -> None:
    while True:  # unwrap decorators that keep the original (functools.wraps)
        inner = getattr(fn, "__wrapped__", None)
        if inner is None or id(inner) in seen:
            break
        seen.add(id(fn))
        fn = inner
    if id(fn) in seen or depth > 4:
        return
    seen.add(id(fn))
    if isinstance(fn, types.MethodType):
        _feed_callable(h, fn.__func__, seen, depth)
        return
    func = getattr(fn, "func", None)
    if func is not None and callable(func) and hasattr(fn, "args"):  # functools.partial
        h.update(b"partial")
        h.update(repr(getattr(fn, "args", ())).encode())
        _feed_callable(h, func, seen, depth + 1)
        return
    code = getattr(fn, "__code__", None)
    if not isinstance(code, types.CodeType):
        h.update(f"{type(fn).__module__}.{type(fn).__qualname__}".encode())
        call = type(fn).__dict__.get("__call__")
        if isinstance(getattr(call, "__code__", None), types.CodeType):
            _feed_callable(h, call, seen, depth + 1)
        return
    _feed_code(h, code)
    module = getattr(fn, "__module__", None)
    glob = getattr(fn, "__globals__", {})
    for name in _names(code):  # the module's own helpers that it calls
        target = glob.get(name)
        if isinstance(target, types.FunctionType) and target.__module__ == module:
            _feed_callable(h, target, seen, depth + 1)
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if callable(content):
            _feed_callable(h, content, seen, depth + 1)
        else:
            digest = value_digest(content, 4096)
            h.update((digest or type(content).__qualname__).encode())


def _names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.extend(_names(const))
    return names


def _feed_code(h: Any, code: types.CodeType) -> None:
    h.update(code.co_code)
    h.update("\0".join(code.co_names).encode())
    h.update("\0".join(code.co_varnames).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _feed_code(h, const)
        else:
            h.update(repr(const).encode("utf-8", "surrogatepass"))
            h.update(b"\0")


def key_of(parts: list[str]) -> str:
    """The key of a run from its parts: the code digest, then each input's name and part (the
    scheduler builds them, see ``Scheduler._run_key``). Input names are identifiers and every
    part is typed and length-prefixed or a digest, so the joined text names one set of inputs
    only."""
    data = "\0".join(parts).encode("utf-8", "surrogatepass")
    return "k" + hashlib.blake2b(data, digest_size=20).hexdigest()


Stamp = Callable[[dict[str, Any]], Any]
"""What a node's result depends on besides its inputs (a file's size and time), read just
before its cache is consulted; it becomes part of the key."""
