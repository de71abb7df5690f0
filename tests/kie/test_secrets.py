"""The API key, signed-link query strings and Telegram tokens never reach logs or error texts."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from trt_local.kie import KieClient, KieError

from .helpers import API_KEY, MakeClient, Scripted, envelope

SIGNED = "https://tempfile.aiquickdraw.com/r/1.png?sig=TOPSECRETSIG&expires=1"
TG_URL = "https://api.telegram.org/file/bot123456:AAHsecretTelegramToken/photos/1.jpg"


def _echo_key(request: httpx.Request) -> httpx.Response:
    """A hostile server that echoes the key and signed links into its error messages."""
    if request.url.path == "/api/v1/jobs/createTask":
        return envelope(None, code=401, msg=f"Invalid key {API_KEY} for {SIGNED}")
    if request.url.path == "/api/v1/jobs/recordInfo":
        raise httpx.ConnectError(f"cannot reach {SIGNED} with {API_KEY}")
    if request.url.path == "/api/v1/chat/credit":
        return envelope(None, code=422, msg=f"bad input {TG_URL}")
    if request.url.path == "/api/file-stream-upload":
        raise httpx.ReadTimeout(f"timed out on {API_KEY}")
    return httpx.Response(404, text=f"no such file {API_KEY}")


async def test_no_secret_in_logs_or_errors(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(Scripted(_echo_key).transport)
    errors: list[KieError] = []

    calls = [
        client.create_task("z-image", {"prompt": "cat"}),
        client.record_info("t1"),
        client.credits(),
        client.upload_file(b"x", file_name="a.jpg", mime_type="image/jpeg", upload_path="tg"),
        client.download(SIGNED, max_bytes=10),
    ]
    for call in calls:
        with pytest.raises(KieError) as caught:
            await call
        errors.append(caught.value)

    # httpx's own INFO lines show full URLs; the entry point sets that logger to WARNING.
    # The key is in no record at all, and our own records and errors hide query strings too.
    assert all(API_KEY not in record.getMessage() for record in caplog.records)
    texts = [r.getMessage() for r in caplog.records if r.name.startswith("trt")]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    assert len(texts) >= 2 * len(calls)
    for text in texts:
        assert API_KEY not in text
        assert "TOPSECRETSIG" not in text
        assert "AAHsecretTelegramToken" not in text
    # The errors still say what went wrong.
    assert "Invalid key" in str(errors[0])
    assert "tempfile.aiquickdraw.com/r/1.png" in str(errors[0])


async def test_successful_calls_log_without_the_key(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/jobs/createTask":
            return envelope({"taskId": "t9"})
        return httpx.Response(200, content=b"img", headers={"content-type": "image/png"})

    client = make_client(httpx.MockTransport(handler))
    await client.create_task("z-image", {"prompt": "cat"})
    await client.download(SIGNED, max_bytes=10)

    assert all(API_KEY not in record.getMessage() for record in caplog.records)
    kie_lines = [r.getMessage() for r in caplog.records if r.name == "trt.kie"]
    assert any("/api/v1/jobs/createTask" in m and "z-image" in m for m in kie_lines)
    assert any("t9" in m for m in kie_lines)
    assert any("tempfile.aiquickdraw.com/r/1.png" in m for m in kie_lines)
    assert all("TOPSECRETSIG" not in m for m in kie_lines)


def test_empty_key_is_refused_without_echoing_anything() -> None:
    with pytest.raises(ValueError, match="empty"):
        KieClient("   ")
