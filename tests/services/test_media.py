"""User media goes to Kie's upload API under a fresh name in a folder per day."""

from __future__ import annotations

import pytest

from trt_local.kie import KieClient, KieSandbox
from trt_local.services.media import MediaService, extension_for

from .helpers import FakeClock


async def test_upload_uses_a_dated_folder_and_a_unique_name(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    media = MediaService(kie, clock=clock)

    first = await media.upload(b"\xff\xd8jpeg-bytes", file_name="photo.JPG", mime_type="image/jpeg")
    second = await media.upload(
        b"\xff\xd8jpeg-bytes", file_name="photo.JPG", mime_type="image/jpeg"
    )

    assert first != second
    assert [upload.url for upload in sandbox.uploads] == [first, second]
    upload = sandbox.uploads[0]
    assert upload.upload_path == "tg/2025-06-15"
    assert upload.file_name.endswith(".jpg") and len(upload.file_name) == 32 + 4
    assert (upload.content, upload.mime_type) == (b"\xff\xd8jpeg-bytes", "image/jpeg")


async def test_an_empty_file_is_refused_before_any_request(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    with pytest.raises(ValueError):
        await MediaService(kie, clock=clock).upload(b"", file_name="a.ogg", mime_type="audio/ogg")
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("file_name", "mime_type", "expected"),
    [
        ("voice.OGG", "audio/ogg", "ogg"),
        ("file_42", "image/jpeg", "jpg"),
        ("", "video/mp4", "mp4"),
        ("noext", "application/x-unknown", "bin"),
        ("weird.name.with spaces", "image/png", "png"),
    ],
)
def test_extension_comes_from_the_name_or_the_type(
    file_name: str, mime_type: str, expected: str
) -> None:
    assert extension_for(file_name, mime_type) == expected
