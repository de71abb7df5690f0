"""Typed answers to a question a feature asked (the promo code after the Promo code button).

Runs in its own group between the gate and the features: a text the bot asked for goes to the
feature that asked (and no further); any button press forgets the question, as the user moved on.
Commands forget it through ``Services.reset_user_flow``. Features add their reader by kind; a
reader finds what the question stored with it in ``context.input_data``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from trt_local.bot.context import Ctx

Reader = Callable[[Update, Ctx], Awaitable[None]]


class PendingInputRouter:
    def __init__(self, readers: Mapping[str, Reader]) -> None:
        self._readers = dict(readers)

    async def on_text(self, update: Update, context: Ctx) -> None:
        """A text: the answer to a pending question, or on to the features (the wizard…)."""
        if context.user is None:
            return
        awaited = await context.services.pending_input.take_input(context.user.id)
        reader = self._readers.get(awaited.kind) if awaited else None
        if awaited is None or reader is None:
            return
        context.input_data = awaited.data
        await reader(update, context)
        raise ApplicationHandlerStop

    async def on_press(self, update: Update, context: Ctx) -> None:
        """Any button: the question is no longer open (the pressed feature may ask again)."""
        if context.user is not None:
            await context.services.pending_input.clear(context.user.id)
