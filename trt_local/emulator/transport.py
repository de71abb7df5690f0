"""What both transports share: URL routing and turning a call into response bytes.

Paths look like Telegram's: ``/bot<token>/<method>`` for API calls and
``/file/bot<token>/<file_path>`` for downloads. The host part is ignored, so the in-process request
and the HTTP server answer the same URLs.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from trt_local.emulator.errors import ApiError
from trt_local.emulator.records import UploadedFile
from trt_local.emulator.world import TelegramEmulator

JSON_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class ApiRoute:
    token: str
    method: str


@dataclass(frozen=True, slots=True)
class FileRoute:
    token: str
    file_path: str


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = JSON_TYPE


def parse_route(path: str) -> ApiRoute | FileRoute | None:
    path = unquote(path)
    if path.startswith("/file/bot"):
        token, _, file_path = path.removeprefix("/file/bot").partition("/")
        return FileRoute(token, file_path) if token and file_path else None
    if path.startswith("/bot"):
        token, _, method = path.removeprefix("/bot").partition("/")
        if token and method and "/" not in method:
            return ApiRoute(token, method)
    return None


def json_response(status: int, envelope: Mapping[str, Any]) -> Response:
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body)


def error_response(status: int, description: str) -> Response:
    return json_response(status, ApiError(status, description).envelope())


async def dispatch(
    emulator: TelegramEmulator,
    route: ApiRoute | FileRoute,
    params: Mapping[str, str],
    files: Mapping[str, UploadedFile],
) -> Response:
    """Answer one routed request. Raises ``EmulatedNetworkError`` for an injected network fault."""
    if isinstance(route, FileRoute):
        if not emulator.accepts_token(route.token):
            return error_response(401, "Unauthorized")
        try:
            data = emulator.file_bytes(route.file_path)
        except FileNotFoundError:
            return error_response(404, "Not Found")
        content_type = mimetypes.guess_type(route.file_path)[0] or "application/octet-stream"
        return Response(200, data, content_type)
    status, envelope = await emulator.call(route.token, route.method, params, files)
    return json_response(status, envelope)
