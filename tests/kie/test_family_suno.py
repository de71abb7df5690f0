"""The Suno family through the real client over httpx.MockTransport, with the documented shapes.

Shapes from docs.kie.ai/suno-api/generate-music and /suno-api/get-music-details (record-info:
``status``, ``response.sunoData[]`` camelCase, ``errorCode``/``errorMessage``); the snake_case
track list (``data[]`` with ``audio_url``/``image_url``) is how callbacks and the Market results
spell it (API.md §5.2, §12).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from trt_local.kie import KieClient
from trt_local.kie.errors import InvalidParametersError
from trt_local.kie.families.suno import UNSERVED_CALLBACK

from .helpers import MakeClient, Scripted, envelope

MP3 = ("https://tempfile.aiquickdraw.com/s/one.mp3", "https://tempfile.aiquickdraw.com/s/two.mp3")
JPEG = (
    "https://tempfile.aiquickdraw.com/s/one.jpeg",
    "https://tempfile.aiquickdraw.com/s/two.jpeg",
)
PARAM = {"prompt": "A calm piano track", "customMode": False, "instrumental": True, "model": "V5"}


def camel_tracks() -> list[dict[str, Any]]:
    return [
        {
            "id": f"e231-{n}",
            "audioUrl": MP3[n],
            "streamAudioUrl": f"https://musicfile.kie.ai/stream-{n}",
            "imageUrl": JPEG[n],
            "prompt": "[Verse] night city",
            "modelName": "chirp-v5",
            "title": ("Peaceful Piano", "Peaceful Piano (take 2)")[n],
            "tags": "calm, piano",
            "createTime": "2026-12-01 00:00:00",
            "duration": (198.44, 201)[n],
        }
        for n in range(2)
    ]


def snake_tracks() -> list[dict[str, Any]]:
    return [
        {
            "id": f"e231-{n}",
            "audio_url": MP3[n],
            "stream_audio_url": f"https://musicfile.kie.ai/stream-{n}",
            "image_url": JPEG[n],
            "title": ("Peaceful Piano", "Peaceful Piano (take 2)")[n],
            "duration": ("198.44", 201)[n],
        }
        for n in range(2)
    ]


def record(status: str, response: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "5c79be8e",
        "parentMusicId": "",
        "param": json.dumps(PARAM),
        "response": response,
        "status": status,
        "type": "GENERATE",
        "errorCode": None,
        "errorMessage": None,
        **extra,
    }


async def poll(make_client: MakeClient, data: dict[str, Any]) -> tuple[Any, Scripted]:
    script = Scripted(envelope(data))
    client: KieClient = make_client(script.transport)
    return await client.record_info("5c79be8e", family="suno"), script


async def test_create_posts_the_body_fields_to_generate_with_a_callback(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope({"taskId": "5c79be8e"}))
    client = make_client(script.transport)
    inputs = {"prompt": "a song about rain", "customMode": False, "instrumental": False}

    task_id = await client.create_task("V4_5PLUS", inputs, family="suno")

    [request] = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/generate")
    # Kie requires callBackUrl here; the bot polls, so the URL is valid but never served.
    assert json.loads(request.content) == {
        **inputs,
        "model": "V4_5PLUS",
        "callBackUrl": UNSERVED_CALLBACK,
    }
    assert task_id == "5c79be8e"


async def test_create_keeps_a_version_the_input_chose_and_a_real_callback(
    make_client: MakeClient,
) -> None:
    script = Scripted(envelope({"taskId": "t2"}))
    client = make_client(script.transport)

    await client.create_task(
        "V5", {"prompt": "x", "model": "V4"}, "https://bot.example/kie", family="suno"
    )

    body = json.loads(script.requests[0].content)
    assert (body["model"], body["callBackUrl"]) == ("V4", "https://bot.example/kie")


async def test_a_refused_create_is_the_envelope_error(make_client: MakeClient) -> None:
    script = Scripted(envelope(None, code=422, msg="style is required in custom mode"))
    client = make_client(script.transport)

    with pytest.raises(InvalidParametersError, match="style is required"):
        await client.create_task("V5", {"prompt": "x", "customMode": True}, family="suno")


@pytest.mark.parametrize(
    ("status", "state"),
    [("PENDING", "waiting"), ("TEXT_SUCCESS", "generating"), ("SOMETHING_NEW", "generating")],
)
async def test_unfinished_statuses_keep_polling(
    make_client: MakeClient, status: str, state: str
) -> None:
    info, script = await poll(make_client, record(status))

    assert info.is_running and info.state == state
    assert info.result_urls == () and info.items == ()
    [request] = script.requests
    assert request.url.path == "/api/v1/generate/record-info"
    assert request.url.params["taskId"] == "5c79be8e"


async def test_first_success_waits_for_every_track(make_client: MakeClient) -> None:
    # One take is done and streaming; delivering now would lose the second one.
    first = camel_tracks()[:1]
    info, _ = await poll(make_client, record("FIRST_SUCCESS", {"sunoData": first}))

    assert info.is_running and not info.is_success
    assert info.result_urls == ()


@pytest.mark.parametrize(
    "data",
    [
        record("SUCCESS", {"taskId": "5c79be8e", "sunoData": camel_tracks()}),
        record("SUCCESS", {"taskId": "5c79be8e", "data": snake_tracks()}),
        record("SUCCESS", None, data=snake_tracks()),
    ],
    ids=["camelCase-sunoData", "snake_case-response-data", "snake_case-data"],
)
async def test_success_gives_every_track_with_title_cover_and_length(
    make_client: MakeClient, data: dict[str, Any]
) -> None:
    info, _ = await poll(make_client, data)

    assert info.is_success and info.has_output
    assert info.result_urls == MP3
    assert [(i.url, i.title, i.cover_url, i.duration_s) for i in info.items] == [
        (MP3[0], "Peaceful Piano", JPEG[0], 198.44),
        (MP3[1], "Peaceful Piano (take 2)", JPEG[1], 201.0),
    ]
    assert info.model == "V5"


async def test_success_without_tracks_has_no_output(make_client: MakeClient) -> None:
    # The engine fails and refunds such a job (no_result).
    info, _ = await poll(make_client, record("SUCCESS", {"sunoData": [{"title": "no audio"}]}))

    assert info.is_success and not info.has_output


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        ("CREATE_TASK_FAILED", 400, "Create task failed"),
        ("GENERATE_AUDIO_FAILED", 501, "Generation failed, please retry"),
        ("CALLBACK_EXCEPTION", 500, "Callback failed"),
    ],
)
async def test_failure_statuses_carry_error_code_and_message(
    make_client: MakeClient, status: str, code: int, message: str
) -> None:
    data = record(status, {"sunoData": []}, errorCode=code, errorMessage=message)
    info, _ = await poll(make_client, data)

    assert info.is_failed and not info.is_running
    assert (info.fail_code, info.fail_msg) == (str(code), message)
    assert not info.content_rejected


async def test_a_callback_exception_with_tracks_still_delivers_them(
    make_client: MakeClient,
) -> None:
    # The bot's callback URL is never served: a failed callback must not cost the user the songs.
    data = record(
        "CALLBACK_EXCEPTION", {"sunoData": camel_tracks()}, errorCode=500, errorMessage="cb"
    )
    info, _ = await poll(make_client, data)

    assert info.is_success and info.result_urls == MP3


async def test_failure_message_may_sit_in_the_response(make_client: MakeClient) -> None:
    data = record("GENERATE_AUDIO_FAILED", {"sunoData": [], "errorMessage": "生成失败"})
    info, _ = await poll(make_client, data)

    assert info.is_failed and (info.fail_code, info.fail_msg) == ("", "生成失败")


@pytest.mark.parametrize("message", [None, "", "Task failed", "Content contains sensitive words"])
async def test_sensitive_word_error_is_a_content_rejection(
    make_client: MakeClient, message: str | None
) -> None:
    # Whatever Kie writes beside it, the status itself says the prompt was refused.
    data = record("SENSITIVE_WORD_ERROR", None, errorCode=400, errorMessage=message)
    info, _ = await poll(make_client, data)

    assert info.is_failed and info.content_rejected
    assert info.fail_code == "400"
    if message:
        assert message in info.fail_msg


@pytest.mark.parametrize(
    "result",
    [{"code": 200, "data": snake_tracks()}, {"sunoData": camel_tracks()}],
    ids=["snake_case", "camelCase"],
)
async def test_market_spelling_of_the_answer_is_read_too(
    make_client: MakeClient, result: dict[str, Any]
) -> None:
    # The Market's recordInfo (ai-music-api models, API.md §12): state + resultJson with tracks.
    data = {
        "taskId": "5c79be8e",
        "model": "ai-music-api/generate",
        "state": "success",
        "resultJson": json.dumps(result),
        "failCode": "",
        "failMsg": "",
    }
    info, _ = await poll(make_client, data)

    assert info.is_success and info.result_urls == MP3
    assert [item.cover_url for item in info.items] == list(JPEG)


async def test_market_spelling_failure_is_read_as_a_failure(make_client: MakeClient) -> None:
    data = {"taskId": "t", "state": "fail", "failCode": "500", "failMsg": "internal error"}
    info, _ = await poll(make_client, data)

    assert info.is_failed and (info.fail_code, info.fail_msg) == ("500", "internal error")
