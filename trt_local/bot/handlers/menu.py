"""The main menu, /help, /language and the cancel/reset commands."""

from __future__ import annotations

from telegram import Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers import referrals
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import language_picker, with_nav
from trt_local.bot.screens import show, show_menu
from trt_local.bot.texts import t


async def start(update: Update, context: Ctx) -> None:
    """/start [payload]: the main menu; for a new user, their invitation and welcome bonus first."""
    await show_menu(update, context, await referrals.greet_new_user(context))


async def menu_button(update: Update, context: Ctx) -> None:
    """The Home button."""
    if update.callback_query:
        await answer(update.callback_query)
    await show_menu(update, context)


async def help_command(update: Update, context: Ctx) -> None:
    """/help and the Help button: what the bot does and its commands."""
    if update.callback_query:
        await answer(update.callback_query)
    text = t(context.lang, "help.body")
    if context.services.support_contact:
        text += t(context.lang, "help.support", contact=context.services.support_contact)
    await show(update, context, text, with_nav([], context.lang))


async def language_command(update: Update, context: Ctx) -> None:
    """/language and the Language button: the picker."""
    if update.callback_query:
        await answer(update.callback_query)
    await show(update, context, t(context.lang, "lang.choose"), language_picker(context.lang))


async def set_language(update: Update, context: Ctx) -> None:
    """A language was picked: store it and show the menu in that language."""
    query = update.callback_query
    assert query is not None and context.user is not None
    data = codec.decode(query.data)
    language = data.arg(0) if data else ""
    if language not in ("ru", "en"):
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await context.services.users.set_language(context.user.id, language)
    await answer(query, t(language, "lang.set"))
    refreshed = await context.services.users.get(context.user.id)
    context.user = refreshed or context.user
    await show_menu(update, context)


async def cancel(update: Update, context: Ctx) -> None:
    """/cancel: leave whatever flow is in progress."""
    if context.user:
        await context.services.reset_user_flow(context.user.id)
    await show_menu(update, context, t(context.lang, "cancel.done"))


async def reset(update: Update, context: Ctx) -> None:
    """/reset: forget the in-progress flow and start over from the menu."""
    if context.user:
        await context.services.reset_user_flow(context.user.id)
    await show_menu(update, context, t(context.lang, "reset.done"))
