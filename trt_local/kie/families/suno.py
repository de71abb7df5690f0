"""Suno music (API.md §5.2, §12): ``POST /api/v1/generate``, ``GET /api/v1/generate/record-info``.

Which endpoint: Kie's own pages (docs.kie.ai/suno-api/generate-music, /suno-api/get-music-details,
/suno-api/quickstart, read through the search tool in December 2026) still document the dedicated
endpoints; the Market route (``jobs/createTask`` with ``ai-music-api/generate``) is seen only in
third-party code (§12 [3P]). So this family creates and polls on the dedicated endpoints. Their
create requires ``callBackUrl``; the bot polls, so an unserved but valid URL is sent when it has
none of its own.

Status (``data.status``): PENDING, TEXT_SUCCESS (lyrics written) and FIRST_SUCCESS (one track of
two done) are still running — the job waits for SUCCESS so every track is delivered together;
CREATE_TASK_FAILED, GENERATE_AUDIO_FAILED, CALLBACK_EXCEPTION and SENSITIVE_WORD_ERROR are failures
with ``errorCode``/``errorMessage`` — except a CALLBACK_EXCEPTION that carries tracks: the callback
(never served here) failed, not the music, so the tracks are delivered. Tracks come camelCase in ``data.response.sunoData[]``
(``audioUrl``, ``imageUrl``, ``title``, ``duration``); callbacks and the Market results spell them
snake_case in ``data[]`` (``audio_url``, ``image_url``). Both spellings are read, and a Market
``recordInfo`` answer (``state`` + ``resultJson`` holding either list) is read too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.errors import is_content_rejection
from trt_local.kie.families.base import HttpCall
from trt_local.kie.families.market import task_id_from
from trt_local.kie.readers import json_object
from trt_local.kie.records import ResultItem, TaskRecord

CREATE_PATH = "/api/v1/generate"
RECORD_PATH = "/api/v1/generate/record-info"
# Kie requires a callback URL on this endpoint; the bot polls, so this one is never served.
UNSERVED_CALLBACK = "https://localhost.invalid/kie-callback"

_RUNNING = {"PENDING": "waiting", "TEXT_SUCCESS": "generating", "FIRST_SUCCESS": "generating"}
FAILED_STATUSES = frozenset(
    {"CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "CALLBACK_EXCEPTION", "SENSITIVE_WORD_ERROR"}
)
SENSITIVE = "SENSITIVE_WORD_ERROR"
CALLBACK_EXCEPTION = "CALLBACK_EXCEPTION"
# The wording the engine recognises as a content refusal (errors.is_content_rejection).
SENSITIVE_MSG = "Content filtered due to sensitive words"


def _first(track: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = track.get(name)
        if value not in (None, ""):
            return value
    return None


def _duration(raw: object) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def track_item(track: object) -> ResultItem | None:
    """One track in either spelling; None without a downloadable audio URL."""
    if not isinstance(track, Mapping):
        return None
    url = _first(track, "audioUrl", "audio_url", "sourceAudioUrl", "source_audio_url")
    if not isinstance(url, str):
        return None
    title = _first(track, "title")
    cover = _first(track, "imageUrl", "image_url", "sourceImageUrl", "source_image_url")
    return ResultItem(
        url=url,
        title=title if isinstance(title, str) else "",
        cover_url=cover if isinstance(cover, str) else "",
        duration_s=_duration(track.get("duration")),
    )


def tracks_in(holder: Mapping[str, Any]) -> tuple[ResultItem, ...]:
    """The tracks of ``holder``: ``sunoData`` (camelCase) or ``data`` (snake_case) list."""
    for key in ("sunoData", "suno_data", "data"):
        raw = holder.get(key)
        if isinstance(raw, list):
            return tuple(item for item in map(track_item, raw) if item is not None)
    return ()


def _error_code(raw: object) -> str:
    if raw is None or isinstance(raw, bool):
        return ""
    return str(raw)


def _fail_msg(status: str, message: str) -> str:
    if status == SENSITIVE and not is_content_rejection(message):
        # Kie's message may be empty or say only "failed"; the status itself is the reason.
        return f"{SENSITIVE_MSG}: {message}" if message else SENSITIVE_MSG
    return message or status


class Suno:
    name = "suno"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        body: dict[str, Any] = dict(input)
        # The catalog id is the Suno version (V5, V4_5 …) unless the input chooses one.
        body.setdefault("model", model)
        body["callBackUrl"] = callback_url or UNSERVED_CALLBACK
        return HttpCall("POST", CREATE_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "generate")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        info = require_mapping(data, "record-info")
        if "status" not in info and "state" in info:
            return self._market(info, task_id)
        status = str(info.get("status") or "").strip().upper()
        response = info.get("response")
        response = response if isinstance(response, Mapping) else {}
        task = str(info.get("taskId") or task_id)
        param = json_object(info.get("param"))
        model = str(param.get("model") or "")
        items = tracks_in(response) or tracks_in(info)
        # CALLBACK_EXCEPTION says the callback failed — ours is never served — so tracks that
        # are there were made and are delivered rather than refunded as a failure.
        if status == "SUCCESS" or (status == CALLBACK_EXCEPTION and items):
            return TaskRecord(
                task_id=task,
                model=model,
                state="success",
                result_urls=tuple(item.url for item in items),
                items=items,
                param=param,
            )
        if status in FAILED_STATUSES:
            message = _first(info, "errorMessage", "error_message") or _first(
                response, "errorMessage", "error_message"
            )
            return TaskRecord(
                task_id=task,
                model=model,
                state="fail",
                fail_code=_error_code(_first(info, "errorCode", "error_code")),
                fail_msg=_fail_msg(status, str(message or "")),
                param=param,
            )
        # PENDING, TEXT_SUCCESS, FIRST_SUCCESS — and any status Kie adds later — keep polling.
        return TaskRecord(
            task_id=task, model=model, state=_RUNNING.get(status, "generating"), param=param
        )

    @staticmethod
    def _market(info: Mapping[str, Any], task_id: str) -> TaskRecord:
        """A Market ``recordInfo`` answer whose ``resultJson`` carries the track list."""
        record = TaskRecord.from_json(info, task_id=task_id)
        if not record.is_success:
            return record
        items = tracks_in(json_object(info.get("resultJson")))
        if not items:
            return record
        return replace(record, result_urls=tuple(item.url for item in items), items=items)


SUNO = Suno()
