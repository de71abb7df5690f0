"""Runway through the real client against documented answers (MockTransport, API.md §5.5, §12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trt_local.kie import InvalidParametersError

from .helpers import MakeClient, Scripted, envelope

CREATED = envelope({"taskId": "ee603959-debb-48d1-98c4-a6d1c717eba6"})
CHOICES = {"prompt": "a cat dances", "duration": 5, "quality": "720p", "aspectRatio": "16:9"}


def detail(**fields: Any) -> dict[str, Any]:
    """docs.kie.ai/runway-api/get-ai-video-details, the current example."""
    data: dict[str, Any] = {
        "taskId": "ee603959-debb-48d1-98c4-a6d1c717eba6",
        "parentTaskId": "",
        "generateParam": {"prompt": "a cat dances", "imageUrl": "", "expandPrompt": True},
        "state": "success",
        "generateTime": "2023-08-15 14:30:45",
        "videoInfo": {
            "videoId": "485da89c-7fca-4340-8c04-101025b2ae71",
            "taskId": "ee603959-debb-48d1-98c4-a6d1c717eba6",
            "videoUrl": "https://file.com/k/xxxxxxx.mp4",
            "imageUrl": "https://file.com/m/xxxxxxxx.png",
        },
        "failCode": "",
        "failMsg": "",
        "expireFlag": 0,
    }
    data.update(fields)
    return data


async def test_create_posts_the_documented_body_and_returns_the_task_id(
    make_client: MakeClient,
) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)

    task_id = await client.create_task(
        "runway", {**CHOICES, "waterMark": ""}, "https://bot.example/cb", family="runway"
    )

    assert task_id == "ee603959-debb-48d1-98c4-a6d1c717eba6"
    [request] = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/runway/generate")
    assert json.loads(request.content) == {
        **CHOICES,
        "waterMark": "",
        "callBackUrl": "https://bot.example/cb",
    }


@pytest.mark.parametrize(
    ("catalog_id", "duration"),
    [("runway-duration-10-generate", 10), ("runway-gen4-turbo-duration-5-generate", 5)],
)
async def test_the_other_revisions_model_names_are_sent_with_their_duration(
    make_client: MakeClient, catalog_id: str, duration: int
) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)

    await client.create_task(
        catalog_id, {"prompt": "p", "quality": "720p", "aspectRatio": "9:16"}, family="runway"
    )

    body = json.loads(script.requests[0].content)
    assert body["model"] == catalog_id and body["duration"] == duration


async def test_a_duration_chosen_as_text_goes_out_as_the_documented_number(
    make_client: MakeClient,
) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)

    await client.create_task("runway", {**CHOICES, "duration": "10"}, family="runway")

    body = json.loads(script.requests[0].content)
    assert body["duration"] == 10 and "model" not in body


async def test_a_finished_video_is_its_url_with_the_cover(make_client: MakeClient) -> None:
    script = Scripted(envelope(detail()))
    client = make_client(script.transport)

    record = await client.record_info("ee603959-debb-48d1-98c4-a6d1c717eba6", family="runway")

    request = script.requests[0]
    assert request.url.path == "/api/v1/runway/record-detail"
    assert request.url.params["taskId"] == "ee603959-debb-48d1-98c4-a6d1c717eba6"
    assert record.is_success and record.has_output
    assert record.result_urls == ("https://file.com/k/xxxxxxx.mp4",)
    assert record.items[0].cover_url == "https://file.com/m/xxxxxxxx.png"
    assert record.input["prompt"] == "a cat dances"


async def test_the_older_example_with_a_numeric_id_still_reads(make_client: MakeClient) -> None:
    # The other example on the same page: "id": 12345 and "parentId" instead of taskId.
    data = detail(id=12345, parentId=0)
    del data["taskId"], data["parentTaskId"]
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("t-1", family="runway")

    assert record.task_id == "t-1" and record.is_success
    assert record.result_urls == ("https://file.com/k/xxxxxxx.mp4",)


@pytest.mark.parametrize(
    ("wire", "state"), [("wait", "waiting"), ("queueing", "queuing"), ("generating", "generating")]
)
async def test_runways_state_spellings_are_running(
    make_client: MakeClient, wire: str, state: str
) -> None:
    # A running task's example carries a stale failCode 400: it is not a failure.
    data = detail(state=wire, videoInfo=None, failCode=400, failMsg="Generation failed")
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("t-1", family="runway")

    assert record.state == state and record.is_running
    assert record.result_urls == () and record.fail_code == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"failCode": 451, "failMsg": "Failed to fetch the image"},  # §12: failCode/failMsg
        {
            "failCode": "",
            "failMsg": "",
            "errorCode": "451",
            "errorMessage": "Failed to fetch the image",
        },
    ],
    ids=["failCode", "errorCode"],
)
async def test_a_failure_reads_both_spellings_of_its_code(
    make_client: MakeClient, fields: dict[str, Any]
) -> None:
    data = detail(state="fail", videoInfo=None, **fields)
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("t-1", family="runway")

    assert record.is_failed
    assert (record.fail_code, record.fail_msg) == ("451", "Failed to fetch the image")


async def test_an_expired_video_is_no_result(make_client: MakeClient) -> None:
    client = make_client(Scripted(envelope(detail(expireFlag=1))).transport)

    record = await client.record_info("t-1", family="runway")

    assert record.is_success and not record.has_output  # the poller fails it as no_result
    assert record.extras == {"expired": True}


async def test_a_refused_body_is_kies_validation_error(make_client: MakeClient) -> None:
    client = make_client(Scripted(envelope(None, code=422, msg="quality invalid")).transport)

    with pytest.raises(InvalidParametersError):
        await client.create_task("runway", {**CHOICES, "quality": "4k"}, family="runway")


async def test_a_text_only_run_always_names_a_ratio(make_client: MakeClient) -> None:
    # The docs require aspectRatio without an image; an optional choice left alone is not sent.
    script = Scripted(CREATED)
    client = make_client(script.transport)
    bare = {"prompt": "p", "duration": 5, "quality": "720p"}

    await client.create_task("runway", bare, family="runway")
    await client.create_task("runway", {**bare, "imageUrl": "https://x/i.png"}, family="runway")

    text_only, with_image = (json.loads(r.content) for r in script.requests)
    assert text_only["aspectRatio"] == "16:9"
    assert "aspectRatio" not in with_image  # the image's own shape
