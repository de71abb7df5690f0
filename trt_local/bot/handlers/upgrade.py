"""The paid upgrade of a delivered Veo video: its button ("vup"), the price and the confirm ("vupgo").

The job is made by ``GenerationService.confirm`` like any job (one charge, a refund on failure);
its ref comes from the source job and the upgrade, so however often either button is pressed
there is one upgrade job per video and resolution.
"""

from __future__ import annotations

from html import escape

from telegram import Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.bot.upgrade_offer import (
    MINUTES,
    RESOLUTION,
    UPGRADES,
    too_late,
    upgradable,
    upgrade_ref,
    upgrade_values,
)
from trt_local.bot.wizard_view import price_line
from trt_local.core.errors import (
    InputError,
    InsufficientFunds,
    JobLimitReached,
    ModelUnavailable,
    PriceChanged,
)
from trt_local.core.money import format_money
from trt_local.core.pricing import PriceSeen, QuoteBasis
from trt_local.services.ports import JobView


async def _source(update: Update, context: Ctx) -> tuple[JobView, str, codec.Callback] | None:
    """The user's own upgradable job and the upgrade a button names; answers the press if not."""
    query = update.callback_query
    assert query is not None and context.user is not None
    data = codec.decode(query.data)
    job_id = data.number(0) if data else None
    which = data.arg(1) if data else ""
    job = await context.services.generation.get(job_id) if job_id else None
    if data is None or job is None or job.user_id != context.user.id or which not in UPGRADES:
        await answer(query, t(context.lang, "fallback.stale"))
        return None
    if not upgradable(job):
        await answer(query, t(context.lang, "upgrade.not_offered"), show_alert=True)
        return None
    if too_late(job, context.services.clock()):
        await answer(query, t(context.lang, "upgrade.too_late"), show_alert=True)
        return None
    return job, which, data


async def _show_offer(
    update: Update, context: Ctx, job: JobView, which: str, note: str | None = None
) -> None:
    """The upgrade's price, the balance after it and a Confirm carrying the price shown."""
    assert context.user is not None
    services, lang = context.services, context.lang
    model_id = UPGRADES[which]
    model = services.catalog().get(model_id)
    try:
        quote = await services.generation.quote(context.user, model_id, upgrade_values(job))
    except ModelUnavailable:
        await show(update, context, t(lang, "confirm.unavailable"), with_nav([], lang), new=True)
        return
    assert model is not None  # quote found it
    currency = services.settings.prices.currency
    balance = await services.billing.balance(context.user.id)
    lines = [
        t(
            lang,
            "upgrade.confirm",
            title=escape(model.title),
            resolution=RESOLUTION[which],
            minutes=MINUTES[which],
        ),
        "",
        price_line(lang, quote, currency),
    ]
    if quote.price_minor:
        after = balance - quote.price_minor
        before_text = format_money(balance, currency, lang)
        if after >= 0:
            after_text = format_money(after, currency, lang)
            lines.append(t(lang, "confirm.balance", before=before_text, after=after_text))
        else:
            missing = format_money(-after, currency, lang)
            lines.append(t(lang, "confirm.short", missing=missing, balance=before_text))
        caption = t(lang, "btn.confirm", price=format_money(quote.price_minor, currency, lang))
    else:
        caption = t(lang, "btn.confirm_free")
    rows = [[button(caption, "vupgo", job.id, which, quote.price_minor, quote.basis.value)]]
    text = "\n".join(lines)
    # A new message: the delivered video's message keeps its buttons.
    await show(
        update, context, f"{note}\n\n{text}" if note else text, with_nav(rows, lang), new=True
    )


async def offer(update: Update, context: Ctx) -> None:
    """An upgrade button under a delivered video: its price and a confirm (once per upgrade)."""
    found = await _source(update, context)
    if found is None:
        return
    job, which, _ = found
    query = update.callback_query
    assert query is not None and context.user is not None
    made = await context.services.generation.made_by(
        context.user, upgrade_ref(context.user.id, job.id, which)
    )
    if made:
        await answer(query, t(context.lang, "confirm.duplicate"))
        return
    await answer(query)
    await _show_offer(update, context, job, which)


async def confirm(update: Update, context: Ctx) -> None:
    """Confirm an upgrade: charge and queue its job, once, at the price the button showed."""
    found = await _source(update, context)
    if found is None:
        return
    job, which, data = found
    query = update.callback_query
    assert query is not None and context.user is not None and update.effective_chat is not None
    lang = context.lang
    minor, basis = data.number(2), data.arg(3)
    if minor is None or basis not in {b.value for b in QuoteBasis}:
        await answer(query, t(lang, "fallback.stale"))
        return
    model_id = UPGRADES[which]
    try:
        view = await context.services.generation.confirm(
            user=context.user,
            chat_id=update.effective_chat.id,
            model_id=model_id,
            values=upgrade_values(job),
            ref=upgrade_ref(context.user.id, job.id, which),
            status_message_id=query.message.message_id if query.message else None,
            expected=PriceSeen(minor, QuoteBasis(basis)),
        )
    except PriceChanged:
        await answer(query)
        await _show_offer(update, context, job, which, t(lang, "confirm.price_changed"))
        return
    except InsufficientFunds as short:
        await answer(query)
        missing = format_money(short.missing_minor, context.services.settings.prices.currency, lang)
        await show(
            update, context, t(lang, "confirm.insufficient", missing=missing), with_nav([], lang)
        )
        return
    except JobLimitReached as limit:
        await answer(query)
        await show(
            update, context, t(lang, "confirm.limit_user", limit=limit.limit), with_nav([], lang)
        )
        return
    except (ModelUnavailable, InputError):
        await answer(query, t(lang, "confirm.unavailable"), show_alert=True)
        return
    if view.duplicate:
        await answer(query, t(lang, "confirm.duplicate"))
        return
    await answer(query)
    await show(update, context, t(lang, "job.queued", title=escape(view.title)))
