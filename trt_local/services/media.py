"""User media (photos, audio, video) for model inputs: uploaded to Kie's file storage.

The bot downloads the user's file from Telegram itself and passes the bytes here: a Telegram file
URL carries the bot token and must never reach Kie (API.md §11). Each upload gets a fresh random
name (Kie overwrites a reused name) in a folder per day, ``tg/<yyyy-mm-dd>``. Kie deletes uploads
after 3 days, so a URL is for the job being prepared, not for keeping.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from datetime import UTC, datetime

from trt_local.kie.client import KieClient
from trt_local.kie.transfer import unique_upload_name

UPLOAD_FOLDER = "tg"
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")
# mimetypes guesses odd extensions for common types (".jpe", ".oga"); prefer the usual ones.
_PREFERRED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}


def extension_for(file_name: str, mime_type: str) -> str:
    """The upload's extension: from the name when it has a plain one, else from the type."""
    _, dot, ext = file_name.rpartition(".")
    if dot and _EXTENSION.match(ext):
        return ext.lower()
    mime = mime_type.split(";", 1)[0].strip().lower()
    guessed = _PREFERRED.get(mime) or (mimetypes.guess_extension(mime) or "").lstrip(".")
    return guessed if _EXTENSION.match(guessed) else "bin"


class MediaService:
    def __init__(self, kie: KieClient, *, clock: Callable[[], float]) -> None:
        self._kie = kie
        self._clock = clock

    async def upload(self, data: bytes, *, file_name: str, mime_type: str) -> str:
        """Upload a user's file and return the URL to put into the model input.

        Raises the Kie client's errors (``KieError`` subclasses) when the upload fails.
        """
        if not data:
            raise ValueError("nothing to upload: the file is empty")
        day = datetime.fromtimestamp(self._clock(), UTC).date().isoformat()
        name = unique_upload_name(extension_for(file_name, mime_type))
        mime = mime_type.strip() or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return await self._kie.upload_file(
            data, file_name=name, mime_type=mime, upload_path=f"{UPLOAD_FOLDER}/{day}"
        )
