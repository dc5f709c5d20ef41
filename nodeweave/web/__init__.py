"""aiohttp pieces shared by the hub and the workers: the security middleware and the RPC socket."""

from __future__ import annotations

from .rpc import RpcEndpoint
from .security import TOKEN_COOKIE, error_response, origin_allowed, security_middleware, token_ok

__all__ = [
    "TOKEN_COOKIE",
    "RpcEndpoint",
    "error_response",
    "origin_allowed",
    "security_middleware",
    "token_ok",
]
