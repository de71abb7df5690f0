"""``EmulatorServer``: the emulator over HTTP/1.1 on 127.0.0.1, inside the caller's event loop.

A bot in another process reaches it with ``TRT_TELEGRAM_API_BASE=http://127.0.0.1:PORT/bot`` and
``TRT_TELEGRAM_FILE_BASE=http://127.0.0.1:PORT/file/bot``. It serves ``POST``/``GET``
``/bot<token>/<method>`` (query string, url-encoded, multipart or JSON bodies) and
``GET /file/bot<token>/<path>``, with keep-alive. While a call is pending the connection is watched:
a client that hangs up (PTB cancelling a long poll on stop) cancels its call. An injected network
fault drops the connection without an answer. Stdlib only: the protocol subset is small.

``serve_forever`` is ``trt emulator --port N --token T``: a standalone emulator until a signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from dataclasses import dataclass
from http import HTTPStatus
from typing import TextIO
from urllib.parse import urlsplit

from trt_local.emulator.errors import EmulatedNetworkError
from trt_local.emulator.forms import FormError, decode_body
from trt_local.emulator.transport import Response, dispatch, error_response, parse_route
from trt_local.emulator.world import TelegramEmulator
from trt_local.loopback import LoopbackServer
from trt_local.platform_signals import HEADLESS, StopSignals

_LOG = logging.getLogger(__name__)
MAX_HEAD = 64 * 1024
MAX_BODY = 60 * 1024 * 1024  # above Telegram's 50 MB upload limit, so that answer is a 413 JSON
_READ = 64 * 1024


class HttpError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


class _Connection:
    """A buffered reader that can also watch for the peer hanging up between requests."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader
        self._buffer = bytearray()

    async def read_until(self, separator: bytes, limit: int) -> bytes | None:
        """Bytes up to ``separator`` (consumed); None on a clean EOF before any byte."""
        while (index := self._buffer.find(separator)) < 0:
            if len(self._buffer) > limit:
                raise HttpError(431, "request head too large")
            chunk = await self._reader.read(_READ)
            if not chunk:
                if self._buffer:
                    raise HttpError(400, "truncated request")
                return None
            self._buffer += chunk
        data = bytes(self._buffer[:index])
        del self._buffer[: index + len(separator)]
        return data

    async def read_exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = await self._reader.read(max(_READ, size - len(self._buffer)))
            if not chunk:
                raise HttpError(400, "truncated body")
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    async def wait_hangup(self) -> None:
        """Return when the peer closes; anything it pipelines meanwhile stays buffered."""
        while chunk := await self._reader.read(_READ):
            self._buffer += chunk


async def _read_request(conn: _Connection, writer: asyncio.StreamWriter) -> HttpRequest | None:
    head = await conn.read_until(b"\r\n\r\n", MAX_HEAD)
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, "malformed request line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise HttpError(400, "malformed header")
        headers[name.strip().lower()] = value.strip()
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(conn)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise HttpError(400, "bad Content-Length") from None
        if length > MAX_BODY:
            raise HttpError(413, "Request Entity Too Large")
        body = await conn.read_exactly(length)
    return HttpRequest(parts[0].upper(), parts[1], headers, body)


async def _read_chunked(conn: _Connection) -> bytes:
    body = bytearray()
    while True:
        size_line = await conn.read_until(b"\r\n", 1024)
        try:
            size = int((size_line or b"").split(b";")[0], 16)
        except ValueError:
            raise HttpError(400, "bad chunk size") from None
        if size == 0:
            while await conn.read_until(b"\r\n", MAX_HEAD):  # trailers end with an empty line
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY:
            raise HttpError(413, "Request Entity Too Large")
        body += await conn.read_exactly(size)
        await conn.read_exactly(2)


def _encode(response: Response, keep_alive: bool) -> bytes:
    reason = HTTPStatus(response.status).phrase
    head = (
        f"HTTP/1.1 {response.status} {reason}\r\n"
        f"Content-Type: {response.content_type}\r\n"
        f"Content-Length: {len(response.body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + response.body


class EmulatorServer(LoopbackServer):
    def __init__(self, emulator: TelegramEmulator, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._emulator = emulator

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self.port}/file/bot"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Connection(reader)
        while True:
            try:
                request = await _read_request(conn, writer)
            except HttpError as error:
                writer.write(_encode(error_response(error.status, str(error)), False))
                break
            if request is None:
                break
            response = await self._answer(request, conn)
            if response is None:  # injected network fault or the client hung up
                writer.transport.abort()
                return
            writer.write(_encode(response, request.keep_alive))
            await writer.drain()
            if not request.keep_alive:
                break

    async def _answer(self, request: HttpRequest, conn: _Connection) -> Response | None:
        url = urlsplit(request.target)
        route = parse_route(url.path)
        if route is None or request.method not in ("GET", "POST"):
            return error_response(404, "Not Found")
        try:
            params, files = decode_body(
                request.headers.get("content-type", ""), request.body, url.query
            )
        except FormError as error:
            return error_response(400, f"Bad Request: {error}")
        call = asyncio.ensure_future(dispatch(self._emulator, route, params, files))
        hangup = asyncio.ensure_future(conn.wait_hangup())
        try:
            await asyncio.wait({call, hangup}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pending in (call, hangup):
                if not pending.done():
                    pending.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pending
        if not call.done() or call.cancelled():
            return None
        try:
            return call.result()
        except EmulatedNetworkError:
            return None
        except Exception:
            # An emulator bug: answer 500 and keep serving, as a real server would.
            _LOG.exception("the emulator failed on %s", getattr(route, "method", "a file"))
            return error_response(500, "Internal Server Error")


async def serve_forever(
    port: int, token: str, *, stop: asyncio.Event | None = None, out: TextIO | None = None
) -> None:
    """Serve a fresh emulator on 127.0.0.1:``port`` until SIGINT/SIGTERM (or ``stop`` is set).

    Prints one line with the base URLs (never the token) once it listens.
    """
    stop = stop or asyncio.Event()
    signals = StopSignals(stop.set, HEADLESS)  # outside the main thread none: ``stop`` still works
    signals.install()
    server = EmulatorServer(TelegramEmulator(token), port=port)
    try:
        await server.start()
        print(
            f"Telegram emulator listening: TRT_TELEGRAM_API_BASE={server.base_url} "
            f"TRT_TELEGRAM_FILE_BASE={server.base_file_url}",
            file=out or sys.stdout,
            flush=True,
        )
        await stop.wait()
    finally:
        await server.stop()
        signals.restore()
