"""Flux Kontext: ``POST /api/v1/flux/kontext/generate``, ``GET …/record-info`` (API.md §5.4).

Sources: docs.kie.ai/flux-kontext-api/get-image-details (and its old-docs copy): ``successFlag``
0 generating / 1 success / 2 create-task failed / 3 generate failed; the image is
``response.resultImageUrl`` (one string; ``originImageUrl`` is a 10-minute link to Kie's
original), ``errorCode`` (null or a number) / ``errorMessage``, ``paramJson`` is the create body
JSON-encoded, times may be ISO strings. Body: ``prompt``, ``model`` flux-kontext-pro | max,
``aspectRatio``, ``outputFormat``, ``inputImage`` (present → an edit of that image),
``enableTranslation``, ``promptUpsampling``, ``safetyTolerance`` 0–6, but 0–2 when editing
(§5.4): an edit's tolerance is capped at 2 so Kie does not refuse the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.fields import flag_record
from trt_local.kie.families.market import task_id_from
from trt_local.kie.readers import integer, json_object, text
from trt_local.kie.records import TaskRecord

CREATE_PATH = "/api/v1/flux/kontext/generate"
RECORD_PATH = "/api/v1/flux/kontext/record-info"
MODELS = frozenset({"flux-kontext-pro", "flux-kontext-max"})
EDIT_MAX_TOLERANCE = 2


class FluxKontext:
    name = "flux-kontext"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        body: dict[str, Any] = dict(input)
        if not body.get("model") and model in MODELS:
            body["model"] = model  # the catalog id is the model when no choice was offered
        image = body.get("inputImage")
        if isinstance(image, list | tuple):  # an image list input: Kontext edits one image
            body["inputImage"] = image[0] if image else None
        if not body.get("inputImage"):
            body.pop("inputImage", None)
        else:
            tolerance = integer(body.get("safetyTolerance"))
            if tolerance is not None and tolerance > EDIT_MAX_TOLERANCE:
                body["safetyTolerance"] = EDIT_MAX_TOLERANCE
        if callback_url:
            body["callBackUrl"] = callback_url
        return HttpCall("POST", CREATE_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "flux/kontext/generate")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "flux/kontext/record-info")
        params = json_object(info.get("paramJson"))
        return flag_record(
            info,
            task_id=task_id,
            model=text(params.get("model")) or self.name,
            # One string per the docs; a list under resultUrls is read too, should Kie align it.
            url_keys=("resultImageUrl", "resultUrls"),
        )


FLUX_KONTEXT = FluxKontext()
