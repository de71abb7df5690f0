"""Moving files to and from Kie: upload names and folders, and capped result downloads."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import uuid
from urllib.parse import unquote, urlsplit

import httpx

from trt_local.kie.calllog import log_call
from trt_local.kie.envelope import transport_error
from trt_local.kie.errors import DownloadTooLargeError, KieDownloadError, KieTransportError
from trt_local.kie.limits import Clock
from trt_local.kie.records import Downloaded
from trt_local.kie.redact import scrub

_DISPOSITION_NAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")


def unique_upload_name(ext: str) -> str:
    """A random file name with extension ``ext``: Kie overwrites an upload that reuses a name."""
    clean = ext.lstrip(".")
    if not _EXTENSION.match(clean):
        raise ValueError(f"not a plain file extension: {ext!r}")
    return f"{uuid.uuid4().hex}.{clean.lower()}"


def normalize_upload_path(upload_path: str) -> str:
    """Kie wants the folder without leading or trailing slashes, and always present (§7)."""
    cleaned = upload_path.strip().strip("/")
    if not cleaned:
        raise ValueError("upload_path must name a folder, e.g. 'tg/2025-01-31'")
    return cleaned


def file_name_for(url: str, headers: httpx.Headers) -> str:
    """The server's file name (Content-Disposition), else the last URL segment, made safe."""
    disposition = headers.get("content-disposition", "")
    match = _DISPOSITION_NAME.search(disposition)
    raw = match.group(1) if match else unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    # Keep the base name only: the name ends up on disk and in Telegram captions.
    name = _SAFE_NAME.sub("_", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
    return name or "file"


def content_type_for(headers: httpx.Headers, file_name: str) -> str:
    """The declared media type without parameters, guessed from the name when it is generic."""
    declared = str(headers.get("content-type", "")).split(";", 1)[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or "application/octet-stream"


async def read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """Read a streamed body, refusing (without reading on) anything over ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadTooLargeError(
            f"{scrub(url)} is {int(declared)} bytes, over the {max_bytes}-byte limit",
            max_bytes=max_bytes,
        )
    buffer = bytearray()
    async for chunk in response.aiter_bytes():
        buffer += chunk
        if len(buffer) > max_bytes:
            raise DownloadTooLargeError(
                f"{scrub(url)} is over the {max_bytes}-byte limit", max_bytes=max_bytes
            )
    return bytes(buffer)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    seconds: float,
    secret: str,
    clock: Clock,
) -> Downloaded:
    """GET one file with ``client`` (which must carry no credentials), mapping every failure."""
    shown = scrub(url, secret)
    started = clock()
    try:
        async with asyncio.timeout(seconds), client.stream("GET", url) as response:
            status = response.status_code
            if not 200 <= status < 300:
                error = KieDownloadError(f"HTTP {status} for {shown}", status=status)
                log_call(
                    logging.WARNING,
                    "GET",
                    shown,
                    status=status,
                    code=None,
                    seconds=clock() - started,
                    error=error,
                )
                raise error
            content = await read_capped(response, url, max_bytes)
    except httpx.InvalidURL:
        raise KieDownloadError(f"not a downloadable URL: {shown}") from None
    except httpx.RequestError as exc:
        failure = transport_error(exc, secret=secret)
    except TimeoutError:
        failure = KieTransportError(f"download of {shown} timed out", reached=True)
    else:
        log_call(logging.INFO, "GET", shown, status=status, code=None, seconds=clock() - started)
        name = file_name_for(str(response.url), response.headers)
        return Downloaded(content, content_type_for(response.headers, name), name)
    log_call(
        logging.WARNING,
        "GET",
        shown,
        status=None,
        code=None,
        seconds=clock() - started,
        error=failure,
    )
    raise failure
