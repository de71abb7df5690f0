"""``EmulatorRequest``: a python-telegram-bot request object that talks to a ``TelegramEmulator``
in the same event loop, with no sockets.

It converts PTB's ``RequestData`` exactly as an HTTP transport would put it on the wire (form
strings from ``json_parameters``, files from ``multipart_data``), so the emulator sees the same
input either way. Give the bot one instance for getUpdates and one for the rest, as PTB does::

    Bot(token, request=EmulatorRequest(emu), get_updates_request=EmulatorRequest(emu),
        base_url=BASE_URL, base_file_url=BASE_FILE_URL)
"""

from __future__ import annotations

import asyncio
from typing import IO
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from trt_local.emulator.errors import EmulatedNetworkError
from trt_local.emulator.records import UploadedFile
from trt_local.emulator.transport import dispatch, error_response, parse_route
from trt_local.emulator.world import TelegramEmulator

BASE_URL = "https://emulator.invalid/bot"
BASE_FILE_URL = "https://emulator.invalid/file/bot"
_DEFAULT = type(BaseRequest.DEFAULT_NONE)


def _uploaded(field: tuple[str, bytes | IO[bytes], str]) -> UploadedFile:
    filename, content, mime_type = field
    data = content if isinstance(content, bytes) else content.read()
    return UploadedFile(filename, data, mime_type)


class EmulatorRequest(BaseRequest):
    """Routes PTB's requests to ``emulator``; ``read_timeout`` is enforced like a socket's."""

    __slots__ = ("_emulator", "_read_timeout")

    def __init__(self, emulator: TelegramEmulator, read_timeout: float | None = 5.0) -> None:
        self._emulator = emulator
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the emulator lives in this process."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        route = parse_route(urlsplit(url).path)
        if route is None:
            response = error_response(404, "Not Found")
            return response.status, response.body
        params = request_data.json_parameters if request_data else {}
        files = (
            {name: _uploaded(field) for name, field in request_data.multipart_data.items()}
            if request_data
            else {}
        )
        timeout = self._read_timeout if isinstance(read_timeout, _DEFAULT) else read_timeout
        if timeout is not None and not isinstance(timeout, int | float):
            raise TypeError("read_timeout must be a number or None")
        try:
            async with asyncio.timeout(timeout):
                response = await dispatch(self._emulator, route, params, files)
        except TimeoutError:
            raise TimedOut("the emulator did not answer within the read timeout") from None
        except EmulatedNetworkError as error:
            raise NetworkError(str(error)) from None
        return response.status, response.body
