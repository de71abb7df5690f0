"""The emulator's file storage: file ids, file paths for getFile, bytes for downloads.

Every file the bot or a user uploads gets a ``file_id`` and ``file_unique_id``; sending a known
``file_id`` again re-uses the file, and a URL is kept as a reference and never fetched. Bytes live in
memory, or in a folder when one is given (the demo may run for hours).
"""

from __future__ import annotations

import io
import mimetypes
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imagesize

from trt_local.emulator.errors import ApiError, bad_request
from trt_local.emulator.records import UploadedFile

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# kind -> (getFile folder, file_id prefix as real ids have, default extension)
_KINDS: dict[str, tuple[str, str, str]] = {
    "photo": ("photos", "AgACAgIAAxkBAAI", "jpg"),
    "document": ("documents", "BQACAgIAAxkBAAI", "bin"),
    "video": ("videos", "BAACAgIAAxkBAAI", "mp4"),
    "audio": ("music", "CQACAgIAAxkBAAI", "mp3"),
    "voice": ("voice", "AwACAgIAAxkBAAI", "oga"),
    "animation": ("animations", "CgACAgIAAxkBAAI", "mp4"),
    "sticker": ("stickers", "CAACAgIAAxkBAAI", "webp"),
}
_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8", "jpg"), (b"GIF8", "gif"), (b"RIFF", "webp"))


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # a URL reference: no bytes behind it
    width: int = 0
    height: int = 0


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WebP, or None when the bytes are not such an image."""
    width, height = imagesize.get(io.BytesIO(data))  # BytesIO: a bytes value would be a path
    return (width, height) if width > 0 and height > 0 else None


class FileStore:
    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._blobs: dict[str, bytes] = {}
        self._count = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def add(
        self, kind: str, data: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Store uploaded bytes as a new file of ``kind``."""
        width, height = (image_size(data) or (0, 0)) if kind in ("photo", "sticker") else (0, 0)
        ext = _extension(kind, data, file_name, mime_type)
        stored = self._register(kind, len(data), ext, file_name, mime_type, None, width, height)
        if self._folder is not None:
            (self._folder / stored.file_unique_id).write_bytes(data)
        else:
            self._blobs[stored.file_unique_id] = data
        return stored

    def add_url(self, kind: str, url: str) -> StoredFile:
        """Remember a URL the bot sent as a file reference (never fetched)."""
        name = url.rsplit("/", 1)[-1].split("?", 1)[0] or None
        ext = _extension(kind, b"", name, None)
        return self._register(kind, 0, ext, name, mimetypes.guess_type(url)[0], url, 0, 0)

    def _register(
        self,
        kind: str,
        size: int,
        ext: str,
        file_name: str | None,
        mime_type: str | None,
        url: str | None,
        width: int,
        height: int,
    ) -> StoredFile:
        folder, prefix, _ = _KINDS[kind]
        number = self._count
        self._count += 1
        stored = StoredFile(
            file_id=f"{prefix}{number:05d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQAD{number:05d}{secrets.token_urlsafe(6)}",
            kind=kind,
            size=size,
            file_path=f"{folder}/file_{number}.{ext}",
            file_name=file_name,
            mime_type=mime_type,
            url=url,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def read(self, file_path: str) -> bytes:
        """The bytes behind a ``file_path`` from getFile; FileNotFoundError when there are none."""
        stored = self._by_path.get(file_path)
        if stored is None or stored.url is not None:
            raise FileNotFoundError(file_path)
        if self._folder is not None:
            return (self._folder / stored.file_unique_id).read_bytes()
        return self._blobs[stored.file_unique_id]

    def resolve(
        self, kind: str, field: str, value: str | None, files: Mapping[str, UploadedFile]
    ) -> StoredFile:
        """The file a bot passed for ``field``: an upload, ``attach://name``, a file_id or a URL."""
        upload = files.get(value[len("attach://") :]) if value else files.get(field)
        if value and value.startswith("attach://") and upload is None:
            raise bad_request(f"file {value!r} not found among the uploaded parts")
        if upload is not None and (value is None or value.startswith("attach://")):
            return self._add_upload(kind, upload)
        if not value:
            raise bad_request(f"there is no {field} in the request")
        if value.startswith(("http://", "https://")):
            return self.add_url(kind, value)
        stored = self._by_id.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _add_upload(self, kind: str, upload: UploadedFile) -> StoredFile:
        limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_UPLOAD_BYTES
        if len(upload.data) > limit:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            size = image_size(upload.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
        mime = upload.content_type
        if mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or mime
        return self.add(kind, upload.data, file_name=upload.filename, mime_type=mime)


def _extension(kind: str, data: bytes, file_name: str | None, mime_type: str | None) -> str:
    for magic, ext in _MAGIC:
        if kind in ("photo", "sticker") and data.startswith(magic):
            return ext
    if file_name and "." in file_name:
        return file_name.rsplit(".", 1)[1].lower()
    guessed = mimetypes.guess_extension(mime_type) if mime_type else None
    return guessed.lstrip(".") if guessed else _KINDS[kind][2]


def media_json(stored: StoredFile, extra: Mapping[str, Any] | None = None) -> Any:
    """The Message field for a stored file (``photo`` is a PhotoSize list, the others objects)."""
    extra = extra or {}
    base: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.size:
        base["file_size"] = stored.size
    if stored.kind == "photo":
        return [{**base, "width": stored.width, "height": stored.height}]
    if stored.kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": stored.width or 512,
            "height": stored.height or 512,
            "is_animated": False,
            "is_video": False,
            "emoji": extra.get("emoji", "👍"),
        }
    if stored.mime_type:
        base["mime_type"] = stored.mime_type
    if stored.kind in ("document", "video", "audio", "animation") and stored.file_name:
        base["file_name"] = stored.file_name
    if stored.kind in ("video", "animation"):
        base["width"] = int(extra.get("width") or 0)
        base["height"] = int(extra.get("height") or 0)
    if stored.kind in ("video", "animation", "audio", "voice"):
        base["duration"] = int(extra.get("duration") or 0)
    if stored.kind == "audio":
        base.update({k: extra[k] for k in ("performer", "title") if extra.get(k)})
    return base


def file_json(stored: StoredFile) -> dict[str, Any]:
    """The ``File`` object getFile answers."""
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    result: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_path": stored.file_path,
    }
    if stored.size:
        result["file_size"] = stored.size
    return result
