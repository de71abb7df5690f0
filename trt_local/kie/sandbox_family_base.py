"""The shape of a sandbox family (see :mod:`trt_local.kie.sandbox_families`, which registers them).

Kept apart from the registry so each family's module can import these types while the registry
imports every family module at its top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_media import MediaFile, OutputKind
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
    # The result files of a finished task when the family's differ from the model's usual ones
    # (Suno: two tracks and their covers); None: sandbox_media.render_files.
    render: Callable[[SandboxTask], list[MediaFile]] | None = None
    # Families whose tasks this one's status route answers for (Veo's 1080p GET names the source
    # video's task): ``encode`` then gets that task.
    reads: frozenset[str] = frozenset()


def check_callback(callback: object) -> str | None:
    if callback is not None and not (
        isinstance(callback, str) and callback.startswith(("http://", "https://"))
    ):
        raise SandboxReject(422, "callBackUrl must be an http(s) URL")
    return callback
