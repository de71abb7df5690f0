"""The sandbox's Suno family under the real client: Kie's checks, statuses, two tracks with covers."""

from __future__ import annotations

import io
import wave
from typing import Any

import httpx
import imagesize
import pytest

from trt_local.kie import KieClient, KieSandbox, NotFoundError
from trt_local.kie.errors import InvalidParametersError

from .helpers import API_KEY, FakeClock

MAX = 5_000_000
SIMPLE = {"prompt": "a calm song about rain", "customMode": False, "instrumental": False}
CUSTOM = {
    "prompt": "[Verse] Rain on the window",
    "customMode": True,
    "instrumental": False,
    "style": "lo-fi, piano",
    "title": "Window Rain",
}


async def statuses(sandbox: KieSandbox, clock: FakeClock, task_id: str) -> list[str]:
    """The raw ``status`` values record-info reports until the task ends, each once."""
    seen: list[str] = []
    async with httpx.AsyncClient(
        transport=sandbox,
        base_url="https://api.kie.ai",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as http:
        for _ in range(200):
            answer = await http.get("/api/v1/generate/record-info", params={"taskId": task_id})
            status = answer.json()["data"]["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status not in ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"):
                return seen
            clock.advance(0.5)
    raise AssertionError(f"task never finished: {seen}")


async def test_a_task_reports_every_status_then_two_tracks(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    task_id = await kie.create_task("V5", SIMPLE, family="suno")

    assert await statuses(sandbox, clock, task_id) == [
        "PENDING",
        "TEXT_SUCCESS",
        "FIRST_SUCCESS",
        "SUCCESS",
    ]
    record = await kie.record_info(task_id, family="suno")
    assert record.is_success and len(record.items) == 2
    assert record.result_urls == tuple(item.url for item in record.items)
    # Simple mode: Suno names the song; both takes share the name.
    assert [item.title for item in record.items] == ["A calm song about", "A calm song about"]
    [created] = sandbox.created
    assert created.model == "V5" and created.callback_url  # Kie requires a callback URL


async def test_custom_mode_tracks_carry_the_title_a_cover_and_a_length(
    kie: KieClient, clock: FakeClock
) -> None:
    task_id = await kie.create_task("V4_5PLUS", CUSTOM, family="suno")
    clock.advance(60)

    record = await kie.record_info(task_id, family="suno")

    assert [item.title for item in record.items] == ["Window Rain", "Window Rain"]
    covers = [await kie.download(item.cover_url, max_bytes=MAX) for item in record.items]
    assert len({cover.content for cover in covers}) == 2  # each take its own cover
    for cover in covers:
        # Fit for a Telegram audio thumbnail: a JPEG under 200 kB, at most 320×320.
        assert cover.content_type == "image/jpeg" and cover.content[:2] == b"\xff\xd8"
        assert len(cover.content) < 200 * 1024
        width, height = imagesize.get(io.BytesIO(cover.content))
        assert 0 < width <= 320 and 0 < height <= 320
    for item in record.items:
        track = await kie.download(item.url, max_bytes=MAX)
        with wave.open(io.BytesIO(track.content)) as audio:
            seconds = audio.getnframes() / audio.getframerate()
        assert item.duration_s == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({**SIMPLE, "prompt": "x" * 501}, "longer than 500"),
        ({**CUSTOM, "title": ""}, "style and title are required"),
        ({**CUSTOM, "style": "   "}, "style and title are required"),
        ({**CUSTOM, "prompt": ""}, "lyrics"),
        ({"prompt": "x", "instrumental": False}, "customMode and instrumental"),
    ],
)
async def test_create_is_checked_like_kie_documents_it(
    kie: KieClient, sandbox: KieSandbox, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidParametersError, match=reason):
        await kie.create_task("V5", params, family="suno")
    assert sandbox.created == []


async def test_instrumental_custom_mode_needs_no_lyrics(kie: KieClient) -> None:
    assert await kie.create_task(
        "V5", {**CUSTOM, "prompt": "", "instrumental": True}, family="suno"
    )


async def test_a_sensitive_word_failure_reads_as_a_content_rejection(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks(fail_code="SENSITIVE_WORD_ERROR", fail_msg="", count=1)
    task_id = await kie.create_task("V5", SIMPLE, family="suno")
    clock.advance(60)

    record = await kie.record_info(task_id, family="suno")

    assert record.is_failed and record.content_rejected


async def test_other_failures_carry_their_code(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks(fail_code="501", fail_msg="Generation failed", count=1)
    task_id = await kie.create_task("V5", SIMPLE, family="suno")
    clock.advance(60)

    record = await kie.record_info(task_id, family="suno")

    assert record.is_failed and not record.content_rejected
    assert (record.fail_code, record.fail_msg) == ("501", "Generation failed")


async def test_a_suno_task_is_unknown_to_the_market_status_route(
    kie: KieClient, clock: FakeClock
) -> None:
    task_id = await kie.create_task("V5", SIMPLE, family="suno")
    clock.advance(60)

    with pytest.raises(NotFoundError):
        await kie.record_info(task_id)
