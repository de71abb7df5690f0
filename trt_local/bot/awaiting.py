"""A typed answer the bot waits for outside the wizard (today: a custom top-up amount).

Kept in PTB's per-user ``user_data``, in memory: after a restart the question is forgotten and the
typed answer gets the usual "use the menu" reply, which is harmless for a question this small. A
command (the flow resetter) or a press of any other button forgets it too, so a number meant for
the wizard is never taken for an amount.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import Application, filters

from trt_local.bot import codec
from trt_local.bot.context import Ctx

KEY = "awaiting"


def expect(context: Ctx, kind: str) -> None:
    """The user's next text message answers ``kind``."""
    if context.user_data is not None:
        context.user_data[KEY] = kind


def forget_in(app: Application[Any, Any, Any, Any, Any, Any], user_id: int) -> None:
    data = app.user_data.get(user_id)
    if data is not None:
        data.pop(KEY, None)


class Awaiting(filters.MessageFilter):
    """Text from a user the bot asked for ``kind`` (read straight from the application's user data)."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], kind: str) -> None:
        super().__init__(name=f"Awaiting({kind})")
        self._app = app
        self._kind = kind

    def filter(self, message: Message) -> bool:
        user = message.from_user
        data = self._app.user_data.get(user.id) if user is not None else None
        return data is not None and data.get(KEY) == self._kind


def keeper(*actions: str) -> Any:
    """A callback handler (in a group of its own) that forgets the question on any other button."""

    async def forget_on_press(update: Update, context: Ctx) -> None:
        query = update.callback_query
        data = codec.decode(query.data) if query is not None else None
        if (data is not None and data.action in actions) or update.effective_user is None:
            return
        forget_in(context.application, update.effective_user.id)  # creates no per-user state

    return forget_on_press
