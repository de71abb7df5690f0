"""Rights checks that every admin handler carries itself: a button or a command is no proof.

A modified client can send any callback data and anyone can type ``/block 42``; so each admin
callback, command and typed-answer reader is wrapped here, and the wrapper looks at the user the
gate just loaded from the database (rights revoked a second ago count). A refused callback gets a
"not allowed" answer, a refused command the ordinary unknown-command answer (a non-admin learns
nothing about admin commands), a refused typed answer is dropped; nothing else runs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from trt_local.bot.context import Ctx
from trt_local.bot.handlers import fallback
from trt_local.bot.harmless import answer
from trt_local.bot.texts import t

log = logging.getLogger("trt.bot.admin")

Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def is_admin(context: Ctx) -> bool:
    return context.user is not None and context.user.is_admin


def is_owner(context: Ctx) -> bool:
    return is_admin(context) and context.services.users.is_owner(context.user.id)  # type: ignore[union-attr]


async def _refuse(update: Update, context: Ctx, key: str) -> None:
    who = update.effective_user.id if update.effective_user else None
    log.warning("refused an admin action from user %s (%s)", who, describe_action(update))
    if update.callback_query is not None:
        await answer(update.callback_query, t(context.lang, key), show_alert=True)
    elif update.message is not None and (update.message.text or "").startswith("/"):
        if is_admin(context):
            await update.message.reply_text(t(context.lang, key))
        else:
            await fallback.unknown_command(update, context)


def describe_action(update: Update) -> str:
    if update.callback_query is not None:
        return f"button {update.callback_query.data!r}"
    text = update.message.text if update.message is not None else None
    return f"command {(text or '').split()[0][:40]!r}" if text else "a typed answer"


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` for admins (owners and added admins) only."""

    @functools.wraps(handler)
    async def checked(update: Update, context: Ctx) -> None:
        if not is_admin(context):
            await _refuse(update, context, "adm.not_allowed")
            return
        await handler(update, context)

    return checked


def owner_only(handler: Handler) -> Handler:
    """Run ``handler`` for owners (``TRT_ADMIN_IDS``) only; an added admin is told why not."""

    @functools.wraps(handler)
    async def checked(update: Update, context: Ctx) -> None:
        if not is_owner(context):
            await _refuse(
                update, context, "adm.owners_only" if is_admin(context) else "adm.not_allowed"
            )
            return
        await handler(update, context)

    return checked
