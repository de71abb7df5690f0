"""Bot API methods about the bot itself and chats: getMe, webhook, commands, getChat, actions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from trt_local.emulator.errors import bad_request
from trt_local.emulator.params import Params
from trt_local.emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Params], Any]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def get_me(state: EmulatorState, p: Params) -> dict[str, Any]:
    return {
        **state.bot.user_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def ok(state: EmulatorState, p: Params) -> bool:
    """Methods the emulator accepts and has nothing to keep for (logOut, setMyDescription…)."""
    return True


def delete_webhook(state: EmulatorState, p: Params) -> bool:
    if p.flag("drop_pending_updates"):
        state.feed.clear()
    return True


def get_webhook_info(state: EmulatorState, p: Params) -> dict[str, Any]:
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(state.feed)}


def _commands_key(p: Params) -> str:
    scope = p.decoded("scope", what="scope") or {"type": "default"}
    return json.dumps([scope, p.string("language_code")], sort_keys=True)


def set_my_commands(state: EmulatorState, p: Params) -> bool:
    commands = p.decoded("commands", what="commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        if not 1 <= len(name) <= 32 or not name.replace("_", "").isalnum() or name != name.lower():
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: EmulatorState, p: Params) -> list[dict[str, Any]]:
    return list(state.commands.get(_commands_key(p), []))


def delete_my_commands(state: EmulatorState, p: Params) -> bool:
    state.commands.pop(_commands_key(p), None)
    return True


def get_chat(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat = state.chat(p.chat_id())
    return {
        **chat.user.chat_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


def get_chat_member(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat = state.chat(p.chat_id())
    user_id = p.integer("user_id", required=True)
    if user_id == chat.user.id:
        return {"status": "member", "user": chat.user.user_json()}
    if user_id == state.bot.id:
        if chat.blocked:
            return {"status": "kicked", "user": state.bot.user_json(), "until_date": 0}
        return {"status": "member", "user": state.bot.user_json()}
    raise bad_request("user not found")


def send_chat_action(state: EmulatorState, p: Params) -> bool:
    chat = state.writable_chat(p.chat_id())
    action = p.string("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = action
    state.changed("action", chat.user.id, text=action)
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": ok,
    "close": ok,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": ok,
    "setMyShortDescription": ok,
    "setMyName": ok,
    "setChatMenuButton": ok,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "sendChatAction": send_chat_action,
}
