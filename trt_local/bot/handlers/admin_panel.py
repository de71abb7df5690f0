"""/admin: the panel's home screen and its Stats section (admins only)."""

from __future__ import annotations

from decimal import Decimal

from telegram import Update

from trt_local.bot import admin_views
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only, is_owner
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.kie.errors import KieError


@admin_only
async def panel(update: Update, context: Ctx) -> None:
    """/admin and the panel's Back buttons: the sections."""
    if update.callback_query:
        await answer(update.callback_query)
    text, markup = admin_views.panel(context.lang, owner=is_owner(context))
    await show(update, context, text, markup)


@admin_only
async def stats(update: Update, context: Ctx) -> None:
    """Stats: users, generations, money in, refunds, the queue and the Kie balance."""
    if update.callback_query:
        await answer(update.callback_query)
    services = context.services
    overview = await services.stats.overview()
    credits: Decimal | None = None
    problem = ""
    try:
        credits = await services.stats.kie_credits()
    except KieError as exc:
        problem = services.errors.redact(str(exc))[:120]
    value = services.stats.credits_value_minor(credits) if credits is not None else 0
    text = admin_views.stats(context.lang, overview, credits, value, problem)
    markup = with_nav([[button(t(context.lang, "adm.btn.refresh"), "ast")]], context.lang, "adm")
    await show(update, context, text, markup)
