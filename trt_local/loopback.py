"""A TCP server on the loopback interface that stops cleanly: what the Telegram emulator and the
Kie sandbox share when they are served over HTTP (demo, tests, outside tools).

Subclasses answer one connection in :meth:`LoopbackServer.handle`; this class tracks the
connections so :meth:`stop` can end them. Stopping drops the sockets, so each handler sees EOF
and ends by itself — cancelling the handler tasks instead makes Python 3.11's asyncio.streams log
a spurious error.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Self

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class LoopbackServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, limit: int = 2**16) -> None:
        if host not in LOOPBACK:
            raise ValueError("this server only listens on the loopback interface")
        self._host = host
        self._port = port
        self._limit = limit  # the stream reader's line limit (the longest request head line)
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"the {type(self).__name__} is not started")
        return self._port

    async def start(self) -> int:
        """Listen; returns the bound port."""
        self._server = await asyncio.start_server(
            self._serve, self._host, self._port, limit=self._limit
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in self._connections.values():
            writer.transport.abort()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer requests on one connection until it ends (subclasses)."""
        raise NotImplementedError

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections[task] = writer
        try:
            await self.handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; nothing to answer
        finally:
            if task is not None:
                self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
