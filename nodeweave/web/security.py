"""Who may talk to a hub or a worker: the token everywhere but ``/health``, and no foreign Origin.

A browser page from another site could otherwise drive a local server (cross-site WebSocket
hijacking); and a page of a site whose name resolves to 127.0.0.1 (DNS rebinding) sends an Origin
that matches its Host, so a page is only "ours" when that host is a loopback name or the bind host.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from nodeweave.protocol import ErrorCode

TOKEN_COOKIE = "nodeweave_token"
PUBLIC_PATHS = frozenset({"/health"})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": str(code), "message": message}}, status=status)


def token_ok(request: web.Request, token: str) -> bool:
    """``Authorization: Bearer``, ``?token=`` or the cookie; compared in constant time."""
    auth = request.headers.get("Authorization", "")
    given = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    if given is None:
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE)
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def origin_allowed(
    origin: str, request: web.Request, allowed: Collection[str], bind_host: str
) -> bool:
    """A listed origin, or the server's own pages on a loopback name or the bind host."""
    origin = origin.rstrip("/")
    if origin in allowed:
        return True
    host = request.host
    name = host if host.endswith("]") else host.rsplit(":", 1)[0]
    return origin == f"http://{host}" and (name in _LOOPBACK or name == bind_host)


def cors_headers(origin: str, *, preflight: bool = False) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "X-Total-Count",
        "Vary": "Origin",
    }
    if preflight:
        headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        headers["Access-Control-Max-Age"] = "600"
    return headers


def security_middleware(
    token: str | None,
    allowed_origins: Collection[str],
    bind_host: str,
    *,
    public: Collection[str] = PUBLIC_PATHS,
    public_prefixes: tuple[str, ...] = (),
) -> Middleware:
    """Refuse foreign origins (403) and requests without the token (401).

    ``public`` paths (and paths under ``public_prefixes``, e.g. the UI's static files, which
    hold no data) need no token. ``token=None`` switches the token check off (tests only).
    """

    @web.middleware
    async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        origin = request.headers.get("Origin")
        allowed = origin is None or origin_allowed(origin, request, allowed_origins, bind_host)
        if request.method == "OPTIONS":  # CORS preflight
            if origin is None or not allowed:
                return error_response(403, ErrorCode.FORBIDDEN_ORIGIN, "origin not allowed")
            return web.Response(status=204, headers=cors_headers(origin, preflight=True))
        if path in public or (public_prefixes and path.startswith(public_prefixes)):
            return await handler(request)
        if not allowed:
            return error_response(
                403, ErrorCode.FORBIDDEN_ORIGIN, f"requests from origin {origin!r} are refused"
            )
        if token is not None and not token_ok(request, token):
            return error_response(401, ErrorCode.UNAUTHORIZED, "a valid token is required")
        response = await handler(request)
        if origin is not None and not isinstance(response, web.WebSocketResponse):
            response.headers.update(cors_headers(origin))
        return response

    return security
