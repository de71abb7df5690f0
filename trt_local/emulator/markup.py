"""``reply_markup`` validation: inline keyboards, reply keyboards, keyboard removal.

Telegram echoes only inline keyboards back in the Message; a reply keyboard instead changes what the
user's client shows under the input field, so it is returned separately for the chat state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trt_local.emulator.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")

ReplyKeyboard = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Markup:
    """A decoded reply_markup. ``inline`` goes into the message; the rest is chat state."""

    inline: dict[str, Any] | None = None
    reply_keyboard: ReplyKeyboard | None = None
    remove_keyboard: bool = False


def parse_markup(value: Any) -> Markup:
    """Validate a decoded ``reply_markup`` JSON value like Telegram does."""
    if value is None:
        return Markup()
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return Markup(inline={"inline_keyboard": _inline_rows(value["inline_keyboard"])})
    if "keyboard" in value:
        return Markup(reply_keyboard=_reply_rows(value["keyboard"]))
    if value.get("remove_keyboard"):
        return Markup(remove_keyboard=True)
    if "force_reply" in value:
        return Markup()
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("BUTTONS_TOO_MUCH")
    return [[_inline_button(button) for button in row] for row in rows]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    if button["text"] == "":
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES):
            raise bad_request("BUTTON_URL_INVALID")
    return dict(button)


def _reply_rows(rows: Any) -> ReplyKeyboard:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    result: list[tuple[str, ...]] = []
    for row in rows:
        texts: list[str] = []
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or text == "":
                raise bad_request("BUTTON_TEXT_EMPTY")
            texts.append(text)
        result.append(tuple(texts))
    return tuple(result)
