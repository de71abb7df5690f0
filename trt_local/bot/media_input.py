"""Media a user sends for a wizard input: checked, downloaded from Telegram, uploaded to Kie.

The bytes travel through the bot: a Telegram file URL contains the bot token and must never be
handed to Kie (kie/API.md §11), so Kie only ever sees the URL of its own upload.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message

from trt_local.bot.context import Ctx
from trt_local.core.inputs import InputSpec, InputType
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


Picked = tuple[str, int | None, str, str]  # file_id, size, file name, mime type


def _pick(message: Message, kind: str) -> Picked | None:
    """The message's media of ``kind``: its own type (photo, voice…) or a file of that MIME type."""
    native: list[tuple[Any, str, str]] = []  # Voice, Audio, Video: same file fields
    if kind == "image" and message.photo:
        photo = message.photo[-1]  # the largest size
        return photo.file_id, photo.file_size, "photo.jpg", "image/jpeg"
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
            return media.file_id, media.file_size, file_name, media.mime_type or mime
    doc = message.document
    if doc is not None and (doc.mime_type or "").startswith(f"{kind}/"):
        return doc.file_id, doc.file_size, doc.file_name or kind, doc.mime_type or ""
    return None


async def receive_media(message: Message, spec: InputSpec, context: Ctx) -> str:
    """The Kie URL of the media in ``message`` for ``spec``, or MediaRejected with a reason."""
    kind = EXPECTED[spec.type]
    picked = _pick(message, kind)
    if picked is None:
        raise MediaRejected("err.wrong_media", expected=kind)
    file_id, size, file_name, mime = picked
    limit = min(LIMITS[kind], TELEGRAM_DOWNLOAD_LIMIT)
    if size is not None and size > limit:
        raise MediaRejected("err.file_too_big", limit=limit // MB)
    telegram_file = await context.bot.get_file(file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > limit:
        raise MediaRejected("err.file_too_big", limit=limit // MB)
    try:
        return await context.services.media.upload(data, file_name=file_name, mime_type=mime)
    except (KieError, ValueError) as exc:
        log.warning("upload of a user file failed: %s", exc)
        raise MediaRejected("err.upload_failed") from None
