"""The studio's guard: the token, the Host header, CSRF, size limits and the page's headers.

Every request passes `Guard` (pure ASGI middleware) before any route sees it:

    Host header    127.0.0.1:PORT, localhost:PORT or [::1]:PORT (or --host's name) else 400,
                   so a page on another site cannot reach the studio by DNS rebinding
    token          `?token=` on the first visit (then a SameSite=Strict, HttpOnly cookie)
                   else 403; the first visit is redirected to the same path without it
    size           bodies over MAX_BODY bytes are refused (413)
    headers        a Content-Security-Policy that allows no outside request, no framing,
                   no referrer, no caching of personal pages
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "workbook_studio"
MAX_BODY = 60_000_000  # the largest upload (a few filled workbooks); each kind has its own limit
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")  # fmt: skip
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(token: str) -> str:
    """The form's CSRF token: derived from the session token, so it needs no storage."""
    return hmac.new(token.encode(), b"workbook-studio-csrf", hashlib.sha256).hexdigest()


WILDCARDS = ("0.0.0.0", "::", "")


def machine_names() -> list[str]:
    """This machine's names and addresses, for a studio listening on every interface."""
    name = socket.gethostname()
    found = [name, socket.getfqdn()]
    with contextlib.suppress(OSError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(name, None)]
    return list(dict.fromkeys(n for n in found if n))


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers the studio answers: this machine's loopback names, the address it
    listens on, and (listening everywhere) the machine's own names and addresses."""
    listened = machine_names() if host in WILDCARDS else [host]
    names = {*LOCAL_HOSTS, *(f"[{n}]" if ":" in n else n for n in listened)}
    return frozenset(f"{name}:{port}".lower() for name in names)


class Guard:
    """Refuse what did not come from the user's own browser, holding the token."""

    def __init__(self, app: ASGIApp, token: str, hosts: frozenset[str]) -> None:
        self.app, self.token, self.hosts = app, token, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host", "").lower() not in self.hosts:
            await _plain(send, 400, "This address is not the studio's.")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if _same(query.get("token", ""), self.token):
            await self._welcome(scope, query, send)
            return
        if not _same(_cookie(headers.get("cookie", "")), self.token):
            await _plain(send, 403, "Open the studio with the address it printed (with ?token=).")
            return
        length = headers.get("content-length", "0").strip() or "0"
        if not length.isdigit():
            await _plain(send, 400, "This request's Content-Length is not a number.")
            return
        if int(length) > MAX_BODY:
            await _plain(send, 413, "This request is too large.")
            return
        await self.app(scope, _limited(receive), _with_headers(send))

    async def _welcome(self, scope: Scope, query: dict[str, str], send: Send) -> None:
        """First visit: set the cookie and drop the token from the address bar."""
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        location = scope.get("path", "/") + (f"?{rest}" if rest else "")
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", location.encode()), (b"set-cookie", cookie.encode()), *HEADERS]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _cookie(header: str) -> str:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return ""


def _limited(receive: Receive) -> Receive:
    """A body that grows past MAX_BODY (without a Content-Length saying so) is cut off."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY:
            raise BodyTooLarge
        return message

    return limited


class BodyTooLarge(Exception):
    """A request body past MAX_BODY."""


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *HEADERS]
        await send(message)

    return sending


async def _plain(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS]})  # fmt: skip
    await send({"type": "http.response.body", "body": text.encode()})
