"""The sandbox's Flux Kontext: generate/edit body and ``record-info`` answer (API.md §5.4).

Checks the model, aspect ratio, output format, the edit image URL and ``safetyTolerance`` (0–6,
0–2 when editing) and answers with ``successFlag`` 0 / 1 / 3, ``response.resultImageUrl`` and
``errorCode``/``errorMessage`` as docs.kie.ai/flux-kontext-api/get-image-details shows.
"""

from __future__ import annotations

import json
from typing import Any

from trt_local.kie.families.flux_kontext import EDIT_MAX_TOLERANCE, MODELS
from trt_local.kie.sandbox_dedicated import (
    code_value,
    millis,
    need_text,
    need_url,
    one_of,
    without_callback,
)
from trt_local.kie.sandbox_family_base import CreateBody, FileUrl, SandboxFamily, check_callback
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_tasks import SandboxTask

RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")


def read_create(body: dict[str, Any]) -> CreateBody:
    need_text(body, "prompt")
    one_of(body, "model", MODELS)
    one_of(body, "aspectRatio", RATIOS)
    one_of(body, "outputFormat", ("jpeg", "png"))
    editing = "inputImage" in body
    if editing:
        need_url(body["inputImage"], "inputImage")
    tolerance = body.get("safetyTolerance", 2)
    highest = EDIT_MAX_TOLERANCE if editing else 6
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int)
        or not 0 <= tolerance <= highest
    ):
        raise SandboxReject(422, f"safetyTolerance must be an integer from 0 to {highest}")
    model = body.get("model", "flux-kontext-pro")
    return CreateBody(model, without_callback(body), check_callback(body.get("callBackUrl")))


def encode(task: SandboxTask, now: float, epoch: float, file_url: FileUrl) -> dict[str, Any]:
    state = task.state_at(now)
    data: dict[str, Any] = {
        "taskId": task.task_id,
        "paramJson": json.dumps(task.input),
        "createTime": millis(task.created_at, epoch),
        "completeTime": None,
        "response": None,
        "successFlag": 0,
        "errorCode": None,
        "errorMessage": "",
    }
    if state in ("success", "fail"):
        data["completeTime"] = millis(task.created_at + task.duration, epoch)
    if state == "success":
        files = task.ensure_files()
        data["successFlag"] = 1
        data["response"] = {
            "originImageUrl": file_url(1, files[0].ext),
            "resultImageUrl": file_url(1, files[0].ext),
        }
    elif state == "fail":
        data["successFlag"] = 3
        data["errorCode"] = code_value(task.outcome.fail_code)
        data["errorMessage"] = task.outcome.fail_msg
    return data


FLUX_KONTEXT = SandboxFamily(
    name="flux-kontext",
    create_route=("POST", "/api/v1/flux/kontext/generate"),
    status_route=("GET", "/api/v1/flux/kontext/record-info"),
    read_create=read_create,
    encode=encode,
    kind="image",
)
