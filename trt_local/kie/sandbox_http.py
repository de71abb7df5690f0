"""Small HTTP helpers for the Kie sandbox: envelopes, request bodies and multipart forms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"|(\w+)=([^;\s]+)')


class SandboxReject(Exception):
    """Raised inside a sandbox handler to answer with a Kie error envelope."""

    def __init__(self, code: int, message: str, *, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True, slots=True)
class FormPart:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def envelope(
    data: Any = None,
    *,
    code: int = 200,
    msg: str = "success",
    http_status: int = 200,
    headers: dict[str, str] | None = None,
    success: bool | None = None,
) -> httpx.Response:
    """A Kie JSON envelope ``{"code", "msg", "data"}`` (plus ``success`` for uploads)."""
    body: dict[str, Any] = {"code": code, "msg": msg, "data": data}
    if success is not None:
        body = {"success": success, **body}
    return httpx.Response(http_status, json=body, headers=headers)


def json_body(content: bytes) -> dict[str, Any]:
    """The request's JSON object, or a 422 like Kie's validation error."""
    try:
        body = json.loads(content)
    except ValueError:
        raise SandboxReject(422, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise SandboxReject(422, "request body must be a JSON object")
    return body


def _params(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for quoted_key, quoted, bare_key, bare in _PARAM.findall(header):
        if quoted_key:
            found[quoted_key.lower()] = quoted.replace('\\"', '"')
        else:
            found[bare_key.lower()] = bare
    return found


def parse_multipart(content_type: str, body: bytes) -> dict[str, FormPart]:
    """Parse a form body into its named parts (enough of RFC 7578 for httpx's encoder)."""
    boundary = _params(content_type).get("boundary")
    if not content_type.startswith("multipart/form-data") or not boundary:
        raise SandboxReject(400, "expected a multipart/form-data body")
    parts: dict[str, FormPart] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise SandboxReject(400, "malformed multipart part")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name:
            parts[name] = FormPart(
                name=name,
                filename=disposition.get("filename"),
                content_type=headers.get("content-type", "text/plain"),
                data=data.removesuffix(b"\r\n"),
            )
    return parts
