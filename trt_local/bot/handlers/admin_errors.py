"""Errors in the admin panel: the latest 20, and one with its redacted traceback (/error <id>)."""

from __future__ import annotations

from html import escape

from telegram import Update

from trt_local.bot import admin_views
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.handlers.admin_users import callback_args
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t

SHOWN = 20


@admin_only
async def errors_section(update: Update, context: Ctx) -> None:
    """The Errors button: the latest errors, each a button to its traceback."""
    if update.callback_query:
        await answer(update.callback_query)
    records = await context.services.errors.recent(SHOWN)
    timezone = context.services.settings.prices.timezone
    text, markup = admin_views.errors(context.lang, records, timezone)
    await show(update, context, text, markup)


@admin_only
async def error_button(update: Update, context: Ctx) -> None:
    """An error's button: its details."""
    assert update.callback_query is not None
    args = callback_args(update)
    await answer(update.callback_query)
    await _show_error(update, context, args[0] if args else "", new=False)


@admin_only
async def error_command(update: Update, context: Ctx) -> None:
    """/error <id>."""
    assert update.message is not None
    args = context.args or []
    if len(args) != 1:
        await update.message.reply_text(t(context.lang, "adm.error.usage"))
        return
    await _show_error(update, context, args[0], new=True)


async def _show_error(update: Update, context: Ctx, error_id: str, *, new: bool) -> None:
    record = await context.services.errors.get(error_id) if error_id else None
    back = with_nav([], context.lang, "aerr")
    if record is None:
        text = t(context.lang, "adm.error.unknown", error_id=escape(error_id[:16]))
        await show(update, context, text, back, new=new)
        return
    timezone = context.services.settings.prices.timezone
    await show(
        update, context, admin_views.error_detail(context.lang, record, timezone), back, new=new
    )
