"""recordInfo and credit parsing: the shape variations Kie (and its clients) have been seen to use."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from trt_local.kie import KieProtocolError, TaskRecord
from trt_local.kie.records import parse_credits

from .helpers import MakeClient, Scripted, envelope

URLS = ["https://tempfile.aiquickdraw.com/a.png", "https://tempfile.aiquickdraw.com/b.png"]
PARAM = {"model": "z-image", "input": {"prompt": "cat", "aspect_ratio": "1:1"}}


def _success(result_json: Any) -> dict[str, Any]:
    return {
        "taskId": "t1",
        "model": "z-image",
        "state": "success",
        "param": json.dumps(PARAM),
        "resultJson": result_json,
        "failCode": "",
        "failMsg": "",
        "costTime": 8,
        "createTime": 1755599634000,
        "completeTime": 1755599644000,
    }


@pytest.mark.parametrize(
    "result_json",
    [json.dumps({"resultUrls": URLS}), {"resultUrls": URLS}],
    ids=["json-string", "object"],
)
async def test_success_urls_from_string_or_object(
    make_client: MakeClient, result_json: Any
) -> None:
    script = Scripted(envelope(_success(result_json)))
    client = make_client(script.transport)

    record = await client.record_info("t1")

    assert record.is_success and not record.is_running
    assert record.result_urls == tuple(URLS)
    assert record.has_output
    assert record.input == PARAM["input"]
    assert script.requests[0].url.params["taskId"] == "t1"


@pytest.mark.parametrize("result_json", ["", None, "   ", "{not json", "[1, 2]"])
def test_success_without_results_has_no_output(result_json: Any) -> None:
    record = TaskRecord.from_json(_success(result_json))

    assert record.is_success
    assert record.result_urls == ()
    assert not record.has_output  # the caller must refund: success without a file


@pytest.mark.parametrize(
    "param", [PARAM, "", None, "garbage"], ids=["object", "empty", "null", "bad"]
)
def test_param_is_tolerated_in_every_shape(param: Any) -> None:
    data = _success(json.dumps({"resultUrls": URLS}))
    data["param"] = param
    record = TaskRecord.from_json(data)

    assert record.param == (PARAM if param == PARAM else {})


def test_text_model_result_object() -> None:
    result = {"resultObject": {"text": "hello world", "language_code": "en"}}
    record = TaskRecord.from_json(_success(json.dumps(result)))

    assert record.result_urls == ()
    assert record.result_object == {"text": "hello world", "language_code": "en"}
    assert record.has_output


def test_sora_watermark_urls_and_progress() -> None:
    data = _success(json.dumps({"resultUrls": URLS[:1], "resultWaterMarkUrls": URLS[1:]}))
    data["progress"] = "100"
    record = TaskRecord.from_json(data)

    assert record.watermark_urls == (URLS[1],)
    assert record.progress == 100


@pytest.mark.parametrize("fail_code", ["500", 500], ids=["string", "number"])
def test_failure_code_is_always_a_string(fail_code: Any) -> None:
    data = {
        "taskId": "t1",
        "state": "fail",
        "resultJson": None,
        "failCode": fail_code,
        "failMsg": "Your prompt was flagged as unsafe",
    }
    record = TaskRecord.from_json(data)

    assert record.is_failed and not record.is_running
    assert record.fail_code == "500"
    assert record.content_rejected


def test_failure_without_policy_words_is_not_a_content_rejection() -> None:
    record = TaskRecord.from_json({"state": "fail", "failCode": None, "failMsg": "timeout"})

    assert record.fail_code == ""
    assert not record.content_rejected


@pytest.mark.parametrize("state", ["waiting", "queuing", "generating", "GENERATING", "", "paused"])
def test_running_and_unknown_states_mean_keep_polling(state: str) -> None:
    record = TaskRecord.from_json({"taskId": "t1", "state": state}, task_id="t1")

    assert record.is_running
    assert not record.is_success and not record.is_failed


def test_task_id_falls_back_to_the_one_asked_for() -> None:
    assert TaskRecord.from_json({"state": "waiting"}, task_id="asked").task_id == "asked"


def test_records_are_hashable_despite_dict_fields() -> None:
    record = TaskRecord.from_json(_success(json.dumps({"resultObject": {"a": 1}})))
    assert hash(record) == hash(
        TaskRecord.from_json(_success(json.dumps({"resultObject": {"a": 1}})))
    )


async def test_record_info_with_null_data_is_a_protocol_error(make_client: MakeClient) -> None:
    script = Scripted(envelope(None))
    client = make_client(script.transport)

    with pytest.raises(KieProtocolError):
        await client.record_info("t1")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (100, Decimal("100")),
        (12.5, Decimal("12.5")),
        ("87.25", Decimal("87.25")),
        ({"credits": 42}, Decimal("42")),
        ({"balance": "7.1"}, Decimal("7.1")),
        ({"data": {"remaining": 3}}, Decimal("3")),
    ],
)
async def test_credits_shapes(make_client: MakeClient, data: Any, expected: Decimal) -> None:
    script = Scripted(envelope(data))
    client = make_client(script.transport)

    credits = await client.credits()

    assert credits == expected
    assert isinstance(credits, Decimal)


@pytest.mark.parametrize("data", [None, True, {"unrelated": 1}, "lots", "NaN", [1]])
def test_unreadable_credits_are_a_protocol_error(data: Any) -> None:
    with pytest.raises(KieProtocolError):
        parse_credits(data)
