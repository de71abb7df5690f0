"""Kie's catalog, price and probe calls against httpx.MockTransport: the shapes we can read (and
the ones we refuse), the status probe's verdicts, and the shared 1 request/s budget."""

from __future__ import annotations

import itertools
from decimal import Decimal

import httpx
import pytest

from trt_local.kie import NotFoundError, SlidingWindowLimiter
from trt_local.kie.catalog_api import (
    PROBE_TASK_ID,
    CatalogAPI,
    CatalogShapeError,
    ProbeResult,
)

from .helpers import FakeClock, MakeClient, Scripted, envelope


def _api(make_client: MakeClient, script: Scripted, clock: FakeClock) -> CatalogAPI:
    limiter = SlidingWindowLimiter(1, 1.0, clock=clock, sleep=clock.sleep)
    return CatalogAPI(make_client(script.transport), limiter=limiter)


@pytest.mark.parametrize(
    "data",
    [
        # The §12 notes: a list of models carrying pricingDesc.
        [
            {"model": "z-image", "taskType": "text-to-image", "pricingDesc": "0.8 credits/image"},
            {"model": "kling-2.6/text-to-video", "pricingDesc": "55 credits (5s) or 110 credits"},
        ],
        # A paged object, camelCase name, numbers.
        {
            "list": [
                {"modelName": "z-image", "credits": 0.8},
                {"modelName": "kling-2.6/text-to-video", "credits": [55, 110]},
            ],
            "total": 2,
        },
        # Records with ids and a price as text.
        {
            "records": [
                {"id": "z-image", "price": "0.8"},
                {"id": "kling-2.6/text-to-video", "creditPrice": ["55", "110"]},
            ]
        },
    ],
)
async def test_the_catalog_is_read_in_each_known_spelling(
    make_client: MakeClient, clock: FakeClock, data: object
) -> None:
    script = Scripted(envelope(data))

    answer = await _api(make_client, script, clock).models()

    listing = answer.listings
    assert answer.complete
    assert listing["z-image"].credits == {Decimal("0.8")}
    assert listing["kling-2.6/text-to-video"].credits == {Decimal(55), Decimal(110)}
    assert script.requests[0].url.path == "/api/v1/models"


@pytest.mark.parametrize(
    "data",
    [{"catalogue": "see kie.ai/market"}, [{"title": "no name here"}], "models", None],
)
async def test_an_unknown_shape_is_refused_not_guessed(
    make_client: MakeClient, clock: FakeClock, data: object
) -> None:
    script = Scripted(envelope(data))

    with pytest.raises(CatalogShapeError):
        await _api(make_client, script, clock).models()


async def test_a_missing_catalog_endpoint_is_a_404(
    make_client: MakeClient, clock: FakeClock
) -> None:
    script = Scripted(httpx.Response(404, text="Not Found"))

    with pytest.raises(NotFoundError):
        await _api(make_client, script, clock).models()


async def test_the_price_endpoint_keeps_the_slash_of_the_model_name(
    make_client: MakeClient, clock: FakeClock
) -> None:
    script = Scripted(envelope({"model": "wan/2-6-text-to-video", "pricingDesc": "70 credits"}))

    credits = await _api(make_client, script, clock).price("wan/2-6-text-to-video")

    assert credits == {Decimal(70)}
    assert script.requests[0].url.path == "/api/v1/models/wan/2-6-text-to-video/price"


@pytest.mark.parametrize(
    ("answer", "result"),
    [
        (envelope(code=404, msg="Task not found"), ProbeResult.ALIVE),
        (envelope(code=422, msg="taskId is invalid"), ProbeResult.ALIVE),
        (envelope(code=505, msg="Feature disabled"), ProbeResult.DISABLED),
        (envelope(code=500, msg="Internal error"), None),
    ],
)
async def test_the_probe_asks_the_status_endpoint_about_a_task_that_cannot_exist(
    make_client: MakeClient, clock: FakeClock, answer: httpx.Response, result: ProbeResult | None
) -> None:
    script = Scripted(answer)

    probe = await _api(make_client, script, clock).probe("jobs")

    assert probe.result is result
    assert result is not None or "500" in probe.detail
    (request,) = script.requests  # one call, no retry; and never a createTask
    assert (request.method, request.url.path) == ("GET", "/api/v1/jobs/recordInfo")
    assert request.url.params["taskId"] == PROBE_TASK_ID


async def test_the_calls_share_one_request_per_second(
    make_client: MakeClient, clock: FakeClock
) -> None:
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return envelope(code=404, msg="Task not found")

    api = _api(make_client, Scripted(answer), clock)

    for _ in range(3):
        await api.probe("jobs")

    assert [b - a for a, b in itertools.pairwise(sent)] == [1.0, 1.0]


async def test_a_paged_answer_is_marked_incomplete(
    make_client: MakeClient, clock: FakeClock
) -> None:
    script = Scripted(envelope({"models": [{"model": "z-image"}], "total": 140}))

    answer = await _api(make_client, script, clock).models()

    assert not answer.complete
    assert answer.listings["z-image"].credits == frozenset()
