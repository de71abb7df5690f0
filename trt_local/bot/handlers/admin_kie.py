"""Kie credits in the admin panel: the balance, its worth, the low-credit alert and its threshold.

Opening the section checks the balance through the credit watch, so a fall below the threshold
seen here alerts the admins just as the periodic check would (once per crossing).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape

from telegram import Update

from trt_local.bot import admin_views
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.kie.errors import KieError
from trt_local.services.runtime_settings import SettingsError

THRESHOLD_KIND = "adm_threshold"


@admin_only
async def kie_section(update: Update, context: Ctx) -> None:
    """The Kie credits button (and its Refresh)."""
    if update.callback_query:
        await answer(update.callback_query)
    await _show(update, context, lead=None, new=False)


async def _show(update: Update, context: Ctx, *, lead: str | None, new: bool) -> None:
    services, lang = context.services, context.lang
    settings = services.settings
    lines = [lead] if lead else []
    lines.append(t(lang, "adm.kie.title"))
    try:
        credits = await services.credit_watch.check()
    except KieError as exc:
        problem = escape(services.errors.redact(str(exc))[:120])
        lines.append(t(lang, "adm.kie.unknown", problem=problem))
    else:
        value = format_money(
            services.stats.credits_value_minor(credits), settings.prices.currency, lang
        )
        lines.append(
            t(lang, "adm.kie.credits", credits=admin_views.credits_text(credits), value=value)
        )
    threshold = admin_views.credits_text(settings.credit_alert_threshold)
    source = "custom" if settings.credit_alert_custom is not None else "default"
    lines.append(
        t(lang, "adm.kie.threshold", threshold=threshold)
        + " "
        + t(lang, f"adm.kie.threshold_{source}")
    )
    low = await services.credit_watch.low()
    if low is None:
        lines.append(t(lang, "adm.kie.ok"))
    else:
        when = admin_views.when(low.at, settings.prices.timezone)
        lines.append(
            t(lang, "adm.kie.low", when=when, credits=admin_views.credits_text(low.credits))
        )
    rows = [
        [
            button(t(lang, "adm.btn.refresh"), "akie"),
            button(t(lang, "adm.btn.threshold"), "athr"),
        ]
    ]
    await show(update, context, "\n".join(lines), with_nav(rows, lang, "adm"), new=new)


@admin_only
async def threshold_button(update: Update, context: Ctx) -> None:
    """Change the threshold: ask for it."""
    assert context.user is not None
    if update.callback_query:
        await answer(update.callback_query)
    await context.services.pending_input.expect(context.user.id, THRESHOLD_KIND)
    text = t(context.lang, "adm.kie.ask_threshold")
    await show(update, context, text, with_nav([], context.lang, "akie"))


@admin_only
async def on_threshold(update: Update, context: Ctx) -> None:
    """The typed threshold (credits, or "default")."""
    assert update.message is not None and context.user is not None
    text = (update.message.text or "").strip().replace(" ", "").replace(",", ".")
    settings = context.services.settings
    try:
        value = None if text.lower() in ("default", "по умолчанию") else Decimal(text)
        await settings.set_credit_alert(value)
    except (InvalidOperation, SettingsError):
        await context.services.pending_input.expect(context.user.id, THRESHOLD_KIND)
        await update.message.reply_text(
            t(context.lang, "adm.kie.bad_threshold"),
            reply_markup=with_nav([], context.lang, "akie"),
        )
        return
    threshold = admin_views.credits_text(settings.credit_alert_threshold)
    lead = t(context.lang, "adm.kie.threshold_set", threshold=threshold)
    await _show(update, context, lead=lead, new=True)
