"""The sandbox under the real client: task lifecycle, real output files, credits, uploads."""

from __future__ import annotations

import io
import json
import struct
import wave
import zlib
from decimal import Decimal

import pytest

from trt_local.kie import (
    InsufficientCreditsError,
    KieClient,
    KieDownloadError,
    KieSandbox,
    TaskRecord,
)

from .helpers import FakeClock, MakeClient

MAX = 5_000_000


def png_size(content: bytes) -> tuple[int, int]:
    """Validate a PNG's structure and return its IHDR width and height."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        kind = content[offset + 4 : offset + 8]
        payload = content[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", content[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + payload)
        chunks[kind] = payload
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    return width, height


async def run_to_end(
    kie: KieClient, clock: FakeClock, task_id: str, step: float = 2.0
) -> list[str]:
    states: list[str] = []
    for _ in range(200):
        record = await kie.record_info(task_id)
        if not states or states[-1] != record.state:
            states.append(record.state)
        if not record.is_running:
            return states
        clock.advance(step)
    raise AssertionError(f"task never finished: {states}")


async def finished(
    kie: KieClient, clock: FakeClock, model: str, params: dict[str, object]
) -> TaskRecord:
    task_id = await kie.create_task(model, params)
    await run_to_end(kie, clock, task_id)
    return await kie.record_info(task_id)


async def test_image_task_walks_through_every_state(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    task_id = await kie.create_task("z-image", {"prompt": "a red fox", "aspect_ratio": "16:9"})

    states = await run_to_end(kie, clock, task_id, step=0.5)
    record = await kie.record_info(task_id)

    assert states == ["waiting", "queuing", "generating", "success"]
    assert 6.0 <= clock.now <= 10.5  # image tasks take about 8 s at speed 1
    assert record.model == "z-image"
    assert record.input == {"prompt": "a red fox", "aspect_ratio": "16:9"}
    assert len(record.result_urls) == 1
    assert record.result_urls[0].startswith(f"https://sandbox.kie.invalid/files/{task_id}/")
    assert sandbox.created[0].model == "z-image"
    assert sandbox.created[0].input["prompt"] == "a red fox"


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"aspect_ratio": "16:9"}, (512, 288)),
        ({"aspect_ratio": "9:16"}, (288, 512)),
        ({"image_size": "portrait_4_3"}, (384, 512)),
        ({"image_size": "square_hd"}, (512, 512)),
        ({"aspectRatio": "21:9"}, (512, 219)),
        ({}, (512, 512)),
    ],
)
async def test_png_matches_the_requested_ratio(
    kie: KieClient, clock: FakeClock, params: dict[str, str], size: tuple[int, int]
) -> None:
    record = await finished(kie, clock, "google/nano-banana", {"prompt": "x", **params})

    got = await kie.download(record.result_urls[0], max_bytes=MAX)

    assert got.content_type == "image/png"
    assert png_size(got.content) == size


async def test_prompt_changes_the_picture(kie: KieClient, clock: FakeClock) -> None:
    first = await finished(kie, clock, "z-image", {"prompt": "sunset"})
    second = await finished(kie, clock, "z-image", {"prompt": "forest"})

    a = await kie.download(first.result_urls[0], max_bytes=MAX)
    b = await kie.download(second.result_urls[0], max_bytes=MAX)

    assert a.content != b.content


async def test_several_images_when_asked(kie: KieClient, clock: FakeClock) -> None:
    record = await finished(kie, clock, "google/imagen4-fast", {"prompt": "x", "num_images": "3"})

    files = [await kie.download(url, max_bytes=MAX) for url in record.result_urls]

    assert len(files) == 3
    assert len({f.content for f in files}) == 3
    assert all(png_size(f.content) for f in files)


async def test_video_is_an_mp4(kie: KieClient, clock: FakeClock, sandbox: KieSandbox) -> None:
    task_id = await kie.create_task("kling-2.6/text-to-video", {"prompt": "waves"})
    await run_to_end(kie, clock, task_id)
    record = await kie.record_info(task_id)

    got = await kie.download(record.result_urls[0], max_bytes=MAX)

    assert clock.now >= 30.0  # video takes about 40 s at speed 1
    assert got.content_type == "video/mp4"
    assert got.content[4:8] == b"ftyp"
    assert len(got.content) < 150_000


async def test_audio_is_a_wav(kie: KieClient, clock: FakeClock) -> None:
    record = await finished(kie, clock, "elevenlabs/sound-effect-v2", {"text": "thunder"})

    got = await kie.download(record.result_urls[0], max_bytes=MAX)

    assert got.content_type == "audio/wav"
    with wave.open(io.BytesIO(got.content)) as audio:
        assert audio.getnchannels() == 1
        assert audio.getsampwidth() == 2
        assert audio.getnframes() / audio.getframerate() >= 1.0


async def test_speech_to_text_returns_a_result_object(kie: KieClient, clock: FakeClock) -> None:
    record = await finished(
        kie, clock, "elevenlabs/speech-to-text", {"audio_url": "https://x/a.mp3"}
    )

    assert record.result_urls == ()
    assert isinstance(record.result_object, dict)
    assert record.result_object["text"]
    assert record.has_output


async def test_speed_zero_finishes_at_the_first_poll(
    clock: FakeClock, make_client: MakeClient
) -> None:
    kie = make_client(KieSandbox(clock=clock, speed=0))

    task_id = await kie.create_task("sora-2-text-to-video", {"prompt": "x"})
    record = await kie.record_info(task_id)

    assert record.is_success
    assert record.progress == 100
    assert record.result_urls


async def test_sora_reports_progress(kie: KieClient, clock: FakeClock) -> None:
    task_id = await kie.create_task("sora-2-text-to-video", {"prompt": "x"})
    clock.advance(20)

    record = await kie.record_info(task_id)

    assert record.state == "generating"
    assert record.progress is not None and 0 < record.progress < 100


async def test_result_is_not_served_before_success(
    kie: KieClient, clock: FakeClock, sandbox: KieSandbox
) -> None:
    task_id = await kie.create_task("z-image", {"prompt": "x"})

    with pytest.raises(KieDownloadError) as caught:
        await kie.download(sandbox.account.result_url(task_id, 1, "png"), max_bytes=MAX)
    assert caught.value.status == 404


async def test_credits_fall_per_task_and_run_out(clock: FakeClock, make_client: MakeClient) -> None:
    sandbox = KieSandbox(clock=clock, credits=Decimal("10"))
    kie = make_client(sandbox)

    await kie.create_task("z-image", {"prompt": "x"})
    assert await kie.credits() == Decimal("6")

    with pytest.raises(InsufficientCreditsError) as caught:
        await kie.create_task("kling-2.6/text-to-video", {"prompt": "x"})
    assert caught.value.account_problem
    assert len(sandbox.created) == 1


async def test_upload_is_recorded_and_served(kie: KieClient, sandbox: KieSandbox) -> None:
    url = await kie.upload_file(
        b"\x89PNG-user-photo",
        file_name="u1.png",
        mime_type="image/png",
        upload_path="tg/2025-02-01",
    )

    upload = sandbox.uploads[0]
    assert (upload.file_name, upload.content, upload.upload_path) == (
        "u1.png",
        b"\x89PNG-user-photo",
        "tg/2025-02-01",
    )
    assert upload.mime_type == "image/png"
    got = await kie.download(url, max_bytes=MAX)
    assert got.content == b"\x89PNG-user-photo"


async def test_requests_are_recorded_without_query_strings(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    record = await finished(kie, clock, "z-image", {"prompt": "x"})
    sandbox.fail_next("download", 403)

    await kie.download(record.result_urls[0], max_bytes=MAX)

    urls = [r.url for r in sandbox.requests]
    assert "https://api.kie.ai/api/v1/jobs/recordInfo" in urls
    assert all("?" not in url for url in urls)
    assert [r.method for r in sandbox.requests[-3:]] == ["GET", "POST", "GET"]


async def test_param_echoes_the_create_request(kie: KieClient, clock: FakeClock) -> None:
    task_id = await kie.create_task(
        "z-image", {"prompt": "x"}, callback_url="https://bot.example/kie?job=1"
    )

    record = await kie.record_info(task_id)

    assert record.param["callBackUrl"] == "https://bot.example/kie?job=1"
    assert json.loads(json.dumps(record.param))["model"] == "z-image"
