"""How the sandbox speaks each Kie API family: its create and status routes and encodings.

A :class:`SandboxFamily` reads a create body into the model, input and callback the simulated task
keeps, and writes a task's state as that family's status ``data`` (API.md §5, §12). The Market API
is the default; other families register theirs in :data:`SANDBOX_FAMILIES`, so the transport,
faults, timelines and files are shared and only the wire shapes differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_media import OutputKind
from trt_local.kie.sandbox_tasks import SandboxTask

FileUrl = Callable[[int, str], str]


@dataclass(frozen=True, slots=True)
class CreateBody:
    model: str
    input: dict[str, Any]
    callback_url: str | None


@dataclass(frozen=True, slots=True)
class SandboxFamily:
    name: str
    create_route: tuple[str, str]  # (method, path)
    status_route: tuple[str, str]
    read_create: Callable[[dict[str, Any]], CreateBody]
    # The status answer's data: (task, now, epoch, file_url) → data.
    encode: Callable[[SandboxTask, float, float, FileUrl], dict[str, Any]]
    kind: OutputKind | None = None  # what every task of the family produces; None: by model


def check_callback(callback: object) -> str | None:
    if callback is not None and not (
        isinstance(callback, str) and callback.startswith(("http://", "https://"))
    ):
        raise SandboxReject(422, "callBackUrl must be an http(s) URL")
    return callback


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

SANDBOX_FAMILIES: dict[str, SandboxFamily] = {MARKET.name: MARKET}


def route(method: str, path: str) -> tuple[str, SandboxFamily] | None:
    """("create" | "record", family) for a request to a family's create or status route."""
    for family in SANDBOX_FAMILIES.values():
        if method == family.create_route[0] and path.endswith(family.create_route[1]):
            return "create", family
        if method == family.status_route[0] and path.endswith(family.status_route[1]):
            return "record", family
    return None


# The dedicated families' modules build on the types above, so they are registered last.
from trt_local.kie.sandbox_flux_kontext import FLUX_KONTEXT  # noqa: E402
from trt_local.kie.sandbox_gpt4o_image import GPT4O_IMAGE  # noqa: E402
from trt_local.kie.sandbox_runway import RUNWAY  # noqa: E402

SANDBOX_FAMILIES.update({family.name: family for family in (RUNWAY, FLUX_KONTEXT, GPT4O_IMAGE)})
