"""How the sandbox speaks Suno's dedicated API (API.md §5.2; docs.kie.ai/suno-api/generate-music
and /suno-api/get-music-details): its create checks, its status encoding and its two tracks.

A create is checked the way Kie documents it (``callBackUrl`` required; simple mode: ``prompt`` ≤ 500;
custom mode: ``style`` and ``title``, and ``prompt`` as lyrics unless instrumental). A task then
reports PENDING, TEXT_SUCCESS, FIRST_SUCCESS (one track streaming, no download yet) and SUCCESS with
two tracks in ``response.sunoData[]`` (camelCase, as record-info spells them), each with a title, a
cover and a length. A failure injected with ``fail_tasks(fail_code=<a failure status>)`` ends in that
status (e.g. SENSITIVE_WORD_ERROR); any other code ends in GENERATE_AUDIO_FAILED with it as
``errorCode``. The covers are two shipped 300×300 JPEGs (``trt_local/data/sandbox/cover-*.jpg``,
about 6 KB each, drawn once with Pillow: a vertical gradient and a ring), small enough to be a
Telegram audio thumbnail.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from trt_local.kie.families.suno import FAILED_STATUSES
from trt_local.kie.sandbox_family_base import CreateBody, FileUrl, SandboxFamily, check_callback
from trt_local.kie.sandbox_http import SandboxReject
from trt_local.kie.sandbox_media import MediaFile, render_wav
from trt_local.kie.sandbox_tasks import SandboxTask

TRACKS = 2  # Suno answers every generate with two takes
TRACK_SECONDS = 2.0  # a real length is pointless here; keep files small
SIMPLE_PROMPT_MAX = 500
TITLE_MAX = 80
_FIRST_TRACK_AT = 0.6  # the share of "generating" after which one track is streaming


def _limits(model: str) -> tuple[int, int]:
    """(lyrics, style) limits in custom mode: V4 is stricter than V4_5 and later."""
    return (3000, 200) if model in ("V3_5", "V4") else (5000, 1000)


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SandboxReject(422, f"{name} must be a string")
    return value


def read_create(body: dict[str, Any]) -> CreateBody:
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise SandboxReject(422, "model is required and must be a string")
    callback = check_callback(body.get("callBackUrl"))
    if not callback:
        raise SandboxReject(422, "callBackUrl is required")
    custom, instrumental = body.get("customMode"), body.get("instrumental")
    if not isinstance(custom, bool) or not isinstance(instrumental, bool):
        raise SandboxReject(422, "customMode and instrumental are required booleans")
    prompt, style, title = _text(body, "prompt"), _text(body, "style"), _text(body, "title")
    if not custom:
        if not prompt.strip():
            raise SandboxReject(422, "prompt is required")
        if len(prompt) > SIMPLE_PROMPT_MAX:
            raise SandboxReject(422, f"prompt is longer than {SIMPLE_PROMPT_MAX} characters")
    else:
        lyrics_max, style_max = _limits(model)
        if not style.strip() or not title.strip():
            raise SandboxReject(422, "style and title are required in custom mode")
        if not instrumental and not prompt.strip():
            raise SandboxReject(422, "prompt (the lyrics) is required unless instrumental")
        if len(prompt) > lyrics_max or len(style) > style_max or len(title) > TITLE_MAX:
            raise SandboxReject(422, "prompt, style or title is too long")
    params = {key: value for key, value in body.items() if key != "callBackUrl"}
    return CreateBody(model, params, callback)


@functools.cache
def cover(n: int) -> bytes:
    return resources.files("trt_local").joinpath("data", "sandbox", f"cover-{n}.jpg").read_bytes()


def render(task: SandboxTask) -> list[MediaFile]:
    """Two tracks (tones, by prompt) then their two covers: files 1-2 and 3-4 of the task."""
    digest = hashlib.sha256(
        f"{task.model}|{task.input.get('prompt')}|{task.seed}".encode()
    ).digest()
    tracks = [
        MediaFile(render_wav(TRACK_SECONDS, 220.0 + digest[n] * 2.5), "audio/wav", "wav")
        for n in range(TRACKS)
    ]
    covers = [MediaFile(cover(n), "image/jpeg", "jpg") for n in range(1, TRACKS + 1)]
    return tracks + covers


def title_of(params: dict[str, Any]) -> str:
    """Custom mode keeps the user's title; in simple mode Suno names the song from the prompt."""
    title = params.get("title")
    if params.get("customMode") and isinstance(title, str) and title.strip():
        return title
    words = str(params.get("prompt") or "Untitled").split()[:4]
    return " ".join(words).capitalize()[:TITLE_MAX]


def _track(task: SandboxTask, n: int, file_url: FileUrl, *, done: bool) -> dict[str, Any]:
    style = task.input.get("style")
    return {
        "id": f"{task.task_id}-{n}",
        "audioUrl": file_url(n, "wav") if done else "",
        "streamAudioUrl": f"{file_url(n, 'wav')}?stream=1",
        "imageUrl": file_url(TRACKS + n, "jpg"),
        "prompt": task.input.get("prompt") or "",
        "modelName": f"chirp-{task.model.lower()}",
        "title": title_of(task.input),
        "tags": style if isinstance(style, str) else "",
        "createTime": "",
        "duration": TRACK_SECONDS if done else None,
    }


def encode(task: SandboxTask, now: float, epoch: float, file_url: FileUrl) -> dict[str, Any]:
    """The ``data`` of a record-info answer at time ``now``."""
    state = task.state_at(now)
    param = {**task.input, "callBackUrl": task.callback_url}
    data: dict[str, Any] = {
        "taskId": task.task_id,
        "parentMusicId": "",
        "param": json.dumps(param),
        "response": None,
        "status": "PENDING",
        "type": "GENERATE",
        "operationType": "generate",
        "errorCode": None,
        "errorMessage": None,
        "createTime": int((epoch + task.created_at) * 1000),
    }
    if state == "generating":
        first = task.progress_at(now) >= _FIRST_TRACK_AT * 100
        data["status"] = "FIRST_SUCCESS" if first else "TEXT_SUCCESS"
        if first:  # one take is streaming; nothing is downloadable before SUCCESS
            data["response"] = {
                "taskId": task.task_id,
                "sunoData": [_track(task, 1, file_url, done=False)],
            }
    elif state == "success":
        task.ensure_files()
        data["status"] = "SUCCESS"
        data["response"] = {
            "taskId": task.task_id,
            "sunoData": [_track(task, n, file_url, done=True) for n in range(1, TRACKS + 1)],
        }
    elif state == "fail":
        code = task.outcome.fail_code
        data["status"] = code if code in FAILED_STATUSES else "GENERATE_AUDIO_FAILED"
        data["errorCode"] = int(code) if code.isdigit() else None
        data["errorMessage"] = task.outcome.fail_msg or None
        data["response"] = {"taskId": task.task_id, "sunoData": []}
    return data


SUNO = SandboxFamily(
    name="suno",
    create_route=("POST", "/api/v1/generate"),
    status_route=("GET", "/api/v1/generate/record-info"),
    read_create=read_create,
    encode=encode,
    kind="audio",
    render=render,
)
