"""How the sandbox speaks Veo 3.1 and its upgrades (see :mod:`trt_local.kie.families.veo`).

- ``veo3``: ``POST /api/v1/veo/generate`` (either aspect-ratio spelling), ``GET
  /api/v1/veo/record-info`` with ``successFlag``, ``response.resultUrls``, ``resolution``,
  ``errorCode``/``errorMessage`` and ``fallbackFlag`` false.
- ``veo3-4k``: ``POST /api/v1/veo/get-4k-video`` starts a new task; Veo's record-info answers for
  it (the shared status route) with ``mediaIds`` and ``resolution: 4k``, without ``fallbackFlag``.
- ``veo3-1080p``: no task of its own. ``GET /api/v1/veo/get-1080p-video?taskId=<source>`` answers
  422 "processing" until the source has been done for as long again as it took, then
  ``{"resultUrl"}``; a source that did not succeed answers 422 too. Its "create" is the client's
  record-info of the source, which the ``veo3`` family answers.
"""

from __future__ import annotations

import json
from typing import Any

from trt_local.kie.sandbox_family_base import CreateBody, FileUrl, SandboxFamily, check_callback
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_tasks import SandboxTask

GENERATE = "/api/v1/veo/generate"
RECORD = "/api/v1/veo/record-info"
UPGRADE_1080P = "/api/v1/veo/get-1080p-video"
UPGRADE_4K = "/api/v1/veo/get-4k-video"
_MODELS = frozenset({"veo3", "veo3_fast", "veo3_lite"})
_RATIOS = frozenset({"16:9", "9:16", "Auto"})


def _generate_create(body: dict[str, Any]) -> CreateBody:
    prompt, model = body.get("prompt"), body.get("model", "veo3_fast")
    if not isinstance(prompt, str) or not prompt.strip():
        raise SandboxReject(422, "prompt is required")
    if model not in _MODELS:
        raise SandboxReject(422, f"model must be one of {sorted(_MODELS)}")
    ratios = {body[key] for key in ("aspect_ratio", "aspectRatio") if key in body}
    if len(ratios) > 1 or not ratios <= _RATIOS:
        raise SandboxReject(422, "aspect_ratio must be 16:9, 9:16 or Auto")
    params = {key: value for key, value in body.items() if key != "callBackUrl"}
    return CreateBody(str(model), params, check_callback(body.get("callBackUrl")))


def _upgrade_create(body: dict[str, Any]) -> CreateBody:
    source, index = body.get("taskId"), body.get("index", 0)
    if not isinstance(source, str) or not source:
        raise SandboxReject(422, "taskId is required")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise SandboxReject(422, "index must be a non-negative integer")
    params = {"taskId": source, "index": index}
    return CreateBody("veo3-4k", params, check_callback(body.get("callBackUrl")))


def _times(task: SandboxTask, now: float, epoch: float) -> tuple[int, int | None]:
    created_ms = int((epoch + task.created_at) * 1000)
    done = task.state_at(now) in ("success", "fail")
    return created_ms, created_ms + int(task.duration * 1000) if done else None


def _flag(task: SandboxTask, now: float) -> int:
    state = task.state_at(now)
    if state == "success":
        return 1
    if state == "fail":  # 501 reads "generation failed" upstream (3); anything else "failed" (2)
        return 3 if task.outcome.fail_code == "501" else 2
    return 0


def _error_code(task: SandboxTask) -> int | str:
    code = task.outcome.fail_code
    return int(code) if code.isdigit() else code


def _veo_data(
    task: SandboxTask, now: float, epoch: float, response: dict[str, Any] | None
) -> dict[str, Any]:
    flag = _flag(task, now)
    created_ms, complete_ms = _times(task, now, epoch)
    return {
        "taskId": task.task_id,
        "paramJson": json.dumps({"model": task.model, **task.input}),
        "completeTime": complete_ms,
        "response": response if flag == 1 else None,
        "successFlag": flag,
        "errorCode": _error_code(task) if flag in (2, 3) else None,
        "errorMessage": task.outcome.fail_msg if flag in (2, 3) else "",
        "createTime": created_ms,
    }


def _generate_encode(
    task: SandboxTask, now: float, epoch: float, file_url: FileUrl
) -> dict[str, Any]:
    urls = [file_url(n, media.ext) for n, media in enumerate(task.ensure_files(), start=1)]
    response = {
        "taskId": task.task_id,
        "resultUrls": urls,
        "originUrls": None,
        "resolution": str(task.input.get("resolution", "720p")),
    }
    return {**_veo_data(task, now, epoch, response), "fallbackFlag": False}


def _upgrade_4k_encode(
    task: SandboxTask, now: float, epoch: float, file_url: FileUrl
) -> dict[str, Any]:
    urls = [file_url(n, media.ext) for n, media in enumerate(task.ensure_files(), start=1)]
    response = {
        "taskId": task.task_id,
        "resultUrls": urls,
        "imageUrls": None,
        "mediaIds": [f"media-{task.task_id}-{n}" for n in range(1, len(urls) + 1)],
        "resolution": "4k",
    }
    return _veo_data(task, now, epoch, response)  # 4K records have no fallbackFlag


def _upgrade_1080p_encode(
    source: SandboxTask, now: float, epoch: float, file_url: FileUrl
) -> dict[str, Any]:
    if source.state_at(now) != "success":
        raise SandboxReject(422, "record status is not success")
    # The 1080p version takes about as long again as the video itself (1-3 min at Kie).
    if now < source.created_at + 2 * source.duration:
        raise SandboxReject(422, "1080p is processing. It should be ready in 1-3 minutes.")
    media = source.ensure_files()[0]
    return {"resultUrl": file_url(1, media.ext)}


VEO: SandboxFamily = SandboxFamily(
    name="veo3",
    create_route=("POST", GENERATE),
    status_route=("GET", RECORD),
    read_create=_generate_create,
    encode=_generate_encode,
    kind="video",
)
VEO_4K: SandboxFamily = SandboxFamily(
    name="veo3-4k",
    create_route=("POST", UPGRADE_4K),
    status_route=("GET", RECORD),
    read_create=_upgrade_create,
    encode=_upgrade_4k_encode,
    kind="video",
)
VEO_1080P: SandboxFamily = SandboxFamily(
    name="veo3-1080p",
    # The client's "create" is a record-info of the source: the veo3 family (registered first,
    # same route) answers it, so no task is made here.
    create_route=("GET", RECORD),
    status_route=("GET", UPGRADE_1080P),
    read_create=_upgrade_create,
    encode=_upgrade_1080p_encode,
    kind="video",
    reads=frozenset({"veo3"}),
)
