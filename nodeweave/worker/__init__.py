"""One process = one nodespace: the worker (RPC app, persistence, modules, hot reload)."""

from __future__ import annotations
