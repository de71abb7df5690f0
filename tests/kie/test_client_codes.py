"""The codes API.md §12 added, through the real client: the class raised and whether it retries.

451 (input URL unreachable), 409/413/531 (Suno) are final: a create is not repeated, a status
call neither. 550 (queue full) is like 455: Kie started nothing, so even a create is repeated,
after the long maintenance backoff.
"""

from __future__ import annotations

import pytest

from trt_local.kie import (
    AlreadyExistsError,
    InputUnreachableError,
    KieAPIError,
    MalformedLyricsError,
    MatchesExistingWorkError,
    QueueFullError,
)
from trt_local.kie.errors import api_error
from trt_local.kie.retry import CREATE_RETRY, create_may_retry

from .helpers import FakeClock, MakeClient, Scripted, envelope

# code, class, retried by create, retried by status
ROWS = [
    (409, AlreadyExistsError, False, False),
    (413, MatchesExistingWorkError, False, False),
    (451, InputUnreachableError, False, False),
    (531, MalformedLyricsError, False, False),
    (550, QueueFullError, True, True),
]
ATTEMPTS = 4
FAMILIES = ["jobs", "runway", "flux-kontext", "gpt4o-image"]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("in_body", [True, False], ids=["http200-body-code", "http-status"])
@pytest.mark.parametrize(("code", "cls", "create_retry", "status_retry"), ROWS)
async def test_a_create_answered_with_a_new_code(
    make_client: MakeClient,
    clock: FakeClock,
    code: int,
    cls: type[KieAPIError],
    create_retry: bool,
    status_retry: bool,
    in_body: bool,
    family: str,
) -> None:
    script = Scripted(envelope(None, code=code, msg="nope", status=200 if in_body else code))
    client = make_client(script.transport)

    with pytest.raises(cls) as caught:
        await client.create_task("some-model", {"prompt": "cat", "size": "1:1"}, family=family)

    assert type(caught.value) is cls and caught.value.code == code
    assert not caught.value.account_problem and caught.value.user_hint
    assert len(script.requests) == (ATTEMPTS if create_retry else 1)
    if create_retry:  # minutes-scale backoff like 455, not the 1 s one of other errors
        assert clock.sleeps == [5.0, 10.0, 20.0]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("code", "cls", "create_retry", "status_retry"), ROWS)
async def test_a_status_call_answered_with_a_new_code(
    make_client: MakeClient,
    code: int,
    cls: type[KieAPIError],
    create_retry: bool,
    status_retry: bool,
    family: str,
) -> None:
    script = Scripted(envelope(None, code=code, msg="nope"))
    client = make_client(script.transport)

    with pytest.raises(cls):
        await client.record_info("task_1", family=family)

    assert len(script.requests) == (ATTEMPTS if status_retry else 1)


def test_only_the_full_queue_lets_a_create_be_repeated() -> None:
    assert create_may_retry(api_error(550, "queue full"))
    for code in (409, 413, 451, 531):
        assert not create_may_retry(api_error(code, "no"))
    assert CREATE_RETRY.delay(1, api_error(550, ""), lambda c: c) == CREATE_RETRY.maintenance_delay
