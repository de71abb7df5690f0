"""How the sandbox speaks each Kie API family: its create and status routes and encodings.

A :class:`SandboxFamily` reads a create body into the model, input and callback the simulated task
keeps, and writes a task's state as that family's status ``data`` (API.md §5, §12). The Market API
is the default; other families register theirs in :data:`SANDBOX_FAMILIES`, so the transport,
faults, timelines and files are shared and only the wire shapes differ.
"""

from __future__ import annotations

from typing import Any

from trt_local.kie import (
    sandbox_flux_kontext,
    sandbox_gpt4o_image,
    sandbox_runway,
    sandbox_suno,
    sandbox_veo,
)
from trt_local.kie.sandbox_family_base import (
    CreateBody,
    FileUrl,
    SandboxFamily,
    check_callback,
)
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_tasks import SandboxTask


def _market_create(body: dict[str, Any]) -> CreateBody:
    model, params = body.get("model"), body.get("input")
    if not isinstance(model, str) or not model.strip():
        raise SandboxReject(422, "model is required and must be a string")
    if not isinstance(params, dict):
        raise SandboxReject(422, "input is required and must be an object")
    return CreateBody(model, params, check_callback(body.get("callBackUrl")))


def _market_encode(
    task: SandboxTask, now: float, epoch: float, file_url: FileUrl
) -> dict[str, Any]:
    return task.record_json(now, epoch=epoch, file_url=file_url)


MARKET = SandboxFamily(
    name="jobs",
    create_route=("POST", "/api/v1/jobs/createTask"),
    status_route=("GET", "/api/v1/jobs/recordInfo"),
    read_create=_market_create,
    encode=_market_encode,
)

SANDBOX_FAMILIES: dict[str, SandboxFamily] = {
    family.name: family
    for family in (
        MARKET,
        sandbox_suno.SUNO,
        sandbox_veo.VEO,
        sandbox_veo.VEO_4K,
        sandbox_veo.VEO_1080P,
        sandbox_runway.RUNWAY,
        sandbox_flux_kontext.FLUX_KONTEXT,
        sandbox_gpt4o_image.GPT4O_IMAGE,
    )
}


def route(method: str, path: str) -> tuple[str, SandboxFamily] | None:
    """("create" | "record", family) for a request to a family's create or status route."""
    for family in SANDBOX_FAMILIES.values():
        if method == family.create_route[0] and path.endswith(family.create_route[1]):
            return "create", family
        if method == family.status_route[0] and path.endswith(family.status_route[1]):
            return "record", family
    return None


def status_family(routed: SandboxFamily, task_family: str) -> SandboxFamily | None:
    """The family whose encoding answers a status request routed to ``routed`` for a task
    created through ``task_family``; None if that task is not one this route knows."""
    if task_family == routed.name or task_family in routed.reads:
        return routed
    own = SANDBOX_FAMILIES.get(task_family)
    if own is not None and own.status_route == routed.status_route:
        return own  # a shared status route: Veo's record-info also serves its 4K tasks
    return None
