"""Flux Kontext through the real client against documented answers (MockTransport, §5.4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import MakeClient, Scripted, envelope

CREATED = envelope({"taskId": "task12345"})


def detail(**fields: Any) -> dict[str, Any]:
    """docs.kie.ai/flux-kontext-api/get-image-details, the example answer."""
    data: dict[str, Any] = {
        "taskId": "task12345",
        "paramJson": json.dumps({"prompt": "A serene mountain landscape", "aspectRatio": "16:9"}),
        "completeTime": "2024-03-20T10:30:00Z",
        "response": {
            "originImageUrl": "https://example.com/original.jpg",
            "resultImageUrl": "https://example.com/result.jpg",
        },
        "successFlag": 1,
        "errorCode": None,
        "errorMessage": "",
        "createTime": "2024-03-20T10:25:00Z",
    }
    data.update(fields)
    return data


async def test_generate_sends_the_catalog_model_and_no_edit_image(make_client: MakeClient) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)
    choices = {"prompt": "a fox", "aspectRatio": "1:1", "safetyTolerance": 5, "inputImage": None}

    task_id = await client.create_task("flux-kontext-max", choices, family="flux-kontext")

    assert task_id == "task12345"
    [request] = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/flux/kontext/generate")
    assert json.loads(request.content) == {
        "prompt": "a fox",
        "aspectRatio": "1:1",
        "safetyTolerance": 5,  # 0-6 when generating
        "model": "flux-kontext-max",
    }


async def test_an_edit_sends_one_image_and_caps_the_safety_tolerance(
    make_client: MakeClient,
) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)
    choices = {
        "prompt": "make the sky purple",
        "model": "flux-kontext-pro",
        "inputImage": ["https://tempfile.redpandaai.co/u/photo.png"],
        "safetyTolerance": 6,
    }

    await client.create_task("flux-kontext-pro", choices, "https://bot/cb", family="flux-kontext")

    body = json.loads(script.requests[0].content)
    assert body["inputImage"] == "https://tempfile.redpandaai.co/u/photo.png"
    assert body["safetyTolerance"] == 2  # 0-2 when editing, or Kie refuses it
    assert body["callBackUrl"] == "https://bot/cb"


async def test_a_finished_image_is_the_single_result_url(make_client: MakeClient) -> None:
    script = Scripted(envelope(detail()))
    client = make_client(script.transport)

    record = await client.record_info("task12345", family="flux-kontext")

    assert script.requests[0].url.path == "/api/v1/flux/kontext/record-info"
    assert record.is_success
    assert record.result_urls == ("https://example.com/result.jpg",)
    assert record.input["aspectRatio"] == "16:9"
    assert record.create_time is None  # ISO text, not the milliseconds Market sends


@pytest.mark.parametrize("flag", [0, "0"])
async def test_flag_zero_is_still_generating(make_client: MakeClient, flag: object) -> None:
    data = detail(successFlag=flag, response=None, completeTime=None)
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("task12345", family="flux-kontext")

    assert record.is_running and record.result_urls == ()


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {"successFlag": 2, "errorCode": None, "errorMessage": "create failed"},
            "",
            "create failed",
        ),
        (
            {"successFlag": 3, "errorCode": 451, "errorMessage": "image unreachable"},
            "451",
            "image unreachable",
        ),
        ({"successFlag": "3", "errorCode": "500", "errorMessage": "boom"}, "500", "boom"),
        # The 4o-style status name instead of the flag; and Runway's failCode spelling.
        (
            {"successFlag": None, "status": "GENERATE_FAILED", "failCode": 501, "failMsg": "x"},
            "501",
            "x",
        ),
    ],
    ids=["create-failed", "generate-failed", "flag-as-text", "status-and-failCode"],
)
async def test_each_failure_encoding_is_a_failed_record(
    make_client: MakeClient, fields: dict[str, Any], code: str, message: str
) -> None:
    data = detail(response=None, **fields)
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("task12345", family="flux-kontext")

    assert record.is_failed and record.result_urls == ()
    assert (record.fail_code, record.fail_msg) == (code, message)
