"""``KieSandboxServer``: the Kie sandbox over HTTP/1.1 on 127.0.0.1, inside the caller's event loop.

A bot in another process reaches it with ``KIE_API_BASE`` and ``KIE_UPLOAD_BASE`` set to
:attr:`KieSandboxServer.base_url` and any non-empty ``KIE_API_KEY``. The sandbox lives as long as
the server, not the bot: a bot that crashes and restarts finds the tasks it created still there.
The sandbox's result and upload URLs are pointed at the server, so downloads go over loopback too.

Each request becomes an ``httpx.Request`` for the sandbox transport and its answer is written
back, so the switches work as in-process (``fail_next``, ``fail_tasks``, ``hang_tasks``…); the
"connection refused" and "response lost" switches drop the connection without an answer. Stdlib
only, like the Telegram emulator's server (:mod:`trt_local.emulator.http`); bodies need a
Content-Length (httpx always sends one for the bodies the Kie client makes).
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus

import httpx

from trt_local.kie.sandbox import KieSandbox
from trt_local.loopback import LoopbackServer

MAX_HEAD = 64 * 1024
MAX_BODY = 60 * 1024 * 1024  # above the largest upload the bot makes
_SKIPPED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


class _BadRequest(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


async def _read_request(reader: asyncio.StreamReader, base_url: str) -> httpx.Request | None:
    """The next request on the connection; None when the client closed it between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as eof:
        if eof.partial:
            raise _BadRequest(400, "truncated request") from None
        return None
    except asyncio.LimitOverrunError:
        raise _BadRequest(431, "request head too large") from None
    lines = head[:-4].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[1].startswith("/") or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(400, "malformed request line")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise _BadRequest(400, "malformed header")
        headers.append((name.strip().lower(), value.strip()))
    fields = dict(headers)
    if "chunked" in fields.get("transfer-encoding", "").lower():
        raise _BadRequest(411, "send a Content-Length")
    try:
        length = int(fields.get("content-length", "0"))
    except ValueError:
        raise _BadRequest(400, "bad Content-Length") from None
    if not 0 <= length <= MAX_BODY:
        raise _BadRequest(413, "Request Entity Too Large")
    body = await reader.readexactly(length)
    return httpx.Request(parts[0].upper(), base_url + parts[1], headers=headers, content=body)


def _encode(status: int, headers: list[tuple[str, str]], body: bytes, keep_alive: bool) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"  # Kie's own codes (455…) are not in the standard table
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers if name not in _SKIPPED_HEADERS]
    lines += [
        f"Content-Length: {len(body)}",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class KieSandboxServer(LoopbackServer):
    """Serve one :class:`KieSandbox` on 127.0.0.1 (an ephemeral port unless one is given)."""

    def __init__(self, sandbox: KieSandbox | None = None, *, port: int = 0) -> None:
        super().__init__("127.0.0.1", port, limit=MAX_HEAD)
        self.sandbox = sandbox or KieSandbox()

    @property
    def base_url(self) -> str:
        """Both ``KIE_API_BASE`` and ``KIE_UPLOAD_BASE``: the two hosts' paths do not overlap."""
        return f"http://{self._host}:{self.port}"

    async def start(self) -> int:
        """Listen, and point the sandbox's file URLs here; returns the bound port."""
        port = await super().start()
        self.sandbox.files_base = self.base_url
        return port

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                request = await _read_request(reader, self.base_url)
            except _BadRequest as error:
                writer.write(_encode(error.status, [], str(error).encode(), False))
                break
            if request is None:
                break
            try:
                response = await self.sandbox.handle_async_request(request)
            except httpx.TransportError:
                writer.transport.abort()  # the sandbox's connect-error / lost-answer switches
                return
            keep_alive = request.headers.get("connection", "").lower() != "close"
            body = await response.aread()
            writer.write(
                _encode(response.status_code, response.headers.multi_items(), body, keep_alive)
            )
            await writer.drain()
            if not keep_alive:
                break
