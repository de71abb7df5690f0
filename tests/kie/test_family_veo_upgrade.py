"""The Veo 1080p and 4K upgrade families through the real client over httpx.MockTransport, with the
documented shapes of ``/veo/get-1080p-video``, ``/veo/get-4k-video`` and ``/veo/record-info``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trt_local.kie import KieAPIError
from trt_local.kie.errors import InvalidParametersError, NotFoundError

from .helpers import MakeClient, Scripted, envelope

SOURCE = "veo_task_abcdef123456"
HD = "https://tempfile.aiquickdraw.com/p/42f4f8facbb040c0ade87c27cb2d5e58_1749711595.mp4"
UHD = "https://file.aiquickdraw.com/v/example_task_1234567890.mp4"


def source_record(flag: int = 1, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "taskId": SOURCE,
        "successFlag": flag,
        "response": {"taskId": SOURCE, "resultUrls": ["https://x.test/720.mp4"]},
        "errorCode": None,
        "errorMessage": "",
        "fallbackFlag": False,
    }
    data["response"]["resolution"] = "720p"
    data.update(extra)
    return data


# -- 1080p ------------------------------------------------------------------------------------


async def test_1080p_create_checks_the_source_and_keeps_its_task_id(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope(source_record()))
    client = make_client(script.transport)

    task_id = await client.create_task(
        "veo3.1-1080p", {"taskId": SOURCE, "index": 0}, family="veo3-1080p"
    )

    assert task_id == SOURCE
    [request] = script.requests
    assert (request.method, request.url.path) == ("GET", "/api/v1/veo/record-info")
    assert request.url.params["taskId"] == SOURCE


@pytest.mark.parametrize(
    "data",
    [source_record(flag=0), source_record(flag=3), source_record(fallbackFlag=True)],
    ids=["still-generating", "failed", "fallback-video"],
)
async def test_1080p_of_a_video_that_cannot_be_upgraded_fails_at_create(
    make_client: MakeClient, data: dict[str, Any]
) -> None:
    client = make_client(Scripted(envelope(data)).transport)

    with pytest.raises(InvalidParametersError):
        await client.create_task("veo3.1-1080p", {"taskId": SOURCE}, family="veo3-1080p")


async def test_1080p_of_a_source_past_kies_14_days_fails_at_create(
    make_client: MakeClient,
) -> None:
    gone = envelope(code=422, msg="Temporarily supports records within 14 days.")
    client = make_client(Scripted(gone).transport)

    with pytest.raises(InvalidParametersError):
        await client.create_task("veo3.1-1080p", {"taskId": SOURCE}, family="veo3-1080p")


async def test_1080p_of_a_second_video_index_is_refused_without_a_request(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope(source_record()))
    client = make_client(script.transport)

    with pytest.raises(InvalidParametersError):
        await client.create_task(
            "veo3.1-1080p", {"taskId": SOURCE, "index": 1}, family="veo3-1080p"
        )
    assert script.requests == []


async def test_1080p_status_is_the_1080p_get_until_it_answers_the_url(
    make_client: MakeClient,
) -> None:
    script = Scripted(
        envelope(code=422, msg="1080p is processing. It should be ready in 1-3 minutes."),
        envelope({"resultUrl": None}),
        envelope({"resultUrl": HD}),
    )
    client = make_client(script.transport)

    with pytest.raises(KieAPIError) as not_ready:
        await client.record_info(SOURCE, family="veo3-1080p")
    assert not isinstance(not_ready.value, NotFoundError)  # the poller keeps polling on it
    empty = await client.record_info(SOURCE, family="veo3-1080p")
    ready = await client.record_info(SOURCE, family="veo3-1080p")

    assert empty.is_running
    assert ready.is_success and ready.result_urls == (HD,)
    assert dict(ready.extras) == {"resolution": "1080p", "upgradable": False}
    for request in script.requests:
        assert request.url.path == "/api/v1/veo/get-1080p-video"
        assert dict(request.url.params) == {"taskId": SOURCE, "index": "0"}


# -- 4K ---------------------------------------------------------------------------------------


async def test_4k_create_posts_task_index_and_callback(make_client: MakeClient) -> None:
    script = Scripted(envelope({"taskId": "veo_4k_1", "resultUrls": None, "imageUrls": None}))
    client = make_client(script.transport)

    task_id = await client.create_task(
        "veo3.1-4k", {"taskId": SOURCE, "index": 0}, "https://bot.test/4k", family="veo3-4k"
    )

    assert task_id == "veo_4k_1"
    [request] = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/veo/get-4k-video")
    assert json.loads(request.content) == {
        "taskId": SOURCE,
        "index": 0,
        "callBackUrl": "https://bot.test/4k",
    }


async def test_a_second_4k_request_for_the_same_video_is_refused(
    make_client: MakeClient,
) -> None:
    busy = envelope(
        {"taskId": SOURCE, "resultUrls": None},
        code=422,
        msg="4k is processing. It should be ready in 5-10 minutes. Please check back shortly.",
    )
    client = make_client(Scripted(busy).transport)

    with pytest.raises(InvalidParametersError):
        await client.create_task("veo3.1-4k", {"taskId": SOURCE, "index": 0}, family="veo3-4k")


async def test_4k_status_never_takes_the_720p_source_for_the_upgrade(
    make_client: MakeClient,
) -> None:
    # The docs' example answers the 4K create with the source's own id; its record is then the
    # finished 720p video until the 4K one is there (resolution 4k, mediaIds, no fallbackFlag).
    four_k = {
        "taskId": SOURCE,
        "successFlag": 1,
        "response": {"taskId": SOURCE, "resultUrls": [UHD], "mediaIds": ["m1"]},
        "errorCode": None,
        "errorMessage": None,
    }
    script = Scripted(envelope(source_record()), envelope(four_k))
    client = make_client(script.transport)

    source = await client.record_info(SOURCE, family="veo3-4k")
    upgraded = await client.record_info(SOURCE, family="veo3-4k")

    assert source.is_running
    assert upgraded.is_success and upgraded.result_urls == (UHD,)
    assert upgraded.extras["resolution"] == "4k"
    assert all(r.url.path == "/api/v1/veo/record-info" for r in script.requests)


async def test_4k_failure_carries_the_reason(make_client: MakeClient) -> None:
    failed = {
        "taskId": "veo_4k_1",
        "successFlag": 2,
        "response": None,
        "errorCode": 500,
        "errorMessage": "The 4K version of this video is unavailable. Please try a different video.",
    }
    client = make_client(Scripted(envelope(failed)).transport)

    record = await client.record_info("veo_4k_1", family="veo3-4k")

    assert record.is_failed and record.fail_code == "500"
    assert "4K version of this video is unavailable" in record.fail_msg
