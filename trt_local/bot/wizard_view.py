"""Rendering wizard screens: the question for one input, and the confirm screen."""

from __future__ import annotations

import math
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from trt_local.bot.keyboards import button
from trt_local.bot.texts import t
from trt_local.bot.texts_generate import label
from trt_local.core.inputs import InputSpec, InputType
from trt_local.core.model_spec import ModelSpec
from trt_local.core.money import format_money
from trt_local.core.pricing import Quote, QuoteBasis
from trt_local.core.pricing_rule import PricingUnit
from trt_local.core.wizard import Draft

MAX_ENUM_BUTTONS = 24


def input_index(model: ModelSpec, spec: InputSpec) -> int:
    return next(i for i, s in enumerate(model.inputs) if s.name == spec.name)


def show_value(lang: str, spec: InputSpec, value: object) -> str:
    if isinstance(value, tuple | list):
        return f"{len(value)} ✓"
    if spec.is_media:
        return "✓"
    if isinstance(value, bool):
        return t(lang, "btn.yes" if value else "btn.no")
    text = str(value)
    return escape(text if len(text) <= 60 else text[:57] + "…")


def step_text(lang: str, model: ModelSpec, spec: InputSpec, draft: Draft) -> str:
    name = label(lang, spec.name)
    kind = spec.type
    if kind is InputType.STRING:
        body = (
            t(lang, "step.text", label=name, limit=spec.max_length)
            if spec.max_length
            else t(lang, "step.text_nolimit", label=name)
        )
    elif kind is InputType.ENUM:
        body = t(lang, "step.enum", label=name)
    elif kind is InputType.BOOL:
        body = t(lang, "step.bool", label=name.capitalize())
    elif kind in (InputType.INT, InputType.FLOAT):
        body = (
            t(lang, "step.number", label=name, min=_num(spec.min), max=_num(spec.max))
            if spec.min is not None and spec.max is not None
            else t(lang, "step.number_any", label=name)
        )
    elif kind is InputType.IMAGE_URLS:
        count = len(draft.values.get(spec.name, ()))
        body = t(lang, "step.images", label=name, limit=spec.max_items or 10, count=count)
    elif kind is InputType.IMAGE_URL:
        body = t(lang, "step.image", label=name)
    elif kind is InputType.AUDIO_URL:
        body = t(lang, "step.audio", label=name)
    else:
        body = t(lang, "step.video", label=name)
    current = draft.values.get(spec.name)
    if current is not None and not spec.is_media:
        body += "\n" + t(lang, "step.current", value=show_value(lang, spec, current))
    return f"<b>{escape(model.title)}</b>\n{body}"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def step_keyboard(
    lang: str, model: ModelSpec, spec: InputSpec, draft: Draft
) -> InlineKeyboardMarkup:
    idx = input_index(model, spec)
    rows: list[list[InlineKeyboardButton]] = []
    if spec.type is InputType.ENUM and spec.enum:
        options = [
            button(str(option), "opt", draft.nonce, idx, n)
            for n, option in enumerate(spec.enum[:MAX_ENUM_BUTTONS])
        ]
        per_row = 3 if max(len(str(o)) for o in spec.enum) <= 8 else 2
        rows += [options[i : i + per_row] for i in range(0, len(options), per_row)]
    elif spec.type is InputType.BOOL:
        rows.append(
            [
                button(t(lang, "btn.yes"), "opt", draft.nonce, idx, 1),
                button(t(lang, "btn.no"), "opt", draft.nonce, idx, 0),
            ]
        )
    if spec.type is InputType.IMAGE_URLS and draft.values.get(spec.name):
        rows.append([button(t(lang, "btn.done"), "done", draft.nonce, idx)])
    if not model.requires(spec, draft.values):
        caption = (
            t(lang, "btn.default", value=show_value(lang, spec, spec.default))
            if spec.default is not None
            else t(lang, "btn.skip")
        )
        rows.append([button(caption, "skip", draft.nonce, idx)])
    rows.append(
        [button(t(lang, "btn.back"), "wbk", draft.nonce), button(t(lang, "btn.home"), "menu")]
    )
    return InlineKeyboardMarkup(rows)


def price_line(lang: str, quote: Quote, currency: str) -> str:
    if quote.basis is QuoteBasis.ADMIN:
        return t(lang, "confirm.admin")
    if quote.basis is QuoteBasis.FREE:
        return t(lang, "confirm.free", left=quote.free_left)
    price = format_money(quote.price_minor, currency, lang)
    return t(lang, "confirm.price" if quote.exact else "confirm.price_upto", price=price)


def length_line(lang: str, model: ModelSpec, media_seconds: float | None) -> str | None:
    """For a model priced on an audio/video length: the seconds the price counts."""
    rule = model.pricing
    per = model.input(rule.per) if rule.per else None
    if per is None or per.type not in (InputType.AUDIO_URL, InputType.VIDEO_URL):
        return None
    if media_seconds is not None:
        return t(lang, "confirm.seconds", seconds=math.ceil(media_seconds))
    if rule.max_units is None:
        return None
    most = rule.max_units * (60 if rule.unit is PricingUnit.MINUTE else 1)
    return t(lang, "confirm.seconds_unknown", seconds=int(most))


def confirm_screen(
    lang: str,
    model: ModelSpec,
    draft: Draft,
    quote: Quote,
    balance: int,
    currency: str,
    media_seconds: float | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t(lang, "confirm.title", title=escape(model.title))]
    for spec in model.wizard_inputs():
        value = draft.values.get(spec.name, spec.default)
        if value is None:
            continue
        lines.append(f"• {escape(label(lang, spec.name))}: {show_value(lang, spec, value)}")
    lines.append("")
    lines.append(price_line(lang, quote, currency))
    length = length_line(lang, model, media_seconds)
    if length:
        lines.append(length)

    def money(minor: int) -> str:
        return format_money(minor, currency, lang)

    if quote.price_minor:
        after = balance - quote.price_minor
        if after >= 0:
            lines.append(t(lang, "confirm.balance", before=money(balance), after=money(after)))
        else:
            lines.append(t(lang, "confirm.short", missing=money(-after), balance=money(balance)))
    confirm_caption = (
        t(lang, "btn.confirm", price=money(quote.price_minor))
        if quote.price_minor
        else t(lang, "btn.confirm_free")
    )
    markup = InlineKeyboardMarkup(
        [
            # The button carries the price shown: confirm charges exactly that, or shows the new one.
            [button(confirm_caption, "go", draft.nonce, quote.price_minor, quote.basis.value)],
            [button(t(lang, "btn.edit"), "edl", draft.nonce)],
            [button(t(lang, "btn.back"), "wbk", draft.nonce), button(t(lang, "btn.home"), "menu")],
        ]
    )
    return "\n".join(lines), markup


def edit_list(lang: str, model: ModelSpec, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(label(lang, spec.name).capitalize(), "edi", draft.nonce, idx)]
        for idx, spec in enumerate(model.inputs)
    ]
    rows.append(
        [button(t(lang, "btn.back"), "cnf", draft.nonce), button(t(lang, "btn.home"), "menu")]
    )
    return t(lang, "edit.choose"), InlineKeyboardMarkup(rows)
