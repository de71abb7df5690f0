"""4o Image through the real client against documented answers (MockTransport, §5, §12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trt_local.kie import QueueFullError

from .helpers import FakeClock, MakeClient, Scripted, envelope

CREATED = envelope({"taskId": "task12345"})
URL = "https://example.com/result/image1.png"


def detail(**fields: Any) -> dict[str, Any]:
    """docs.kie.ai/cn/4o-image-api/get-4-o-image-details: successFlag and status both."""
    data: dict[str, Any] = {
        "taskId": "task12345",
        "paramJson": json.dumps({"prompt": "A beautiful sunset", "size": "1:1"}),
        "completeTime": 1672574400000,
        "response": {"resultUrls": [URL]},
        "successFlag": 1,
        "status": "SUCCESS",
        "errorCode": None,
        "errorMessage": "",
        "createTime": 1672561200000,
        "progress": "1.00",
    }
    data.update(fields)
    return data


async def test_create_sends_size_files_and_variants_without_a_model_field(
    make_client: MakeClient,
) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)
    choices = {
        "prompt": "add a hat",
        "size": "3:2",
        "filesUrl": "https://tempfile.redpandaai.co/u/cat.png",
        "nVariants": "2",
    }

    task_id = await client.create_task("gpt4o-image", choices, family="gpt4o-image")

    assert task_id == "task12345"
    [request] = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/gpt4o-image/generate")
    assert json.loads(request.content) == {
        "prompt": "add a hat",
        "size": "3:2",
        "filesUrl": ["https://tempfile.redpandaai.co/u/cat.png"],
        "nVariants": 2,
    }


async def test_the_documented_success_has_its_urls_and_full_progress(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope(detail()))
    client = make_client(script.transport)

    record = await client.record_info("task12345", family="gpt4o-image")

    assert script.requests[0].url.path == "/api/v1/gpt4o-image/record-info"
    assert record.is_success and record.result_urls == (URL,)
    assert record.progress == 100 and record.complete_time == 1672574400000
    assert record.input["size"] == "1:1"


@pytest.mark.parametrize(
    ("fields", "state", "progress"),
    [
        # §5: only the status name
        ({"successFlag": None, "status": "GENERATING", "progress": "0.45"}, "generating", 45),
        ({"successFlag": None, "status": "SUCCESS"}, "success", 100),
        ({"successFlag": None, "status": "CREATE_TASK_FAILED"}, "fail", 100),
        # §12: only the flag
        ({"status": None, "successFlag": 0, "progress": "0.10"}, "generating", 10),
        ({"status": None, "successFlag": 3}, "fail", 100),
    ],
    ids=["status-generating", "status-success", "status-create-failed", "flag-0", "flag-3"],
)
async def test_both_status_spellings(
    make_client: MakeClient, fields: dict[str, Any], state: str, progress: int
) -> None:
    client = make_client(Scripted(envelope(detail(**fields))).transport)

    record = await client.record_info("task12345", family="gpt4o-image")

    assert record.state == state and record.progress == progress
    assert record.result_urls == ((URL,) if state == "success" else ())


async def test_the_callbacks_result_urls_spelling_is_read_too(make_client: MakeClient) -> None:
    data = detail(response={"result_urls": [URL, URL + "?2"]})
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("task12345", family="gpt4o-image")

    assert record.result_urls == (URL, URL + "?2")


@pytest.mark.parametrize("code", [550, "550"])
async def test_a_task_failure_carries_its_error_code(make_client: MakeClient, code: object) -> None:
    data = detail(successFlag=3, status="GENERATE_FAILED", response=None, errorCode=code)
    data["errorMessage"] = "queue is full"
    client = make_client(Scripted(envelope(data)).transport)

    record = await client.record_info("task12345", family="gpt4o-image")

    assert record.is_failed and (record.fail_code, record.fail_msg) == ("550", "queue is full")


async def test_a_full_queue_on_create_is_retried_with_the_long_backoff(
    make_client: MakeClient, clock: FakeClock
) -> None:
    script = Scripted(envelope(None, code=550, msg="queue full"), CREATED)
    client = make_client(script.transport)

    task_id = await client.create_task(
        "gpt4o-image", {"prompt": "p", "size": "1:1"}, family="gpt4o-image"
    )

    assert task_id == "task12345" and len(script.requests) == 2
    assert clock.sleeps == [5.0]  # the maintenance delay, as for 455

    stuck = make_client(Scripted(envelope(None, code=550, msg="queue full")).transport)
    with pytest.raises(QueueFullError):
        await stuck.create_task("gpt4o-image", {"prompt": "p", "size": "1:1"}, family="gpt4o-image")


async def test_a_size_left_unchosen_is_sent_as_square(make_client: MakeClient) -> None:
    script = Scripted(CREATED)
    client = make_client(script.transport)

    await client.create_task("gpt4o-image", {"prompt": "p"}, family="gpt4o-image")

    assert json.loads(script.requests[0].content) == {"prompt": "p", "size": "1:1"}
