"""The sandbox's Runway, Flux Kontext and 4o Image under the real client: the wire shapes each
family's docs show, the fields Kie refuses, timelines, failures and real result files."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from trt_local.kie import InvalidParametersError, KieClient, KieSandbox, NotFoundError

from .helpers import API_KEY, FakeClock

MAX = 5_000_000
RUNWAY = {"prompt": "a cat dances", "duration": 5, "quality": "720p", "aspectRatio": "16:9"}
FLUX = {"prompt": "a fox", "model": "flux-kontext-pro", "aspectRatio": "1:1"}
GPT4O = {"prompt": "a fox", "size": "2:3", "nVariants": 2}
CASES = [
    ("runway", "runway", RUNWAY, "video/mp4", 1),
    ("flux-kontext-pro", "flux-kontext", FLUX, "image/png", 1),
    ("gpt4o-image", "gpt4o-image", GPT4O, "image/png", 2),
]


async def raw_status(sandbox: KieSandbox, path: str, task_id: str) -> dict[str, Any]:
    """The status answer as the wire carries it (not through the client's reading)."""
    async with httpx.AsyncClient(transport=sandbox, base_url="https://api.kie.ai") as http:
        response = await http.get(
            path, params={"taskId": task_id}, headers={"Authorization": f"Bearer {API_KEY}"}
        )
    body = response.json()
    assert body["code"] == 200
    data: dict[str, Any] = body["data"]
    return data


@pytest.mark.parametrize(("model", "family", "choices", "mime", "files"), CASES)
async def test_a_task_runs_to_real_files(
    kie: KieClient,
    sandbox: KieSandbox,
    clock: FakeClock,
    model: str,
    family: str,
    choices: dict[str, Any],
    mime: str,
    files: int,
) -> None:
    task_id = await kie.create_task(model, choices, family=family)
    states = []
    for _ in range(200):
        record = await kie.record_info(task_id, family=family)
        if not states or states[-1] != record.state:
            states.append(record.state)
        if not record.is_running:
            break
        clock.advance(2.0)

    assert states[-1] == "success" and len(states) >= 2  # it ran before it finished
    assert len(record.result_urls) == files
    for url in record.result_urls:
        downloaded = await kie.download(url, max_bytes=MAX)
        assert downloaded.content_type == mime and downloaded.content
    # Kie's side kept the task under the family it was created through.
    assert sandbox.created[0].input.items() >= choices.items()
    with pytest.raises(NotFoundError):
        await kie.record_info(task_id)  # the Market API does not know a Runway task


async def test_runway_speaks_its_own_states_and_fail_fields(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks("451", "image could not be fetched", count=1)
    task_id = await kie.create_task("runway", RUNWAY, family="runway")

    first = await raw_status(sandbox, "/api/v1/runway/record-detail", task_id)
    clock.advance(600)
    last = await raw_status(sandbox, "/api/v1/runway/record-detail", task_id)

    assert first["state"] == "wait" and first["videoInfo"] is None
    assert (last["state"], last["failCode"], last["failMsg"]) == (
        "fail",
        451,
        "image could not be fetched",
    )
    record = await kie.record_info(task_id, family="runway")
    assert record.is_failed and record.fail_code == "451"


async def test_flux_and_4o_speak_success_flags_and_error_codes(
    kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.fail_tasks("550", "queue full", count=1)
    failing = await kie.create_task("gpt4o-image", GPT4O, family="gpt4o-image")
    flux = await kie.create_task("flux-kontext-pro", FLUX, family="flux-kontext")
    running = await raw_status(sandbox, "/api/v1/gpt4o-image/record-info", failing)
    clock.advance(600)

    failed = await raw_status(sandbox, "/api/v1/gpt4o-image/record-info", failing)
    done = await raw_status(sandbox, "/api/v1/flux/kontext/record-info", flux)

    assert (running["successFlag"], running["status"]) == (0, "GENERATING")
    assert float(running["progress"]) < 1
    assert (failed["successFlag"], failed["status"], failed["errorCode"]) == (
        3,
        "GENERATE_FAILED",
        550,
    )
    assert json.loads(failed["paramJson"]) == GPT4O
    assert done["successFlag"] == 1 and done["errorCode"] is None
    assert isinstance(done["response"]["resultImageUrl"], str)


@pytest.mark.parametrize(
    ("model", "family", "choices"),
    [
        ("runway", "runway", {**RUNWAY, "duration": 10, "quality": "1080p"}),
        ("runway", "runway", {**RUNWAY, "prompt": "x" * 1801}),
        ("runway", "runway", {**RUNWAY, "aspectRatio": "2:1"}),
        ("flux-kontext-pro", "flux-kontext", {**FLUX, "safetyTolerance": 7}),
        ("flux-kontext-pro", "flux-kontext", {**FLUX, "outputFormat": "gif"}),
        ("gpt4o-image", "gpt4o-image", {**GPT4O, "size": "16:9"}),
        ("gpt4o-image", "gpt4o-image", {"size": "1:1"}),
    ],
    ids=[
        "runway-1080p-10s",
        "runway-long-prompt",
        "runway-ratio",
        "flux-tolerance",
        "flux-format",
        "4o-size",
        "4o-nothing-to-draw",
    ],
)
async def test_what_kie_refuses_the_sandbox_refuses(
    kie: KieClient, sandbox: KieSandbox, model: str, family: str, choices: dict[str, Any]
) -> None:
    with pytest.raises(InvalidParametersError):
        await kie.create_task(model, choices, family=family)
    assert sandbox.created == []


async def test_a_flux_edit_gets_past_the_sandbox_with_the_capped_tolerance(
    kie: KieClient, sandbox: KieSandbox
) -> None:
    url = await kie.upload_file(
        b"\x89PNG...", file_name="in.png", mime_type="image/png", upload_path="u"
    )
    edit = {**FLUX, "inputImage": url, "safetyTolerance": 6}

    await kie.create_task("flux-kontext-pro", edit, family="flux-kontext")

    [created] = sandbox.created
    assert created.input["inputImage"] == url and created.input["safetyTolerance"] == 2


async def test_runway_by_the_other_revisions_model_name(
    kie: KieClient, sandbox: KieSandbox
) -> None:
    # That revision's example: a model name, no duration or quality, an empty imageUrl skipped.
    choices = {"prompt": "a cat", "aspectRatio": "9:16", "imageUrl": ""}

    await kie.create_task("runway-duration-10-generate", choices, family="runway")

    [created] = sandbox.created
    assert created.model == "runway-duration-10-generate"
    assert created.input == {
        "prompt": "a cat",
        "aspectRatio": "9:16",
        "model": created.model,
        "duration": 10,
    }
