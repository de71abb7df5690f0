"""The sandbox's failure switches produce the client errors the rest of the bot must handle."""

from __future__ import annotations

import base64

import httpx
import pytest

from trt_local.kie import (
    DownloadTooLargeError,
    FeatureDisabledError,
    InsufficientCreditsError,
    InvalidParametersError,
    KeyLimitError,
    KieAPIError,
    KieClient,
    KieSandbox,
    KieTransportError,
    MaintenanceError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    UploadFailedError,
)

from .helpers import FakeClock

PROMPT = {"prompt": "a lighthouse"}


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (401, UnauthorizedError),
        (402, InsufficientCreditsError),
        (422, InvalidParametersError),
        (433, KeyLimitError),
        (500, ServerError),
        (505, FeatureDisabledError),
    ],
)
async def test_create_failures_raise_and_start_nothing(
    kie: KieClient, sandbox: KieSandbox, code: int, error: type[KieAPIError]
) -> None:
    sandbox.fail_next("create", code)

    with pytest.raises(error):
        await kie.create_task("z-image", PROMPT)

    assert sandbox.created == []
    assert await kie.create_task("z-image", PROMPT)  # the switch fired once only


@pytest.mark.parametrize("code", [429, 455])
async def test_transient_create_failures_are_retried(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock, code: int
) -> None:
    sandbox.fail_next("create", code, http_status=code, retry_after=3)

    task_id = await kie.create_task("z-image", PROMPT)

    assert [c.task_id for c in sandbox.created] == [task_id]
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 3


