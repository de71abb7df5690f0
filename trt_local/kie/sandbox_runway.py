"""The sandbox's Runway: its generate body and its ``record-detail`` answer (API.md §5.5, §12).

Checks what Kie checks (prompt ≤ 1800, duration 5 | 10, quality 720p | 1080p and not 1080p with
10 s, an aspect ratio for text-only runs) and answers with ``state`` wait / queueing / generating
/ success / fail, ``videoInfo`` and ``failCode``/``failMsg``, as the current docs show.
"""

from __future__ import annotations

import uuid
from typing import Any

from trt_local.kie.families.runway import MODEL_NAME
from trt_local.kie.sandbox_dedicated import (
    code_value,
    need_text,
    need_url,
    one_of,
    wall_text,
    without_callback,
)
from trt_local.kie.sandbox_family_base import CreateBody, FileUrl, SandboxFamily, check_callback
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_tasks import SandboxTask

RATIOS = ("16:9", "4:3", "1:1", "3:4", "9:16", "21:9")
_WIRE_STATES = {
    "waiting": "wait",
    "queuing": "queueing",
    "generating": "generating",
    "success": "success",
    "fail": "fail",
}


def read_create(body: dict[str, Any]) -> CreateBody:
    need_text(body, "prompt", max_length=1800)
    model = body.get("model")
    named = MODEL_NAME.fullmatch(model) if isinstance(model, str) else None
    if model is not None and named is None:
        raise SandboxReject(422, "model is not a Runway model")
    duration = body.get("duration", int(named.group(1)) if named else None)
    if duration not in (5, 10):
        raise SandboxReject(422, "duration is required and must be 5 or 10")
    # The model-named revision's example sends no quality (docs.kie.ai/runway-api/generate-ai-video).
    quality = body.get("quality", "720p" if named else None)
    if quality not in ("720p", "1080p"):
        raise SandboxReject(422, "quality is required and must be 720p or 1080p")
    if quality == "1080p" and duration == 10:
        raise SandboxReject(422, "1080p is not available for 10-second videos")
    if "imageUrl" in body:
        need_url(body["imageUrl"], "imageUrl")
    elif "aspectRatio" not in body:
        raise SandboxReject(422, "aspectRatio is required without an imageUrl")
    one_of(body, "aspectRatio", RATIOS)
    callback = check_callback(body.get("callBackUrl"))
    kie_model = named.group(0) if named else "runway"
    return CreateBody(kie_model, without_callback(body), callback)


def encode(task: SandboxTask, now: float, epoch: float, file_url: FileUrl) -> dict[str, Any]:
    state = task.state_at(now)
    data: dict[str, Any] = {
        "taskId": task.task_id,
        "parentTaskId": "",
        "generateParam": {
            "prompt": task.input.get("prompt", ""),
            "imageUrl": task.input.get("imageUrl", ""),
            "expandPrompt": True,
        },
        "state": _WIRE_STATES[state],
        "generateTime": wall_text(task.created_at, epoch),
        "videoInfo": None,
        "failCode": "",
        "failMsg": "",
        "expireFlag": 0,
    }
    if state == "success":
        files = task.ensure_files()
        data["videoInfo"] = {
            "videoId": str(uuid.uuid5(uuid.NAMESPACE_URL, task.task_id)),
            "taskId": task.task_id,
            "videoUrl": file_url(1, files[0].ext),
            "imageUrl": "",  # the sandbox renders no cover frame
        }
    elif state == "fail":
        data["failCode"] = code_value(task.outcome.fail_code) or ""
        data["failMsg"] = task.outcome.fail_msg
    return data


RUNWAY = SandboxFamily(
    name="runway",
    create_route=("POST", "/api/v1/runway/generate"),
    status_route=("GET", "/api/v1/runway/record-detail"),
    read_create=read_create,
    encode=encode,
    kind="video",
)
