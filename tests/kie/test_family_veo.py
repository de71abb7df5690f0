"""The Veo 3.1 family through the real client over httpx.MockTransport: the documented shapes of
``/veo/generate`` and ``/veo/record-info`` (docs.kie.ai/veo3-api/*), both aspect-ratio spellings,
every ``successFlag``, ``errorCode``/``errorMessage`` failures and the Market-encoded status."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trt_local.kie import KieProtocolError

from .helpers import MakeClient, Scripted, envelope

VIDEO = "https://tempfile.aiquickdraw.com/v/veo_task_1.mp4"


def details(flag: Any, **extra: Any) -> dict[str, Any]:
    """A record-info ``data`` as the docs' example shows it."""
    data: dict[str, Any] = {
        "taskId": "veo_task_1",
        "paramJson": json.dumps({"prompt": "a fox", "model": "veo3_fast"}),
        "completeTime": "2025-06-06 10:30:00",
        "response": None,
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": "",
        "createTime": "2025-06-06 10:25:00",
        "fallbackFlag": False,
    }
    data.update(extra)
    return data


def done(**response: Any) -> dict[str, Any]:
    return details(1, response={"taskId": "veo_task_1", **response})


def sent_json(script: Scripted) -> dict[str, Any]:
    return dict(json.loads(script.requests[0].content))


@pytest.mark.parametrize("spelling", ["aspect_ratio", "aspectRatio"])
async def test_generate_sends_both_aspect_ratio_spellings_whichever_the_catalog_uses(
    make_client: MakeClient, spelling: str
) -> None:
    script = Scripted(envelope({"taskId": "veo_task_1"}))
    client = make_client(script.transport)

    task_id = await client.create_task(
        "veo3_fast", {"prompt": "a fox", spelling: "9:16"}, family="veo3"
    )

    assert task_id == "veo_task_1"
    request = script.requests[0]
    assert (request.method, request.url.path) == ("POST", "/api/v1/veo/generate")
    assert sent_json(script) == {
        "prompt": "a fox",
        "model": "veo3_fast",  # the catalog id is the model string when input names none
        "generationType": "TEXT_2_VIDEO",
        "aspect_ratio": "9:16",
        "aspectRatio": "9:16",
        "enableFallback": False,
    }


async def test_generate_keeps_the_inputs_model_frames_and_callback(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope({"taskId": "veo_task_2"}))
    client = make_client(script.transport)
    frames = ["https://x.test/a.png", "https://x.test/b.png"]

    await client.create_task(
        "veo3.1",
        {"prompt": "morph", "model": "veo3", "imageUrls": frames, "seeds": 12345},
        "https://bot.test/cb",
        family="veo3",
    )

    body = sent_json(script)
    assert body["model"] == "veo3" and body["imageUrls"] == frames and body["seeds"] == 12345
    assert body["generationType"] == "FIRST_AND_LAST_FRAMES_2_VIDEO"
    assert body["callBackUrl"] == "https://bot.test/cb" and "aspectRatio" not in body


async def test_record_info_generating_then_success_with_resolution_and_upgradable(
    make_client: MakeClient,
) -> None:
    script = Scripted(
        envelope(details(0)),
        envelope(done(resultUrls=[VIDEO], originUrls=None, resolution="720p")),
    )
    client = make_client(script.transport)

    running = await client.record_info("veo_task_1", family="veo3")
    finished = await client.record_info("veo_task_1", family="veo3")

    assert running.is_running and running.result_urls == ()
    assert finished.is_success and finished.result_urls == (VIDEO,)
    assert dict(finished.extras) == {"resolution": "720p", "upgradable": True}
    request = script.requests[1]
    assert (request.url.path, request.url.params["taskId"]) == (
        "/api/v1/veo/record-info",
        "veo_task_1",
    )


async def test_a_fallback_video_is_not_upgradable(make_client: MakeClient) -> None:
    data = {**done(resultUrls=[VIDEO], resolution="720p"), "fallbackFlag": True}
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("veo_task_1", family="veo3")

    assert record.is_success and record.extras["upgradable"] is False


async def test_success_flag_as_a_string_and_the_response_as_json_text(
    make_client: MakeClient,
) -> None:
    data = details("1", response=json.dumps({"resultUrls": [VIDEO], "resolution": "1080p"}))
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("veo_task_1", family="veo3")

    assert record.is_success and record.result_urls == (VIDEO,)
    assert record.extras["resolution"] == "1080p"


@pytest.mark.parametrize(
    ("flag", "code", "message"),
    [
        (2, 400, "Your prompt was flagged by Website as violating content policies."),
        (3, 501, "Failed - Video generation task failed"),
        (2, 451, "Failed to fetch the image. Kindly verify any access limits"),
    ],
)
async def test_failed_flags_carry_error_code_and_message(
    make_client: MakeClient, flag: int, code: int, message: str
) -> None:
    data = details(flag, errorCode=code, errorMessage=message)
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("veo_task_1", family="veo3")

    assert record.is_failed and not record.is_running
    assert (record.fail_code, record.fail_msg) == (str(code), message)
    assert record.result_urls == () and dict(record.extras) == {}


async def test_content_policy_failure_reads_as_a_content_rejection(
    make_client: MakeClient,
) -> None:
    data = details(2, errorCode=400, errorMessage="Your prompt was flagged as violating policy")
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("veo_task_1", family="veo3")

    assert record.content_rejected


async def test_market_encoded_status_is_read_too(make_client: MakeClient) -> None:
    # API.md §12: newer pages describe the families as Market models with state/resultJson.
    data = {
        "taskId": "veo_task_1",
        "state": "success",
        "resultJson": json.dumps({"resultUrls": [VIDEO]}),
        "failCode": "",
        "failMsg": "",
    }
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("veo_task_1", family="veo3")

    assert record.is_success and record.result_urls == (VIDEO,)


async def test_a_record_without_any_status_is_a_protocol_error(make_client: MakeClient) -> None:
    client = make_client(Scripted(envelope({"taskId": "veo_task_1"})).transport)

    with pytest.raises(KieProtocolError):
        await client.record_info("veo_task_1", family="veo3")
