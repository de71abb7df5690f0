"""The sandbox's 4o Image: generate body and ``record-info`` answer (API.md §5, §12).

Checks ``size``, the prompt-or-files rule, ``filesUrl`` (≤ 5 URLs), ``maskUrl`` and ``nVariants``
and answers as docs.kie.ai/cn/4o-image-api/get-4-o-image-details shows: both ``successFlag`` and
``status``, ``progress`` as a fraction string, ``response.resultUrls``, ``errorCode``/
``errorMessage``. ``nVariants`` images are rendered, shaped like ``size``.
"""

from __future__ import annotations

import json
from typing import Any

from trt_local.kie.sandbox_dedicated import code_value, millis, need_url, one_of, without_callback
from trt_local.kie.sandbox_family_base import CreateBody, FileUrl, SandboxFamily, check_callback
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_tasks import SandboxTask

SIZES = ("1:1", "3:2", "2:3")
MAX_FILES = 5
# Hints for the sandbox's renderer (how many images, which shape); never echoed in paramJson.
_HINTS = ("n", "aspect_ratio")


def read_create(body: dict[str, Any]) -> CreateBody:
    if body.get("size") not in SIZES:
        raise SandboxReject(422, f"size is required and must be one of {list(SIZES)}")
    files = body.get("filesUrl", [])
    if not isinstance(files, list) or len(files) > MAX_FILES:
        raise SandboxReject(422, f"filesUrl must be a list of at most {MAX_FILES} URLs")
    for url in files:
        need_url(url, "filesUrl")
    prompt = body.get("prompt")
    if not files and not (isinstance(prompt, str) and prompt.strip()):
        raise SandboxReject(422, "prompt or filesUrl is required")
    if "maskUrl" in body:
        need_url(body["maskUrl"], "maskUrl")
    one_of(body, "nVariants", (1, 2, 4))
    params = without_callback(body)
    params.update(n=body.get("nVariants", 1), aspect_ratio=body["size"])
    return CreateBody("gpt4o-image", params, check_callback(body.get("callBackUrl")))


def encode(task: SandboxTask, now: float, epoch: float, file_url: FileUrl) -> dict[str, Any]:
    state = task.state_at(now)
    sent = {key: value for key, value in task.input.items() if key not in _HINTS}
    data: dict[str, Any] = {
        "taskId": task.task_id,
        "paramJson": json.dumps(sent),
        "createTime": millis(task.created_at, epoch),
        "completeTime": None,
        "response": None,
        "successFlag": 0,
        "status": "GENERATING",
        "errorCode": None,
        "errorMessage": "",
        "progress": f"{task.progress_at(now) / 100:.2f}",
    }
    if state in ("success", "fail"):
        data["completeTime"] = millis(task.created_at + task.duration, epoch)
    if state == "success":
        files = task.ensure_files()
        data.update(successFlag=1, status="SUCCESS", progress="1.00")
        data["response"] = {
            "resultUrls": [file_url(n, media.ext) for n, media in enumerate(files, start=1)]
        }
    elif state == "fail":
        data.update(successFlag=3, status="GENERATE_FAILED")
        data["errorCode"] = code_value(task.outcome.fail_code)
        data["errorMessage"] = task.outcome.fail_msg
    return data


GPT4O_IMAGE = SandboxFamily(
    name="gpt4o-image",
    create_route=("POST", "/api/v1/gpt4o-image/generate"),
    status_route=("GET", "/api/v1/gpt4o-image/record-info"),
    read_create=read_create,
    encode=encode,
    kind="image",
)
