"""Uploads (§7) and result downloads (§6.2) through the real client on a mock transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import httpx
import pytest

from trt_local.kie import (
    DownloadTooLargeError,
    KieDownloadError,
    KieProtocolError,
    UploadFailedError,
    unique_upload_name,
)
from trt_local.kie.sandbox_http import parse_multipart

from .helpers import MakeClient, Scripted, envelope

UPLOADED = {
    "fileName": "a.jpg",
    "filePath": "tg/2025-01-31/a.jpg",
    "downloadUrl": "https://tempfile.redpandaai.co/tg/2025-01-31/a.jpg",
    "fileSize": 3,
    "mimeType": "image/jpeg",
}


def _upload_ok(data: Mapping[str, object]) -> httpx.Response:
    return httpx.Response(
        200, json={"success": True, "code": 200, "msg": "File uploaded successfully", "data": data}
    )


async def test_upload_sends_multipart_with_upload_path(make_client: MakeClient) -> None:
    script = Scripted(_upload_ok(UPLOADED))
    client = make_client(script.transport, upload_base="https://uploads.example/")

    url = await client.upload_file(
        b"\xff\xd8\xff", file_name="a.jpg", mime_type="image/jpeg", upload_path="/tg/2025-01-31/"
    )

    assert url == UPLOADED["downloadUrl"]
    request = script.requests[0]
    assert str(request.url) == "https://uploads.example/api/file-stream-upload"
    assert request.headers["authorization"].startswith("Bearer ")
    parts = parse_multipart(request.headers["content-type"], request.content)
    assert parts["file"].data == b"\xff\xd8\xff"
    assert parts["file"].content_type == "image/jpeg"
    assert parts["uploadPath"].data == b"tg/2025-01-31"  # slashes trimmed, always sent
    assert parts["fileName"].data == b"a.jpg"


async def test_upload_falls_back_to_file_url(make_client: MakeClient) -> None:
    legacy = {"fileName": "a.jpg", "fileUrl": "https://files.example/a.jpg"}
    client = make_client(Scripted(_upload_ok(legacy)).transport)

    url = await client.upload_file(
        b"x", file_name="a.jpg", mime_type="image/jpeg", upload_path="tg"
    )

    assert url == "https://files.example/a.jpg"


async def test_upload_without_any_url_is_a_protocol_error(make_client: MakeClient) -> None:
    client = make_client(Scripted(_upload_ok({"fileName": "a.jpg"})).transport)

    with pytest.raises(KieProtocolError):
        await client.upload_file(b"x", file_name="a.jpg", mime_type="image/jpeg", upload_path="tg")


async def test_upload_success_false_is_an_error(make_client: MakeClient) -> None:
    failed = httpx.Response(200, json={"success": False, "code": 200, "msg": "quota", "data": None})
    script = Scripted(failed)
    client = make_client(script.transport)

    with pytest.raises(UploadFailedError):
        await client.upload_file(b"x", file_name="a.jpg", mime_type="image/jpeg", upload_path="tg")
    assert len(script.requests) == 1


async def test_upload_needs_a_folder(make_client: MakeClient) -> None:
    script = Scripted(_upload_ok(UPLOADED))
    client = make_client(script.transport)

    with pytest.raises(ValueError, match="upload_path"):
        await client.upload_file(b"x", file_name="a.jpg", mime_type="image/jpeg", upload_path="/")
    assert script.requests == []


def test_unique_upload_names_differ_and_keep_the_extension() -> None:
    first, second = unique_upload_name(".JPG"), unique_upload_name("jpg")

    assert first != second
    assert first.endswith(".jpg") and second.endswith(".jpg")
    with pytest.raises(ValueError):
        unique_upload_name("../etc")


def _file(content: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=content, headers=headers)


async def test_download_returns_bytes_type_and_name_without_the_key(
    make_client: MakeClient,
) -> None:
    script = Scripted(_file(b"PNGDATA", **{"content-type": "image/png; charset=binary"}))
    client = make_client(script.transport)

    got = await client.download("https://cdn.example/r/abc%20def.png?x-sig=1", max_bytes=100)

    assert got.content == b"PNGDATA"
    assert got.content_type == "image/png"
    assert got.file_name == "abc_def.png"
    # Result files live on third-party hosts: they must never receive the Kie key.
    assert "authorization" not in script.requests[0].headers


async def test_download_name_from_content_disposition_and_guessed_type(
    make_client: MakeClient,
) -> None:
    headers = {
        "content-type": "application/octet-stream",
        "content-disposition": 'attachment; filename="../../clip.mp4"',
    }
    client = make_client(Scripted(_file(b"mp4", **headers)).transport)

    got = await client.download("https://cdn.example/download", max_bytes=100)

    assert got.file_name == "clip.mp4"
    assert got.content_type == "video/mp4"


async def test_download_refuses_a_declared_size_over_the_cap(make_client: MakeClient) -> None:
    client = make_client(Scripted(_file(b"x" * 101)).transport)

    with pytest.raises(DownloadTooLargeError) as caught:
        await client.download("https://cdn.example/big.mp4", max_bytes=100)

    assert caught.value.max_bytes == 100
    assert "100" in str(caught.value)


async def test_download_stops_streaming_past_the_cap(make_client: MakeClient) -> None:
    sent: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1000):
            sent.append(64)
            yield b"x" * 64

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())  # chunked: no Content-Length

    client = make_client(httpx.MockTransport(handler))

    with pytest.raises(DownloadTooLargeError):
        await client.download("https://cdn.example/stream.mp4", max_bytes=1000)
    assert sum(sent) <= 1000 + 64  # reading stopped at the first chunk over the cap


async def test_download_403_fetches_a_signed_link_once(make_client: MakeClient) -> None:
    original = "https://tempfile.aiquickdraw.com/r/1.png"
    signed = original + "?sig=abc&expires=99"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/common/download-url":
            return envelope(signed)
        if request.url.params.get("sig") == "abc":
            return _file(b"signed-bytes", **{"content-type": "image/png"})
        return httpx.Response(403, text="Forbidden")

    script = Scripted(handler)
    client = make_client(script.transport)

    got = await client.download(original, max_bytes=1000)

    assert got.content == b"signed-bytes"
    assert got.file_name == "1.png"
    paths = [(r.method, r.url.host, r.url.path) for r in script.requests]
    assert paths == [
        ("GET", "tempfile.aiquickdraw.com", "/r/1.png"),
        ("POST", "api.kie.ai", "/api/v1/common/download-url"),
        ("GET", "tempfile.aiquickdraw.com", "/r/1.png"),
    ]


async def test_download_403_twice_gives_up(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/common/download-url":
            return envelope("https://tempfile.aiquickdraw.com/r/1.png?sig=1")
        return httpx.Response(403, text="Forbidden")

    script = Scripted(handler)
    client = make_client(script.transport)

    with pytest.raises(KieDownloadError) as caught:
        await client.download("https://tempfile.aiquickdraw.com/r/1.png", max_bytes=10)

    assert caught.value.status == 403
    assert len(script.requests) == 3


async def test_download_404_is_not_retried(make_client: MakeClient) -> None:
    script = Scripted(httpx.Response(404, text="gone"))
    client = make_client(script.transport)

    with pytest.raises(KieDownloadError) as caught:
        await client.download("https://cdn.example/expired.png", max_bytes=10)

    assert caught.value.status == 404
    assert not caught.value.retryable
    assert len(script.requests) == 1


async def test_download_retries_a_dropped_connection(make_client: MakeClient) -> None:
    script = Scripted(httpx.ReadError("reset"), _file(b"ok"))
    client = make_client(script.transport)

    got = await client.download("https://cdn.example/r.png", max_bytes=10)

    assert got.content == b"ok"
    assert len(script.requests) == 2


async def test_download_url_accepts_the_legacy_object_shape(make_client: MakeClient) -> None:
    client = make_client(Scripted(envelope({"url": "https://signed.example/x"})).transport)

    assert await client.download_url("https://cdn.example/x") == "https://signed.example/x"
