"""The hub: registry, virtualenv provisioning, process supervision, WS/HTTP API, the UI."""

from __future__ import annotations
