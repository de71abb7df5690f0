"""Media a user sends for a wizard input: checked, downloaded from Telegram, uploaded to Kie.

The bytes travel through the bot: a Telegram file URL contains the bot token and must never be
handed to Kie (kie/API.md §11), so Kie only ever sees the URL of its own upload.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, NamedTuple

from telegram import Message

from trt_local.bot.context import Ctx
from trt_local.core.errors import InputError
from trt_local.core.inputs import InputSpec, InputType
from trt_local.core.model_spec import ModelSpec
from trt_local.core.validation import check_media_duration
from trt_local.kie.errors import KieError

log = logging.getLogger("trt.bot.media")

MB = 1024 * 1024
TELEGRAM_DOWNLOAD_LIMIT = 20 * MB  # getFile refuses bigger files for bots
LIMITS = {"image": 10 * MB, "audio": 10 * MB, "video": 20 * MB}
EXPECTED = {
    InputType.IMAGE_URL: "image",
    InputType.IMAGE_URLS: "image",
    InputType.AUDIO_URL: "audio",
    InputType.VIDEO_URL: "video",
}


class MediaRejected(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Picked(NamedTuple):
    file_id: str
    size: int | None
    file_name: str
    mime_type: str
    seconds: float | None  # the length Telegram reports for audio, voice and video


class Received(NamedTuple):
    url: str  # Kie's URL of the upload
    seconds: float | None


def _seconds(media: Any) -> float | None:
    """Telegram's ``duration`` (whole seconds; a timedelta under PTB_TIMEDELTA), if any."""
    duration = getattr(media, "duration", None)
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        return float(duration)
    return None


def _pick(message: Message, kind: str) -> Picked | None:
    """The message's media of ``kind``: its own type (photo, voice…) or a file of that MIME type."""
    native: list[tuple[Any, str, str]] = []  # Voice, Audio, Video: same file fields
    if kind == "image" and message.photo:
        photo = message.photo[-1]  # the largest size
        return Picked(photo.file_id, photo.file_size, "photo.jpg", "image/jpeg", None)
    if kind == "audio":
        native = [
            (message.voice, "voice.ogg", "audio/ogg"),
            (message.audio, "audio.mp3", "audio/mpeg"),
        ]
    elif kind == "video":
        native = [(message.video, "video.mp4", "video/mp4")]
    for media, name, mime in native:
        if media is not None:
            file_name = getattr(media, "file_name", None) or name
            return Picked(
                media.file_id,
                media.file_size,
                file_name,
                media.mime_type or mime,
                _seconds(media),
            )
    doc = message.document
    if doc is not None and (doc.mime_type or "").startswith(f"{kind}/"):
        # Bot API documents carry no duration today; take one if a client ever sends it.
        return Picked(
            doc.file_id, doc.file_size, doc.file_name or kind, doc.mime_type or "", _seconds(doc)
        )
    return None


def _check_length(model: ModelSpec, spec: InputSpec, seconds: float | None) -> None:
    """Refuse a clip longer than the model takes, before anything is downloaded."""
    if seconds is None or spec.name != model.pricing.per:
        return
    try:
        check_media_duration(model, seconds)
    except InputError as error:
        limit = error.params.get("limit_seconds")
        shown = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        raise MediaRejected("err.media_too_long", limit_seconds=shown) from None


async def receive_media(
    message: Message, model: ModelSpec, spec: InputSpec, context: Ctx
) -> Received:
    """The Kie URL and length of the media in ``message`` for ``spec``, or MediaRejected."""
    kind = EXPECTED[spec.type]
    picked = _pick(message, kind)
    if picked is None:
        raise MediaRejected("err.wrong_media", expected=kind)
    _check_length(model, spec, picked.seconds)
    limit = min(LIMITS[kind], TELEGRAM_DOWNLOAD_LIMIT)
    if picked.size is not None and picked.size > limit:
        raise MediaRejected("err.file_too_big", limit=limit // MB)
    telegram_file = await context.bot.get_file(picked.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > limit:
        raise MediaRejected("err.file_too_big", limit=limit // MB)
    try:
        url = await context.services.media.upload(
            data, file_name=picked.file_name, mime_type=picked.mime_type
        )
    except (KieError, ValueError) as exc:
        log.warning("upload of a user file failed: %s", exc)
        raise MediaRejected("err.upload_failed") from None
    return Received(url, picked.seconds)
