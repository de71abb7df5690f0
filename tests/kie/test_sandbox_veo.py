"""The sandbox speaks Veo 3.1 and its upgrades to the real client: the wire shapes the client
reads, timelines on the fake clock, failures, and real files behind the result URLs."""

from __future__ import annotations

import httpx
import pytest

from trt_local.kie import KieAPIError, KieClient, KieSandbox
from trt_local.kie.errors import InvalidParametersError

from .helpers import API_KEY, FakeClock

MAX = 5_000_000


async def run_to_end(kie: KieClient, clock: FakeClock, task_id: str, family: str) -> None:
    for _ in range(200):
        if not (await kie.record_info(task_id, family=family)).is_running:
            return
        clock.advance(5)
    raise AssertionError("the task never finished")


async def raw_record(sandbox: KieSandbox, path: str, task_id: str) -> dict[str, object]:
    async with httpx.AsyncClient(transport=sandbox, base_url="https://api.kie.ai") as http:
        response = await http.get(
            path, params={"taskId": task_id}, headers={"Authorization": f"Bearer {API_KEY}"}
        )
    return dict(response.json())


async def finished_video(kie: KieClient, clock: FakeClock) -> str:
    task_id = await kie.create_task(
        "veo3_fast", {"prompt": "a fox", "aspect_ratio": "16:9"}, family="veo3"
    )
    await run_to_end(kie, clock, task_id, "veo3")
    return task_id


async def test_generate_runs_to_a_720p_upgradable_video_with_a_real_file(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    task_id = await kie.create_task(
        "veo3_fast", {"prompt": "a fox", "aspectRatio": "9:16"}, family="veo3"
    )
    first = await raw_record(sandbox, "/api/v1/veo/record-info", task_id)
    assert first["data"]["successFlag"] == 0 and first["data"]["response"] is None  # type: ignore[index]

    await run_to_end(kie, clock, task_id, "veo3")
    record = await kie.record_info(task_id, family="veo3")

    assert record.is_success and dict(record.extras) == {"resolution": "720p", "upgradable": True}
    [url] = record.result_urls
    video = await kie.download(url, max_bytes=MAX)
    assert video.content_type == "video/mp4" and video.content[4:8] == b"ftyp"
    [created] = sandbox.created
    assert created.model == "veo3_fast" and created.input["enableFallback"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "a fox", "aspect_ratio": "1:1"},
        {"aspect_ratio": "16:9"},
    ],
    ids=["unsupported-ratio", "no-prompt"],
)
async def test_generate_refuses_what_veo_refuses(kie: KieClient, body: dict[str, object]) -> None:
    with pytest.raises(InvalidParametersError):
        await kie.create_task("veo3_fast", body, family="veo3")


@pytest.mark.parametrize(("code", "flag"), [("501", 3), ("400", 2)])
async def test_failed_generation_reports_flag_error_code_and_message(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock, code: str, flag: int
) -> None:
    sandbox.fail_tasks(code, "Your prompt was flagged", count=1)
    task_id = await kie.create_task("veo3_fast", {"prompt": "a fox"}, family="veo3")
    await run_to_end(kie, clock, task_id, "veo3")

    raw = await raw_record(sandbox, "/api/v1/veo/record-info", task_id)
    record = await kie.record_info(task_id, family="veo3")

    assert raw["data"]["successFlag"] == flag  # type: ignore[index]
    assert record.is_failed and record.fail_code == code and record.content_rejected


async def test_1080p_is_processing_then_serves_the_video(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    source = await finished_video(kie, clock)

    task_id = await kie.create_task(
        "veo3.1-1080p", {"taskId": source, "index": 0}, family="veo3-1080p"
    )
    assert task_id == source and len(sandbox.created) == 1  # no task of its own
    with pytest.raises(InvalidParametersError, match="processing"):
        await kie.record_info(task_id, family="veo3-1080p")
    clock.advance(120)
    record = await kie.record_info(task_id, family="veo3-1080p")

    assert record.is_success and record.extras["resolution"] == "1080p"
    video = await kie.download(record.result_urls[0], max_bytes=MAX)
    assert video.content_type == "video/mp4"


async def test_1080p_of_an_unfinished_video_fails_at_create(
    kie: KieClient, clock: FakeClock
) -> None:
    source = await kie.create_task("veo3_fast", {"prompt": "a fox"}, family="veo3")

    with pytest.raises(InvalidParametersError):
        await kie.create_task("veo3.1-1080p", {"taskId": source}, family="veo3-1080p")


async def test_4k_is_a_new_task_that_record_info_answers_as_4k(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    source = await finished_video(kie, clock)

    task_id = await kie.create_task("veo3.1-4k", {"taskId": source, "index": 0}, family="veo3-4k")
    await run_to_end(kie, clock, task_id, "veo3-4k")
    raw = await raw_record(sandbox, "/api/v1/veo/record-info", task_id)
    record = await kie.record_info(task_id, family="veo3-4k")

    assert task_id != source and "fallbackFlag" not in raw["data"]  # type: ignore[operator]
    assert record.is_success and record.extras["resolution"] == "4k"
    assert (await kie.download(record.result_urls[0], max_bytes=MAX)).content_type == "video/mp4"


async def test_a_4k_task_is_unknown_to_the_1080p_route(kie: KieClient, clock: FakeClock) -> None:
    source = await finished_video(kie, clock)
    four_k = await kie.create_task("veo3.1-4k", {"taskId": source}, family="veo3-4k")

    with pytest.raises(KieAPIError):
        await kie.record_info(four_k, family="veo3-1080p")
