"""Bot API methods with files: send*, sendMediaGroup, editMessageMedia, getFile."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trt_local.emulator.errors import bad_request
from trt_local.emulator.files import file_json, image_size, media_json
from trt_local.emulator.methods_bot import Handler
from trt_local.emulator.methods_messages import (
    apply_markup,
    caption_fields,
    editable,
    inline_markup_only,
    reply_fields,
    store_edit,
)
from trt_local.emulator.params import Params
from trt_local.emulator.records import MEDIA_KINDS
from trt_local.emulator.state import EmulatorState

_EXTRA_FIELDS = ("width", "height", "duration", "performer", "title", "emoji")
_GROUP_KINDS = frozenset({"photo", "video", "document", "audio"})
_THUMBED = frozenset({"audio", "document", "video", "animation"})
THUMBNAIL_MAX_BYTES = 200 * 1024
THUMBNAIL_MAX_SIDE = 320


def _extra(source: Mapping[str, Any]) -> dict[str, Any]:
    extra = {key: source[key] for key in _EXTRA_FIELDS if source.get(key) not in (None, "")}
    for key in ("width", "height", "duration"):
        if key in extra:
            try:
                extra[key] = int(extra[key])
            except (TypeError, ValueError):
                raise bad_request(f"invalid {key} specified") from None
    return extra


def _thumbnail(state: EmulatorState, p: Params) -> dict[str, Any] | None:
    """The PhotoSize Telegram keeps for a sent ``thumbnail``, or None when it would ignore it.

    Bot API (sendAudio/sendDocument/sendVideo ``thumbnail``): a JPEG under 200 kB, width and height
    at most 320, uploaded as a new file ("attach://<name>"); a file_id, a URL or anything outside
    those rules is ignored, not refused.
    """
    value = p.opt_str("thumbnail")
    if not value or not value.startswith("attach://"):
        return None
    upload = p.files.get(value[len("attach://") :])
    if upload is None:
        raise bad_request(f"file {value!r} not found among the uploaded parts")
    data = upload.data
    size = image_size(data)
    if not data.startswith(b"\xff\xd8") or len(data) > THUMBNAIL_MAX_BYTES or size is None:
        return None
    if max(size) > THUMBNAIL_MAX_SIDE:
        return None
    stored = state.files.add("photo", data, file_name=upload.filename, mime_type="image/jpeg")
    sizes: list[dict[str, Any]] = media_json(stored)  # a photo is a list of PhotoSizes
    return sizes[0]


def _send_media(kind: str) -> Handler:
    def send(state: EmulatorState, p: Params) -> dict[str, Any]:
        chat = state.writable_chat(p.chat_id())
        body: dict[str, Any] = {}
        if kind != "sticker":
            caption_fields(p, body)
        reply_fields(state, chat, p, body)
        stored = state.files.resolve(kind, kind, p.opt_str(kind), p.files)
        body[kind] = media_json(stored, _extra(p.raw))
        thumbnail = _thumbnail(state, p) if kind in _THUMBED else None
        if thumbnail is not None:
            body[kind]["thumbnail"] = thumbnail
        if p.flag("has_spoiler"):
            body["has_media_spoiler"] = True
        apply_markup(chat, body, p)
        return state.add_message(chat, body, from_bot=True)

    send.__name__ = f"send_{kind}"
    return send


def _item_params(item: Mapping[str, Any], p: Params) -> Params:
    """An InputMedia object seen as form parameters, so captions validate like everywhere."""
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in item.items() if v is not None}
    return Params(raw, p.files)


def _is_media(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("type"), str)


def _media_items(p: Params) -> list[Mapping[str, Any]]:
    media = p.decoded("media", what="media")
    if not isinstance(media, list) or not all(_is_media(item) for item in media):
        raise bad_request("can't parse media JSON object")
    return media


def send_media_group(state: EmulatorState, p: Params) -> list[dict[str, Any]]:
    chat = state.writable_chat(p.chat_id())
    items = _media_items(p)
    if not 2 <= len(items) <= 10:
        raise bad_request("wrong number of media in the album: must be 2-10")
    kinds = {item.get("type") for item in items}
    if not kinds <= _GROUP_KINDS:
        raise bad_request("unsupported media type in the album")
    for lonely in ("document", "audio"):
        if lonely in kinds and len(kinds) > 1:
            raise bad_request(f"{lonely} can't be mixed with other media types")
    reply: dict[str, Any] = {}
    reply_fields(state, chat, p, reply)
    group_id = state.unique_id()
    bodies = []
    for item in items:  # validate every item before any message appears
        kind = str(item["type"])
        item_params = _item_params(item, p)
        body: dict[str, Any] = {"media_group_id": group_id, **reply}
        caption_fields(item_params, body)
        stored = state.files.resolve(kind, "media", item_params.opt_str("media"), p.files)
        body[kind] = media_json(stored, _extra(item))
        bodies.append(body)
    return [state.add_message(chat, body, from_bot=True) for body in bodies]


def edit_message_media(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat, message = editable(state, p)
    if "text" in message or "invoice" in message:
        raise bad_request("there is no media in the message to edit")
    media = p.decoded("media", what="media")
    if not _is_media(media) or media["type"] not in _GROUP_KINDS | {"animation"}:
        raise bad_request("can't parse media JSON object")
    kind = str(media["type"])
    item_params = _item_params(media, p)
    new = {k: v for k, v in message.items() if k not in MEDIA_KINDS}
    caption_fields(item_params, new)
    stored = state.files.resolve(kind, "media", item_params.opt_str("media"), p.files)
    new[kind] = media_json(stored, _extra(media))
    inline_markup_only(chat, new, p)
    return store_edit(state, chat, message, new)


def get_file(state: EmulatorState, p: Params) -> dict[str, Any]:
    stored = state.files.get(p.string("file_id", required=True))
    if stored is None:
        raise bad_request("invalid file_id")
    return file_json(stored)


METHODS: dict[str, Handler] = {
    "sendPhoto": _send_media("photo"),
    "sendDocument": _send_media("document"),
    "sendVideo": _send_media("video"),
    "sendAudio": _send_media("audio"),
    "sendVoice": _send_media("voice"),
    "sendAnimation": _send_media("animation"),
    "sendSticker": _send_media("sticker"),
    "sendMediaGroup": send_media_group,
    "editMessageMedia": edit_message_media,
    "getFile": get_file,
}
