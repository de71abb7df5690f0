"""Runway: ``POST /api/v1/runway/generate``, ``GET /api/v1/runway/record-detail`` (API.md §5.5, §12).

Sources: docs.kie.ai/runway-api/get-ai-video-details and the old-model copy
(docs.kie.ai/old-model/cn/runway-api/get-ai-video-details): ``state`` is wait / queueing /
generating / success / fail, the video is ``videoInfo.videoUrl`` with an ``imageUrl`` cover,
links live 14 days and then ``expireFlag`` turns 1; failures are ``failCode`` (a number or "")
and ``failMsg`` — older pages said ``errorCode``/``errorMessage``, so both are read. One example
names the task ``id`` instead of ``taskId``. Body (docs.kie.ai/runway-api quickstart): ``prompt``,
``duration`` 5 | 10, ``quality`` 720p | 1080p (not 1080p with 10 s), ``aspectRatio``,
``imageUrl``, ``waterMark``, ``callBackUrl``. Another revision, and client code that tracks it,
also sends ``model`` = ``runway-duration-5-generate`` / ``runway-duration-10-generate`` /
``runway-gen4-turbo-duration-{5,10}-generate``: a catalog entry whose id is such a name gets it
sent as ``model``, with the ``duration`` it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.market import task_id_from
from trt_local.kie.readers import integer, text
from trt_local.kie.records import ResultItem, TaskRecord

CREATE_PATH = "/api/v1/runway/generate"
RECORD_PATH = "/api/v1/runway/record-detail"
DEFAULT_RATIO = "16:9"
MODEL_NAME = re.compile(r"runway(?:-gen4-turbo)?-duration-(5|10)-generate")

# Runway's spellings → the record states every family shares.
_STATES = {
    "wait": "waiting",
    "waiting": "waiting",
    "queueing": "queuing",
    "queuing": "queuing",
    "generating": "generating",
    "success": "success",
    "fail": "fail",
    "failed": "fail",
}


def _duration(raw: object) -> object:
    """``duration`` is a JSON number in the docs; a catalog choice may arrive as "5"."""
    number = integer(raw) if isinstance(raw, str) else None
    return number if number is not None else raw


class Runway:
    name = "runway"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        body: dict[str, Any] = dict(input)
        named = MODEL_NAME.fullmatch(text(body.get("model")) or model)
        if named is not None:
            body["model"] = named.group(0)
            body.setdefault("duration", int(named.group(1)))
        if "duration" in body:
            body["duration"] = _duration(body["duration"])
        if not body.get("imageUrl"):  # a skipped reference image is no field at all
            body.pop("imageUrl", None)
            # Text-only runs must name a ratio (docs); an optional one left unchosen is not sent.
            body.setdefault("aspectRatio", DEFAULT_RATIO)
        if callback_url:
            body["callBackUrl"] = callback_url
        return HttpCall("POST", CREATE_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "runway/generate")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "runway/record-detail")
        raw_state = text(info.get("state")).strip().lower()
        state = _STATES.get(raw_state, raw_state or "waiting")
        video = info.get("videoInfo")
        video = video if isinstance(video, Mapping) else {}
        url, cover = text(video.get("videoUrl")), text(video.get("imageUrl"))
        # An expired link (after 14 days) is no result at all: the poller fails it as no_result.
        expired = integer(info.get("expireFlag")) == 1
        urls = (url,) if url and state == "success" and not expired else ()
        code = text(info.get("failCode")) or text(info.get("errorCode"))
        message = text(info.get("failMsg")) or text(info.get("errorMessage"))
        param = info.get("generateParam")
        return TaskRecord(
            task_id=text(info.get("taskId")) or task_id,
            model=text(info.get("model")) or self.name,
            state=state,
            result_urls=urls,
            fail_code=code.strip() if state == "fail" else "",
            fail_msg=message.strip() if state == "fail" else "",
            param={"input": dict(param)} if isinstance(param, Mapping) else {},
            items=tuple(ResultItem(u, cover_url=cover) for u in urls),
            extras={"expired": True} if expired else {},
        )


RUNWAY = Runway()
