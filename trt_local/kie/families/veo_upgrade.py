"""The paid upgrades of a finished Veo 3.1 video: 1080p (``veo3-1080p``) and 4K (``veo3-4k``).

Each is a family of its own so the engine runs an upgrade like any job (own charge, own refund).
The job's input is the source video's Kie ``taskId`` and ``index`` (filled by the bot's follow-up
button, never asked from the user).

Sources (read 2026-12-04): docs.kie.ai/veo3-api/get-veo-3-1080-p-video (GET with ``taskId`` and
``index``; answers ``data.resultUrl`` once ready, a non-200 code while it is being made, 1–3 min;
retry every 20–30 s), docs.kie.ai/veo3-api/get-veo-3-4k-video (POST ``{"taskId","index",
"callBackUrl"}`` → ``data.taskId``; 5–10 min; a second request for the same task answers 422
"4k is processing"), docs.kie.ai/veo3-api/get-veo-3-video-details (record-info "is the
authoritative source ... including 1080P upgrade and 4K upgrade tasks"; a 4K task's response
carries ``mediaIds`` and no ``fallbackFlag``; record-info keeps records 14 days), API.md §12.

**1080p, the choice made.** The 1080p endpoint has no task of its own: the first GET starts the
work and the same GET answers the URL when done. Its "not ready" answer is an error code, which
would fail a create, so the *create* is a record-info of the source (it proves the source is a
finished, upgradable video Kie still keeps — else the job fails at once and is refunded) and the
task id is the source's own id; every status poll is the 1080p GET, whose "not ready" errors the
poller treats as transient until the job's deadline. The task id carries no index, so only
``index`` 0 is accepted (a Veo job of this bot yields one video).

**4K.** The create is the 4K POST; its status is record-info of the id it answers. The docs'
example answers with the *source's* id, whose record is the finished 720p video: a success that
does not look like the 4K video (a lower ``resolution``, or ``fallbackFlag`` without
``mediaIds``) is read as still running, so the source is never delivered as the upgrade.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.errors import api_error
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.market import task_id_from
from trt_local.kie.families.veo import (
    RECORD_PATH,
    flag_of,
    urls_of,
    veo_record,
)
from trt_local.kie.readers import json_object, text
from trt_local.kie.records import TaskRecord

UPGRADE_1080P_PATH = "/api/v1/veo/get-1080p-video"
UPGRADE_4K_PATH = "/api/v1/veo/get-4k-video"
_FOUR_K = frozenset({"4k", "2160p"})


def source_of(input: Mapping[str, Any]) -> tuple[str, int]:
    """The source task id and video index of an upgrade job (a 422 if they are unusable)."""
    source, index = input.get("taskId"), input.get("index", 0)
    if not isinstance(source, str) or not source.strip():
        raise api_error(422, "an upgrade needs the source video's taskId")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise api_error(422, "the video index must be a non-negative integer")
    return source.strip(), index


class Veo1080p:
    name = "veo3-1080p"
    routine_paths = frozenset({UPGRADE_1080P_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        source, index = source_of(input)
        if index != 0:
            raise api_error(422, "only the first video of a task can be upgraded to 1080p")
        return HttpCall("GET", RECORD_PATH, params={"taskId": source})

    def task_id(self, data: object) -> str:
        info = require_mapping(data, "veo record-info")
        if flag_of(info.get("successFlag")) != 1:
            raise api_error(422, "record status is not success")
        if info.get("fallbackFlag") is True:
            raise api_error(422, "a fallback-model video cannot be upgraded")
        return task_id_from(info, "veo record-info")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", UPGRADE_1080P_PATH, params={"taskId": task_id, "index": "0"})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "veo get-1080p-video")
        url = text(info.get("resultUrl"))
        if not url:
            return TaskRecord(task_id=task_id, model="", state="generating")
        return TaskRecord(
            task_id=task_id,
            model="",
            state="success",
            result_urls=(url,),
            extras={"resolution": "1080p", "upgradable": False},
        )


class Veo4k:
    name = "veo3-4k"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        source, index = source_of(input)
        body: dict[str, Any] = {"taskId": source, "index": index}
        if callback_url:
            body["callBackUrl"] = callback_url
        return HttpCall("POST", UPGRADE_4K_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "veo get-4k-video")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "veo record-info")
        response = json_object(info.get("response"))
        record = veo_record(
            info,
            task_id=task_id,
            urls=urls_of(response, "resultUrls"),
            extras={"resolution": "4k", "upgradable": False},
        )
        if record.is_success and not _is_4k(info, response):
            return TaskRecord(task_id=record.task_id, model="", state="generating")
        return record


def _is_4k(info: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
    """Whether a successful record-info is the 4K video rather than its 720p/1080p source."""
    resolution = text(response.get("resolution")).lower()
    if resolution in _FOUR_K or response.get("mediaIds"):
        return True
    return not resolution and "fallbackFlag" not in info


VEO_1080P = Veo1080p()
VEO_4K = Veo4k()
