"""Showing a screen: edit the message a button sits on, or send a new one for typed input."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from trt_local.bot.context import Ctx
from trt_local.bot.harmless import is_not_modified
from trt_local.bot.keyboards import main_menu
from trt_local.bot.texts import t

log = logging.getLogger(__name__)


async def show(
    update: Update,
    context: Ctx,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    new: bool = False,
) -> None:
    """Edit the message a pressed button sits on; otherwise (or with ``new``) send a message."""
    query = update.callback_query
    if query is not None and query.message is not None and not new:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            # "message is not modified" (double tap) is harmless; anything else: send anew.
            if is_not_modified(exc):
                return
            log.info("edit failed (%s); sending a new message", exc)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, reply_markup=markup)


async def show_menu(update: Update, context: Ctx, lead: str | None = None) -> None:
    """The main menu; ``lead`` (e.g. "Cancelled.") goes above the greeting."""
    name = update.effective_user.first_name if update.effective_user else ""
    text = t(context.lang, "menu.title", name=escape(name))
    await show(update, context, f"{lead}\n\n{text}" if lead else text, main_menu(context.lang))


async def send_menu(update: Update, context: Ctx, lead: str) -> None:
    """A short answer followed by the menu, as a new message (used for unexpected input)."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, lead, reply_markup=main_menu(context.lang))
