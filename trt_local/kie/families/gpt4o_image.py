"""4o Image: ``POST /api/v1/gpt4o-image/generate``, ``GET …/record-info`` (API.md §5, §12).

Sources: docs.kie.ai/cn/4o-image-api/get-4-o-image-details and the old-model pages
(docs.kie.ai/old-model/4o-image-api/…): the detail answer carries both ``successFlag`` (0/1/2/3,
as §12 says) and ``status`` (GENERATING / SUCCESS / CREATE_TASK_FAILED / GENERATE_FAILED, as §5
says) — either is read, the flag first; ``progress`` is a fraction string ("1.00");
images are ``response.resultUrls`` (the callback spells it ``result_urls``: both read);
``errorCode``/``errorMessage``. The page allows 3 detail queries per second per task, far above
our per-task poll rate. Body: ``prompt``, ``size`` 1:1 | 3:2 | 2:3, ``filesUrl`` (≤ 5 images),
``maskUrl``, ``nVariants`` 1 | 2 | 4, ``callBackUrl``; code 550 (queue full) is handled with 455.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.fields import flag_record, progress_percent
from trt_local.kie.families.market import task_id_from
from trt_local.kie.readers import integer
from trt_local.kie.records import TaskRecord

CREATE_PATH = "/api/v1/gpt4o-image/generate"
RECORD_PATH = "/api/v1/gpt4o-image/record-info"
DEFAULT_SIZE = "1:1"


class Gpt4oImage:
    name = "gpt4o-image"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        # The family has no model field: the catalog id only picks this family.
        body: dict[str, Any] = {key: value for key, value in input.items() if value != []}
        body.setdefault("size", DEFAULT_SIZE)  # required by Kie; an unchosen option is not sent
        files = body.get("filesUrl")
        if isinstance(files, str):  # a single-image input: the API wants a list
            body["filesUrl"] = [files]
        if "nVariants" in body and isinstance(body["nVariants"], str):
            body["nVariants"] = integer(body["nVariants"]) or body["nVariants"]
        if callback_url:
            body["callBackUrl"] = callback_url
        return HttpCall("POST", CREATE_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "gpt4o-image/generate")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "gpt4o-image/record-info")
        return flag_record(
            info,
            task_id=task_id,
            model=self.name,
            url_keys=("resultUrls", "result_urls"),
            progress=progress_percent(info.get("progress")),
        )


GPT4O_IMAGE = Gpt4oImage()
