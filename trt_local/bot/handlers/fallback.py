"""Last-group handlers: nothing a user sends goes unanswered."""

from __future__ import annotations

from telegram import Update

from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.screens import send_menu
from trt_local.bot.texts import t


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command no feature knows."""
    await send_menu(update, context, t(context.lang, "fallback.command"))


async def stray_text(update: Update, context: Ctx) -> None:
    """Free text outside any flow."""
    await send_menu(update, context, t(context.lang, "fallback.text"))


async def stray_media(update: Update, context: Ctx) -> None:
    """A sticker, photo, file, voice… that no flow is waiting for."""
    await send_menu(update, context, t(context.lang, "fallback.media"))


async def stale_button(update: Update, context: Ctx) -> None:
    """A button from an old message or forged data: answer it and show the menu."""
    query = update.callback_query
    assert query is not None
    await answer(query, t(context.lang, "fallback.stale"))
    await send_menu(update, context, t(context.lang, "fallback.stale"))
