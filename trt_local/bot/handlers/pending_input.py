"""Typed answers to a question a feature asked (the promo code after the Promo code button).

Runs in its own group between the gate and the features: a text the bot asked for goes to the
feature that asked (and no further), and so does a photo when the question takes one (a
broadcast's photo); any button press forgets the question, as the user moved on. Commands forget
it through ``Services.reset_user_flow``. Features add their reader by kind; a reader finds what
the question stored with it in ``context.input_data``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from trt_local.bot.context import Ctx

Reader = Callable[[Update, Ctx], Awaitable[None]]


class PendingInputRouter:
    def __init__(
        self, readers: Mapping[str, Reader], media_readers: Mapping[str, Reader] | None = None
    ) -> None:
        self._readers = dict(readers)
        self._media_readers = dict(media_readers or {})

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

    async def on_media(self, update: Update, context: Ctx) -> None:
        """A photo: the answer to a question that takes one, or on to the features."""
        if context.user is None:
            return
        pending = context.services.pending_input
        kind = await pending.peek(context.user.id)
        reader = self._media_readers.get(kind) if kind else None
        if reader is None:
            return  # the question (if any) still waits for its text
        await pending.clear(context.user.id)
        await reader(update, context)
        raise ApplicationHandlerStop

    async def on_press(self, update: Update, context: Ctx) -> None:
        """Any button: the question is no longer open (the pressed feature may ask again)."""
        if context.user is not None:
            await context.services.pending_input.clear(context.user.id)
