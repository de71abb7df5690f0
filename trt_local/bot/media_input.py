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


def _pick(message: Message, kind: str) -> tuple[str, int | None, str, str] | None:
    """(file_id, size, file name, mime type) of the message's media of ``kind``."""
    if kind == "image":
        if message.photo:
            photo = message.photo[-1]
            return photo.file_id, photo.file_size, "photo.jpg", "image/jpeg"
        doc = message.document
        if doc and (doc.mime_type or "").startswith("image/"):
            return (
                doc.file_id,
                doc.file_size,
                doc.file_name or "image",
                doc.mime_type or "image/jpeg",
            )
    elif kind == "audio":
        for media, name, mime in (
            (message.voice, "voice.ogg", "audio/ogg"),
            (message.audio, "audio.mp3", "audio/mpeg"),
        ):
            if media is not None:
                return (
                    media.file_id,
                    media.file_size,
                    getattr(media, "file_name", None) or name,
                    media.mime_type or mime,
                )
        doc = message.document
        if doc and (doc.mime_type or "").startswith("audio/"):
            return (
                doc.file_id,
                doc.file_size,
                doc.file_name or "audio",
                doc.mime_type or "audio/mpeg",
            )
    elif kind == "video":
        if message.video:
            v = message.video
            return v.file_id, v.file_size, v.file_name or "video.mp4", v.mime_type or "video/mp4"
        doc = message.document
        if doc and (doc.mime_type or "").startswith("video/"):
            return (
                doc.file_id,
                doc.file_size,
                doc.file_name or "video",
                doc.mime_type or "video/mp4",
            )
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