async def test_persistent_rate_limit_surfaces(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.fail_next("create", 429, times=10)

    with pytest.raises(RateLimitedError):
        await kie.create_task("z-image", PROMPT)
    assert sum(r.url.endswith("createTask") for r in sandbox.requests) == 4


async def test_record_failures_are_retried(kie: KieClient, sandbox: KieSandbox) -> None:
    task_id = await kie.create_task("z-image", PROMPT)
    sandbox.fail_next("record", 500)
    sandbox.fail_next("record", 455)

    record = await kie.record_info(task_id)

    assert record.task_id == task_id
    assert sum(r.url.endswith("recordInfo") for r in sandbox.requests) == 3


async def test_upload_and_credit_failures(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.fail_next("upload", 401)
    sandbox.fail_next("credit", 455, times=4)

    with pytest.raises(UnauthorizedError):
        await kie.upload_file(b"x", file_name="a.png", mime_type="image/png", upload_path="tg")
    with pytest.raises(MaintenanceError):
        await kie.credits()
    assert sandbox.uploads == []


async def test_upload_success_false_from_the_sandbox(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.fail_next("upload", 200, message="storage full")

    with pytest.raises(UploadFailedError):
        await kie.upload_file(b"x", file_name="a.png", mime_type="image/png", upload_path="tg")


async def test_failed_tasks_end_in_fail(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks(fail_code="422", fail_msg="Prompt flagged by moderation", count=1)
    doomed = await kie.create_task("z-image", PROMPT)
    fine = await kie.create_task("z-image", PROMPT)
    clock.advance(60)

    failed = await kie.record_info(doomed)
    succeeded = await kie.record_info(fine)

    assert failed.is_failed
    assert (failed.fail_code, failed.fail_msg) == ("422", "Prompt flagged by moderation")
    assert failed.content_rejected
    assert failed.result_urls == ()
    assert succeeded.is_success


async def test_fail_tasks_without_count_lasts_until_reset(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks()
    first = await kie.create_task("z-image", PROMPT)
    second = await kie.create_task("z-image", PROMPT)
    sandbox.reset_faults()
    third = await kie.create_task("z-image", PROMPT)
    clock.advance(60)

    states = [(await kie.record_info(t)).state for t in (first, second, third)]

    assert states == ["fail", "fail", "success"]
    assert (await kie.record_info(first)).fail_code == "500"


async def test_hung_tasks_never_finish(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.hang_tasks(count=1)
    hung = await kie.create_task("z-image", PROMPT)
    normal = await kie.create_task("z-image", PROMPT)
    clock.advance(24 * 3600)

    assert (await kie.record_info(hung)).state == "generating"
    assert (await kie.record_info(normal)).state == "success"
    assert sandbox.state_of(hung) == "generating"


async def test_connect_error_on_create_is_retried(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.connect_error_next(2, operation="create")

    task_id = await kie.create_task("z-image", PROMPT)

    assert [c.task_id for c in sandbox.created] == [task_id]
    # Refused connections never reach the sandbox, so only the successful request is recorded.
    assert sum(r.url.endswith("createTask") for r in sandbox.requests) == 1


async def test_connect_errors_exhaust_retries(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.connect_error_next(10)

    with pytest.raises(KieTransportError) as caught:
        await kie.create_task("z-image", PROMPT)

    assert caught.value.reached is False
    assert sandbox.created == []


async def test_lost_create_response_is_not_repeated(kie: KieClient, sandbox: KieSandbox) -> None:
    sandbox.drop_response_next(operation="create")

    with pytest.raises(KieTransportError) as caught:
        await kie.create_task("z-image", PROMPT)

    # Kie started (and billed) the task although the answer was lost: never send it twice.
    assert caught.value.reached is True
    assert len(sandbox.created) == 1


async def test_unknown_task_is_not_found(kie: KieClient) -> None:
    with pytest.raises(NotFoundError):
        await kie.record_info("no-such-task")


async def test_body_shape_is_validated(kie: KieClient, sandbox: KieSandbox) -> None:
    with pytest.raises(InvalidParametersError):
        await kie.create_task("", PROMPT)
    async with httpx.AsyncClient(transport=sandbox, base_url="https://api.kie.ai") as raw:
        headers = {"Authorization": "Bearer k"}
        no_input = await raw.post("/api/v1/jobs/createTask", json={"model": "z"}, headers=headers)
        not_json = await raw.post("/api/v1/jobs/createTask", content=b"{", headers=headers)

    assert no_input.json()["code"] == 422
    assert not_json.json()["code"] == 422
    assert sandbox.created == []


@pytest.mark.parametrize("header", [None, "Bearer ", "Basic abc"])
async def test_bearer_key_is_required(sandbox: KieSandbox, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    async with httpx.AsyncClient(transport=sandbox, base_url="https://api.kie.ai") as raw:
        response = await raw.get("/api/v1/chat/credit", headers=headers)

    assert response.json()["code"] == 401


async def test_base64_upload_and_missing_upload_path(sandbox: KieSandbox) -> None:
    payload = "data:image/png;base64," + base64.b64encode(b"tiny").decode()
    headers = {"Authorization": "Bearer k"}
    async with httpx.AsyncClient(transport=sandbox, base_url="https://up.example") as raw:
        ok = await raw.post(
            "/api/file-base64-upload",
            json={"base64Data": payload, "uploadPath": "tg", "fileName": "t.png"},
            headers=headers,
        )
        missing = await raw.post(
            "/api/file-base64-upload", json={"base64Data": payload}, headers=headers
        )
        bad = await raw.post(
            "/api/file-base64-upload",
            json={"base64Data": "!!!", "uploadPath": "tg"},
            headers=headers,
        )

    assert ok.json()["success"] is True
    assert ok.json()["data"]["mimeType"] == "image/png"
    assert (missing.json()["code"], bad.json()["code"]) == (400, 400)
    assert [(u.file_name, u.content) for u in sandbox.uploads] == [("t.png", b"tiny")]


def test_unknown_switch_name_is_refused(sandbox: KieSandbox) -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        sandbox.fail_next("teleport", 500)  # type: ignore[arg-type]


async def test_oversized_results_declare_their_size_and_are_refused_by_the_cap(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.oversize_results(size=60_000, count=1)
    big = await kie.create_task("z-image", PROMPT)
    normal = await kie.create_task("z-image", PROMPT)
    clock.advance(60)
    [big_url] = (await kie.record_info(big)).result_urls
    [normal_url] = (await kie.record_info(normal)).result_urls

    with pytest.raises(DownloadTooLargeError):
        await kie.download(big_url, max_bytes=59_999)
    whole = await kie.download(big_url, max_bytes=60_000)
    small = await kie.download(normal_url, max_bytes=60_000)

    assert len(whole.content) == 60_000 and whole.content.startswith(b"\x89PNG")
    assert len(small.content) < 60_000
