"""Browsing the catalog: categories → models (with "from" prices) → a model card."""

from __future__ import annotations

from html import escape

from telegram import Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.bot.texts_generate import label
from trt_local.core.categories import category_by_key
from trt_local.core.model_spec import ModelSpec
from trt_local.core.money import format_money
from trt_local.core.pricing import QuoteBasis


async def categories(update: Update, context: Ctx) -> None:
    """The Create button: categories that have at least one enabled model."""
    if update.callback_query:
        await answer(update.callback_query)
    lang = context.lang
    found = context.services.catalog().categories()
    if not found:
        await show(update, context, t(lang, "gen.none"), with_nav([], lang))
        return
    rows = [[button(category.title(lang), "cat", category.key)] for category in found]
    await show(update, context, t(lang, "gen.categories"), with_nav(rows, lang))


async def category(update: Update, context: Ctx) -> None:
    """One category: its models, each with its starting price."""
    query = update.callback_query
    assert query is not None and context.user is not None
    data = codec.decode(query.data)
    found = category_by_key(data.arg(0)) if data else None
    if found is None:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    lang = context.lang
    rows = []
    for model in context.services.catalog().models_in(found):
        rows.append([button(await _model_caption(context, model), "mdl", model.key)])
    await show(
        update,
        context,
        t(lang, "gen.models", category=escape(found.title(lang))),
        with_nav(rows, lang, "gen"),
    )


async def _model_caption(context: Ctx, model: ModelSpec) -> str:
    assert context.user is not None
    quote = await context.services.generation.quote(context.user, model.id, {})
    lang = context.lang
    if quote.basis is QuoteBasis.FREE:
        return t(lang, "gen.free_tag", title=model.title)
    price = quote.list_price_minor or quote.price_minor
    currency = context.services.settings.prices.currency
    return t(lang, "gen.from_price", title=model.title, price=format_money(price, currency, lang))


async def model_from_button(update: Update, context: Ctx) -> ModelSpec | None:
    """The enabled model a button names, with the press answered (an alert if it is gone)."""
    query = update.callback_query
    assert query is not None and context.user is not None
    data = codec.decode(query.data)
    model = context.services.catalog().by_key(data.arg(0)) if data else None
    # A follow-up (a Veo upgrade) is only offered under its source job, never started here.
    if model is None or not model.enabled or model.follow_up:
        await answer(query, t(context.lang, "confirm.unavailable"), show_alert=True)
        return None
    await answer(query)
    return model


async def model_card(update: Update, context: Ctx) -> None:
    """What a model is good at, what it needs, its price and the free generations left today."""
    model = await model_from_button(update, context)
    if model is None:
        return
    assert context.user is not None
    lang = context.lang
    quote = await context.services.generation.quote(context.user, model.id, {})
    currency = context.services.settings.prices.currency
    needs = ", ".join(label(lang, s.name) for s in model.wizard_inputs() if s.required)
    lines = [
        t(
            lang,
            "card.title",
            title=escape(model.title),
            category=escape(model.category.title(lang)),
        ),
        "",
    ]
    good_at = model.card_line(lang)  # the catalog's one line on what the model is good at
    if good_at:
        lines += [escape(good_at), ""]
    lines.append(t(lang, "card.needs", inputs=escape(needs)))
    list_price = quote.list_price_minor or quote.price_minor
    price = format_money(list_price, currency, lang)
    lines.append(t(lang, "card.price" if quote.exact else "card.price_from", price=price))
    if quote.basis is QuoteBasis.ADMIN:
        lines.append(t(lang, "card.admin"))
    elif model.free:
        lines.append(t(lang, "card.free_left", left=quote.free_left))
    rows = [[button(t(lang, "btn.start_model"), "run", model.key)]]
    await show(update, context, "\n".join(lines), with_nav(rows, lang, "cat", model.category.key))
