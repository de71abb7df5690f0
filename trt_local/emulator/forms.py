"""Decoding Bot API request bodies into the emulator's form strings and uploaded files.

Telegram accepts a query string, ``application/x-www-form-urlencoded``, ``multipart/form-data`` and
JSON bodies; every value ends up as a string (nested JSON values re-encoded), which is what
``TelegramEmulator.call`` expects.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from trt_local.emulator.records import UploadedFile

# Multipart parameter values are quoted; httpx escapes ``"`` as %22, ``\\`` as ``\\\\`` and control
# characters as %XX (the HTML5 form encoding), so that is what gets undone here.
_HEADER_PARAM = re.compile(r';\s*([A-Za-z0-9*_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_HTML5_ESCAPE = re.compile(r"%(22|[01][0-9A-Fa-f])|\\\\")


class FormError(ValueError):
    """The body cannot be decoded (answered with 400)."""


def header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``type/subtype; a="b"; c=d`` into the main value and its parameters."""
    main = value.split(";", 1)[0].strip().lower()
    params: dict[str, str] = {}
    for match in _HEADER_PARAM.finditer(value):
        raw = match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = _HTML5_ESCAPE.sub(_unescape, raw[1:-1])
        params[match.group(1).lower()] = raw
    return main, params


def _unescape(match: re.Match[str]) -> str:
    return "\\" if match.group(1) is None else chr(int(match.group(1), 16))


def form_value(value: object) -> str:
    """A JSON value as the form string a Telegram transport would carry."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def decode_body(
    content_type: str, body: bytes, query: str = ""
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Query-string params merged with the body's params; files from a multipart body."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    mime, options = header_params(content_type)
    try:
        if mime == "multipart/form-data":
            boundary = options.get("boundary")
            if not boundary:
                raise FormError("multipart body without a boundary")
            fields, files = parse_multipart(body, boundary)
            params.update(fields)
        elif mime == "application/json":
            decoded = json.loads(body) if body.strip() else {}
            if not isinstance(decoded, dict):
                raise FormError("a JSON body must be an object")
            params.update({k: form_value(v) for k, v in decoded.items() if v is not None})
        elif body:
            params.update(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise FormError("the body is not UTF-8") from None
    except json.JSONDecodeError:
        raise FormError("the body is not valid JSON") from None
    return params, files


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """RFC 7578 ``multipart/form-data``: text fields and file parts (those with a filename)."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        raise FormError("multipart body is not terminated")
    params: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in chunks[1:-1]:
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise FormError("multipart part without headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8").split("\r\n")[1:]:  # [0]: rest of the delimiter line
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition, options = header_params(headers.get("content-disposition", ""))
        field = options.get("name")
        if disposition != "form-data" or field is None:
            raise FormError("multipart part without a form-data name")
        if "filename" in options:
            content_type = headers.get("content-type", "application/octet-stream")
            files[field] = UploadedFile(options["filename"], content, content_type)
        else:
            params[field] = content.decode("utf-8")
    return params, files
