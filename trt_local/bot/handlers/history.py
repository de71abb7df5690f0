"""My generations: a paged list, one job's card, "show again" and "again"."""

from __future__ import annotations

import time
from html import escape

from telegram import Update

from trt_local.bot import codec, history_view
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.wizard import ask_next
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.notifier import resend
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.core.wizard import Draft, main_path
from trt_local.services.job_summary import JobSummary, summarize
from trt_local.services.ports import JobView

PAGE = 6


def _when(ts: float) -> str:
    return time.strftime("%d.%m %H:%M", time.localtime(ts))


def _price(context: Ctx, job: JobView) -> str:
    if not job.price_minor:
        return t(context.lang, "btn.confirm_free").split("·")[-1].strip()
    return format_money(job.price_minor, context.services.settings.prices.currency, context.lang)


def _summary(context: Ctx, job: JobView) -> JobSummary:
    """What was asked; the model's spec, when it is still in the catalog, orders the options."""
    return summarize(job.params, context.services.catalog().get(job.model_id))


async def history(update: Update, context: Ctx) -> None:
    """The list, newest first, PAGE per screen."""
    assert context.user is not None
    query = update.callback_query
    data = codec.decode(query.data) if query else None
    offset = (data.number(0) if data else None) or 0
    if query:
        await answer(query)
    lang = context.lang
    jobs, total = await context.services.generation.history(context.user.id, offset, PAGE)
    if total == 0:
        await show(update, context, t(lang, "history.empty"), with_nav([], lang))
        return
    entries, rows = [], []
    for job in jobs:
        asked, date = _summary(context, job), _when(job.created_at)
        status = t(lang, f"status.{job.status.value}")
        price = _price(context, job)
        entries.append(history_view.list_entry(lang, job.title, date, price, status, asked))
        rows.append([button(history_view.button_text(lang, job.title, date, asked), "job", job.id)])
    pager = []
    if offset > 0:
        pager.append(button(t(lang, "btn.prev"), "hist", max(0, offset - PAGE)))
    if offset + PAGE < total:
        pager.append(button(t(lang, "btn.next"), "hist", offset + PAGE))
    if pager:
        rows.append(pager)
    text = "\n\n".join([t(lang, "history.title", total=total), *entries])
    await show(update, context, text, with_nav(rows, lang))


async def _own_job(update: Update, context: Ctx) -> JobView | None:
    query = update.callback_query
    assert query is not None and context.user is not None
    data = codec.decode(query.data)
    job_id = (data.number(0) if data else None) or 0
    job = await context.services.generation.get(job_id) if job_id else None
    if job is None or job.user_id != context.user.id:
        await answer(query, t(context.lang, "fallback.stale"))
        return None
    await answer(query)
    return job


async def job_card(update: Update, context: Ctx) -> None:
    """One generation: what was asked, when, price, status; show again and repeat."""
    job = await _own_job(update, context)
    if job is None:
        return
    lang = context.lang
    text = history_view.card(
        lang,
        job.title,
        _when(job.created_at),
        _price(context, job),
        t(lang, f"status.{job.status.value}"),
        _summary(context, job),
    )
    rows = []
    if job.result_file_ids or job.result_text:
        rows.append([button(t(lang, "btn.show"), "hshow", job.id)])
    rows.append([button(t(lang, "btn.again"), "again", job.id)])
    await show(update, context, text, with_nav(rows, lang, "hist", 0))


async def show_again(update: Update, context: Ctx) -> None:
    """Re-send a result by its Telegram file ids: no download, no upload."""
    job = await _own_job(update, context)
    if job is None or update.effective_chat is None:
        return
    if job.result_file_ids:
        await resend(context.bot, update.effective_chat.id, job.result_file_ids)
    elif job.result_text:
        await context.bot.send_message(update.effective_chat.id, escape(job.result_text[:4000]))


async def again(update: Update, context: Ctx) -> None:
    """Same model, same inputs, a new confirm screen (a new nonce: a new job).

    Media Kie no longer keeps are asked for again; everything else is as it was.
    """
    job = await _own_job(update, context)
    if job is None:
        return
    assert context.user is not None
    model = context.services.catalog().get(job.model_id)
    if model is None or not model.enabled or model.follow_up:  # an upgrade: from its source
        await show(
            update, context, t(context.lang, "confirm.unavailable"), with_nav([], context.lang)
        )
        return
    repeat = await context.services.generation.again(job.id, context.user)
    values = dict(repeat.values)
    # What the earlier run left out was skipped (its default applied): not asked again.
    skipped = frozenset(
        spec.name
        for spec in main_path(model)
        if spec.name not in values and spec.name not in repeat.dropped and not spec.required
    )
    per = model.pricing.per
    seconds = {per: repeat.media_seconds} if per and repeat.media_seconds is not None else {}
    draft = Draft(model.id, values=values, skipped=skipped, seconds=seconds)
    async with context.bot_data.user_lock(context.user.id):
        await context.services.drafts.save(context.user.id, draft)
    note = t(context.lang, "again.media_again") if repeat.dropped else None
    # A new message: the finished job's message keeps its result and buttons.
    await ask_next(update, context, model, draft, note, new=True)
