"""Veo 3.1 (``endpoint: veo3``): ``POST /api/v1/veo/generate``, ``GET /api/v1/veo/record-info``.

Sources (read 2026-12-04): docs.kie.ai/veo3-api/generate-veo-3-video (body; ``aspect_ratio``),
the older quickstart docs.kie.ai/veo3-api/quickstart (``aspectRatio``),
docs.kie.ai/veo3-api/get-veo-3-video-details (``successFlag`` 0 generating / 1 success /
2 failed / 3 generation failed; ``response.resultUrls``, ``originUrls``, ``fullResultUrls``,
``resolution``; ``errorCode``/``errorMessage``; ``fallbackFlag``, legacy: a fallback video is
720p and cannot be upgraded), API.md §5.1 and §12. The pages now sit under Kie's "old-model"
section but the endpoints still answer; no Kie page shows Veo as a Market model, so this family
keeps the dedicated endpoints. A status answer that comes in the Market encoding (``state`` instead
of ``successFlag``; API.md §12 says Market records now carry both) is read as a Market record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.errors import KieProtocolError
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.market import task_id_from
from trt_local.kie.readers import json_object, text
from trt_local.kie.records import TaskRecord

GENERATE_PATH = "/api/v1/veo/generate"
RECORD_PATH = "/api/v1/veo/record-info"
DEFAULT_RESOLUTION = "720p"  # §12: Veo's default output; the upgrades start from it

# successFlag → the TaskRecord state every family maps to.
_STATES = {0: "generating", 1: "success", 2: "fail", 3: "fail"}
_ASPECT_KEYS = ("aspect_ratio", "aspectRatio")


def generate_body(model: str, input: Mapping[str, Any], callback_url: str | None) -> dict[str, Any]:
    """The ``/veo/generate`` body: the input's fields, and what the family needs besides."""
    body = {name: value for name, value in input.items() if value is not None and value != []}
    body.setdefault("model", model)  # the catalog id is the model string unless input names one
    if "generationType" not in body:
        frames = body.get("imageUrls")
        body["generationType"] = "FIRST_AND_LAST_FRAMES_2_VIDEO" if frames else "TEXT_2_VIDEO"
    # The newest generate page spells the key aspect_ratio, the quickstart and older pages
    # aspectRatio, and nobody has confirmed which one the live API reads (API.md §5.1): send both
    # with the same value, so either reading gets the user's choice.
    ratio = next((body[key] for key in _ASPECT_KEYS if key in body), None)
    if ratio is not None:
        for key in _ASPECT_KEYS:
            body[key] = ratio
    body["enableFallback"] = False  # deprecated; a fallback video could not be upgraded
    if callback_url:
        body["callBackUrl"] = callback_url
    return body


def flag_of(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def urls_of(response: Mapping[str, Any], *keys: str) -> tuple[str, ...]:
    """The first non-empty URL list among ``keys`` (a bare string counts as one URL)."""
    for key in keys:
        raw = response.get(key)
        if isinstance(raw, str) and raw:
            return (raw,)
        if isinstance(raw, list):
            urls = tuple(url for url in raw if isinstance(url, str) and url)
            if urls:
                return urls
    return ()


def veo_record(
    data: Mapping[str, Any], *, task_id: str, urls: tuple[str, ...], extras: Mapping[str, Any]
) -> TaskRecord:
    """A record from a record-info ``data`` in the Veo encoding (``successFlag``)."""
    flag = flag_of(data.get("successFlag"))
    if flag is None:
        raise KieProtocolError("veo record-info answered without a successFlag")
    # A flag Kie may add later is read as still running, like unknown Market states.
    state = _STATES.get(flag, "generating")
    failed = state == "fail"
    return TaskRecord(
        task_id=text(data.get("taskId")) or task_id,
        model="",
        state=state,
        result_urls=urls if state == "success" else (),
        fail_code=text(data.get("errorCode")) if failed else "",
        fail_msg=text(data.get("errorMessage")) if failed else "",
        param=json_object(data.get("paramJson")),
        extras=extras if state == "success" else {},
    )


def generate_extras(data: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, Any]:
    """What the bot offers follow-ups from: the video's resolution and whether it upgrades."""
    param = json_object(data.get("paramJson"))
    resolution = text(response.get("resolution")) or text(param.get("resolution"))
    return {
        "resolution": (resolution or DEFAULT_RESOLUTION).lower(),
        # Docs: a fallback-model video is 720p and refused by the 1080p/4K endpoints.
        "upgradable": data.get("fallbackFlag") is not True,
    }


class Veo:
    name = "veo3"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        return HttpCall("POST", GENERATE_PATH, json=generate_body(model, input, callback_url))

    def task_id(self, data: object) -> str:
        return task_id_from(data, "veo generate")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "veo record-info")
        if "successFlag" not in info and "state" in info:
            return TaskRecord.from_json(info, task_id=task_id)  # the Market encoding
        response = json_object(info.get("response"))
        # resultUrls is the video; fullResultUrls appears on extended videos; originUrls (the
        # unreframed original of a non-16:9 video) only when nothing else is there.
        urls = urls_of(response, "resultUrls", "fullResultUrls", "originUrls")
        return veo_record(info, task_id=task_id, urls=urls, extras=generate_extras(info, response))


VEO = Veo()
