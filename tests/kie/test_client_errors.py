"""Every row of API.md §9 through the real client: what is raised, and whether it was retried."""

from __future__ import annotations

import httpx
import pytest

from trt_local.kie import (
    BadRequestError,
    FeatureDisabledError,
    GenerationFailedError,
    InsufficientCreditsError,
    InvalidParametersError,
    KeyLimitError,
    KieAPIError,
    KieProtocolError,
    MaintenanceError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    UpstreamTimeoutError,
)

from .helpers import FakeClock, MakeClient, Scripted, envelope

# code, class, account problem, retried by createTask, retried by recordInfo
ROWS = [
    (400, BadRequestError, False, False, False),
    (401, UnauthorizedError, True, False, False),
    (402, InsufficientCreditsError, True, False, False),
    (404, NotFoundError, False, False, False),
    (408, UpstreamTimeoutError, False, False, False),
    (422, InvalidParametersError, False, False, False),
    (429, RateLimitedError, False, True, True),
    (433, KeyLimitError, True, False, False),
    (455, MaintenanceError, False, True, True),
    (500, ServerError, False, False, True),
    (501, GenerationFailedError, False, False, False),
    (505, FeatureDisabledError, False, False, False),
]
ATTEMPTS = 4


@pytest.mark.parametrize("in_body", [True, False], ids=["http200-body-code", "http-status"])
@pytest.mark.parametrize(("code", "cls", "account", "create_retry", "record_retry"), ROWS)
async def test_create_task_maps_each_code(
    make_client: MakeClient,
    code: int,
    cls: type[KieAPIError],
    account: bool,
    create_retry: bool,
    record_retry: bool,
    in_body: bool,
) -> None:
    script = Scripted(envelope(None, code=code, msg="nope", status=200 if in_body else code))
    client = make_client(script.transport)

    with pytest.raises(cls) as caught:
        await client.create_task("z-image", {"prompt": "cat"})

    error = caught.value
    assert type(error) is cls
    assert error.code == code
    assert error.account_problem is account
    assert error.user_hint
    assert len(script.requests) == (ATTEMPTS if create_retry else 1)


@pytest.mark.parametrize(("code", "cls", "account", "create_retry", "record_retry"), ROWS)
async def test_record_info_maps_each_code(
    make_client: MakeClient,
    code: int,
    cls: type[KieAPIError],
    account: bool,
    create_retry: bool,
    record_retry: bool,
) -> None:
    script = Scripted(envelope(None, code=code, msg="nope"))
    client = make_client(script.transport)

    with pytest.raises(cls):
        await client.record_info("task_1")

    assert len(script.requests) == (ATTEMPTS if record_retry else 1)


async def test_unknown_code_is_a_generic_api_error(make_client: MakeClient) -> None:
    script = Scripted(envelope(None, code=418, msg="teapot"))
    client = make_client(script.transport)

    with pytest.raises(KieAPIError) as caught:
        await client.create_task("z-image", {"prompt": "cat"})

    assert type(caught.value) is KieAPIError
    assert caught.value.code == 418
    assert not caught.value.retryable


async def test_gateway_error_page_is_retried_for_status_calls(make_client: MakeClient) -> None:
    script = Scripted(
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        envelope({"taskId": "t1", "state": "generating"}),
    )
    client = make_client(script.transport)

    record = await client.record_info("t1")

    assert record.state == "generating"
    assert len(script.requests) == 2


async def test_http_error_wins_over_a_body_claiming_success(make_client: MakeClient) -> None:
    script = Scripted(envelope({"taskId": "t1"}, code=200, status=500))
    client = make_client(script.transport)

    with pytest.raises(ServerError):
        await client.create_task("z-image", {"prompt": "cat"})
    assert len(script.requests) == 1  # a 5xx create may have started a task: not repeated


async def test_message_is_read_from_msg_or_message(make_client: MakeClient) -> None:
    script = Scripted(
        httpx.Response(200, json={"code": 422, "message": "aspect_ratio is invalid"}),
    )
    client = make_client(script.transport)

    with pytest.raises(InvalidParametersError) as caught:
        await client.create_task("z-image", {"prompt": "cat"})

    assert caught.value.message == "aspect_ratio is invalid"
    assert "aspect_ratio is invalid" in caught.value.user_hint


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"msg": "no code"}),
        httpx.Response(200, json={"code": 200, "msg": "success", "data": {}}),
    ],
    ids=["html", "array", "no-code", "no-task-id"],
)
async def test_malformed_success_is_a_protocol_error_not_retried(
    make_client: MakeClient, response: httpx.Response
) -> None:
    script = Scripted(response)
    client = make_client(script.transport)

    with pytest.raises(KieProtocolError):
        await client.create_task("z-image", {"prompt": "cat"})
    assert len(script.requests) == 1


async def test_content_policy_rejection_is_flagged(make_client: MakeClient) -> None:
    script = Scripted(envelope(None, code=400, msg="Prompt violates our content policy"))
    client = make_client(script.transport)

    with pytest.raises(BadRequestError) as caught:
        await client.create_task("z-image", {"prompt": "something"})

    assert caught.value.content_rejected
    assert not caught.value.retryable


async def test_retry_after_header_is_honoured(make_client: MakeClient, clock: FakeClock) -> None:
    script = Scripted(
        httpx.Response(
            429, json={"code": 429, "msg": "Rate limit exceeded"}, headers={"Retry-After": "7"}
        ),
        envelope({"taskId": "t1"}),
    )
    client = make_client(script.transport)

    assert await client.create_task("z-image", {"prompt": "cat"}) == "t1"
    assert clock.sleeps == [7.0]
