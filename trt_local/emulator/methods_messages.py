"""Bot API methods on text messages: send, edit, delete, copy/forward, answer callback queries."""

from __future__ import annotations

from typing import Any

from trt_local.emulator.errors import bad_request
from trt_local.emulator.formatting import format_text, utf16_len
from trt_local.emulator.markup import parse_markup
from trt_local.emulator.methods_bot import Handler
from trt_local.emulator.params import Params
from trt_local.emulator.state import ChatState, EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
)


def formatted(p: Params, field: str, entities_field: str) -> tuple[str, list[dict[str, Any]]]:
    """The text of ``field`` after parse_mode, or with explicit ``entities`` when given."""
    raw = p.string(field)
    explicit = p.decoded(entities_field, what=entities_field)
    if explicit is not None:
        if not isinstance(explicit, list):
            raise bad_request(f"can't parse {entities_field} JSON object")
        return raw, explicit
    return format_text(raw, p.opt_str("parse_mode"))


def set_text(body: dict[str, Any], key: str, value: str, entities: list[dict[str, Any]]) -> None:
    entities_key = "entities" if key == "text" else "caption_entities"
    body.pop(entities_key, None)
    if value:
        body[key] = value
        if entities:
            body[entities_key] = entities
    else:
        body.pop(key, None)


def caption_fields(p: Params, body: dict[str, Any]) -> None:
    """Validate and apply ``caption`` (+ parse_mode / caption_entities) to a message body."""
    caption, entities = formatted(p, "caption", "caption_entities")
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    set_text(body, "caption", caption, entities)


def apply_markup(chat: ChatState, body: dict[str, Any], p: Params) -> None:
    """Put an inline keyboard into the message, or change the chat's reply keyboard."""
    markup = parse_markup(p.decoded("reply_markup", what="reply keyboard markup"))
    body.pop("reply_markup", None)
    if markup.inline is not None:
        body["reply_markup"] = markup.inline
    elif markup.reply_keyboard is not None:
        chat.reply_keyboard = markup.reply_keyboard
    elif markup.remove_keyboard:
        chat.reply_keyboard = None


def reply_fields(state: EmulatorState, chat: ChatState, p: Params, body: dict[str, Any]) -> None:
    reply = p.decoded("reply_parameters", what="reply parameters") or {}
    if not isinstance(reply, dict) or not isinstance(reply.get("message_id", 0), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = reply.get("message_id")
    target = target if target is not None else p.opt_integer("reply_to_message_id")
    if target is None:
        return
    replied = chat.messages.get(target)
    if replied is not None:
        body["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
    elif not (reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply")):
        raise bad_request("message to be replied not found")


def send_message(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat = state.writable_chat(p.chat_id())
    text, entities = formatted(p, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    body: dict[str, Any] = {}
    set_text(body, "text", text, entities)
    reply_fields(state, chat, p, body)
    apply_markup(chat, body, p)
    return state.add_message(chat, body, from_bot=True)


def editable(state: EmulatorState, p: Params) -> tuple[ChatState, dict[str, Any]]:
    """The chat and bot message an edit method targets."""
    if p.opt_str("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat = state.writable_chat(p.chat_id())
    message = state.message(
        chat, p.integer("message_id", required=True), "message to edit not found"
    )
    if message["from"]["id"] != state.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def store_edit(
    state: EmulatorState, chat: ChatState, old: dict[str, Any], new: dict[str, Any]
) -> dict[str, Any]:
    """Replace a message by its edited version (never mutate: callers may hold the old dict)."""
    if {k: new.get(k) for k in (*CONTENT_KEYS, "reply_markup")} == {
        k: old.get(k) for k in (*CONTENT_KEYS, "reply_markup")
    }:
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = state.now()
    chat.messages[new["message_id"]] = new
    state.changed("edit", chat.user.id, message_id=new["message_id"])
    return new


def inline_markup_only(chat: ChatState, new: dict[str, Any], p: Params) -> None:
    markup = parse_markup(p.decoded("reply_markup", what="reply keyboard markup"))
    if markup.reply_keyboard is not None or markup.remove_keyboard:
        raise bad_request("inline keyboard expected")
    new.pop("reply_markup", None)
    if markup.inline is not None:
        new["reply_markup"] = markup.inline


def edit_message_text(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat, message = editable(state, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    text, entities = formatted(p, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    new = dict(message)
    set_text(new, "text", text, entities)
    inline_markup_only(chat, new, p)
    return store_edit(state, chat, message, new)


def edit_message_caption(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat, message = editable(state, p)
    if "text" in message or "invoice" in message:
        raise bad_request("there is no caption in the message to edit")
    new = dict(message)
    caption_fields(p, new)
    inline_markup_only(chat, new, p)
    return store_edit(state, chat, message, new)


def edit_message_reply_markup(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat, message = editable(state, p)
    new = dict(message)
    inline_markup_only(chat, new, p)
    return store_edit(state, chat, message, new)


def delete_message(state: EmulatorState, p: Params) -> bool:
    chat = state.chat(p.chat_id())
    message_id = p.integer("message_id", required=True)
    if chat.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    state.changed("delete", chat.user.id, message_id=message_id)
    return True


def delete_messages(state: EmulatorState, p: Params) -> bool:
    chat = state.chat(p.chat_id())
    ids = p.decoded("message_ids", what="message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 identifiers")
    if not all(isinstance(message_id, int) for message_id in ids):
        raise bad_request("can't parse message_ids JSON object")
    for message_id in ids:
        if chat.messages.pop(message_id, None) is not None:
            state.changed("delete", chat.user.id, message_id=message_id)
    return True


def answer_callback_query(state: EmulatorState, p: Params) -> bool:
    query = state.callbacks.get(p.string("callback_query_id", required=True))
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.opt_str("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered, query.text, query.show_alert = True, text, p.flag("show_alert")
    state.changed("callback_answer", query.chat_id, message_id=query.message_id, text=text)
    return True


def _copy_body(state: EmulatorState, p: Params) -> tuple[ChatState, dict[str, Any], dict[str, Any]]:
    source_chat = state.chat(p.chat_id("from_chat_id"))
    source = state.message(
        source_chat, p.integer("message_id", required=True), "message to copy not found"
    )
    if "invoice" in source or "successful_payment" in source:
        raise bad_request("message can't be copied")
    target = state.writable_chat(p.chat_id())
    return target, source, {k: source[k] for k in CONTENT_KEYS if k in source}


def copy_message(state: EmulatorState, p: Params) -> dict[str, Any]:
    target, _, body = _copy_body(state, p)
    if "caption" in p and "text" not in body:
        caption_fields(p, body)
    apply_markup(target, body, p)
    return {"message_id": state.add_message(target, body, from_bot=True)["message_id"]}


def forward_message(state: EmulatorState, p: Params) -> dict[str, Any]:
    target, source, body = _copy_body(state, p)
    body["forward_origin"] = {"type": "user", "sender_user": source["from"], "date": source["date"]}
    return state.add_message(target, body, from_bot=True)


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
