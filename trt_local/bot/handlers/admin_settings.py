"""The panel's Settings section: live settings kept in the database, applied on the next quote.

Every change goes through ``RuntimeSettings`` (the dashboard's calls), which validates it; its
refusal (a ``SettingsError`` sentence) is shown as it is. Typed values come back through the
typed-input router (kind ``adm_setting``, the field in its data). Callback data, each checked
again by its handler: ``aset`` the section · ``ase|<field>`` ask for a value · ``amp|<1|0>``
manual payments on/off · ``asm`` model categories · ``asc|<category>`` its models ·
``amt|<model key>|<1|0>`` switch a model on/off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardMarkup, Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.categories import CATEGORIES, category_by_key
from trt_local.core.errors import AmountError
from trt_local.core.money import format_money, parse_amount
from trt_local.services.runtime_settings import RuntimeSettings, SettingsError

INPUT_KIND = "adm_setting"  # data: field
RESET_WORDS = ("default", "по умолчанию")
CLEAR_WORD = "-"
TERMS_PREVIEW = 120


def _whole(text: str) -> object:
    """A typed whole number as an int; anything else as typed, for the service to refuse."""
    return int(text) if text.isascii() and text.isdigit() else text


def _decimal(text: str) -> str:
    return text.replace(" ", "").replace(",", ".")


def _money_minor(name: str, text: str) -> int:
    try:
        return parse_amount(text)
    except AmountError:
        raise SettingsError((f"{name} must be an amount of money, like 50 or 12.50",)) from None


def _operator_value(text: str) -> str | None:
    """None returns the field to the config's value; "-" clears it."""
    if text.lower() in RESET_WORDS:
        return None
    return "" if text == CLEAR_WORD else text


Setter = Callable[[RuntimeSettings, str], Awaitable[object]]
# Typed fields: what each sets, through the same validated calls as the dashboard.
SETTERS: dict[str, Setter] = {
    "rate": lambda s, v: s.update_prices(rub_per_usd=_decimal(v)),
    "markup": lambda s, v: s.update_prices(markup=_decimal(v)),
    "stars": lambda s, v: s.update_money_in(stars_per_unit=_decimal(v)),
    "free": lambda s, v: s.update_prices(free_per_day=_whole(v)),
    "reff": lambda s, v: s.update_money_in(referral_free=_whole(v)),
    "refb": lambda s, v: s.update_money_in(referral_bonus_minor=_money_minor("referral_bonus", v)),
    "welf": lambda s, v: s.update_money_in(welcome_free=_whole(v)),
    "welb": lambda s, v: s.update_money_in(welcome_bonus_minor=_money_minor("welcome_bonus", v)),
    "cap": lambda s, v: s.set_job_caps(per_user=_whole(v)),  # type: ignore[arg-type]
    "contact": lambda s, v: s.set_operator(support_contact=_operator_value(v)),
    "details": lambda s, v: s.set_operator(payment_details=_operator_value(v)),
    "terms": lambda s, v: s.set_operator(terms_text=_operator_value(v)),
}
OPERATOR_FIELDS = frozenset({"contact", "details", "terms"})


def _screen(context: Ctx, lead: str | None) -> tuple[str, InlineKeyboardMarkup]:
    lang, settings = context.lang, context.services.settings
    prices, money, operator = settings.prices, settings.money_in, settings.operator

    def cash(minor: int) -> str:
        return format_money(minor, prices.currency, lang)

    none = t(lang, "adm.set.none")
    terms = operator.terms_text
    if len(terms) > TERMS_PREVIEW:
        terms = terms[: TERMS_PREVIEW - 1] + "…"
    lines = [lead] if lead else []
    lines += [
        t(lang, "adm.set.title"),
        t(lang, "adm.set.rate", rate=prices.rub_per_usd, currency=prices.currency),
        t(lang, "adm.set.markup", markup=prices.markup),
        t(lang, "adm.set.stars", stars=money.stars_per_unit, unit=cash(100)),
        t(lang, "adm.set.free", free=prices.free_per_day),
        t(
            lang,
            "adm.set.referral",
            free=money.referral_free,
            bonus=cash(money.referral_bonus_minor),
        ),
        t(lang, "adm.set.welcome", free=money.welcome_free, bonus=cash(money.welcome_bonus_minor)),
        t(lang, "adm.set.cap", cap=settings.per_user_job_cap),
        t(lang, "adm.set.contact", contact=escape(operator.support_contact) or none),
        t(lang, "adm.set.manual_on" if operator.manual_payments else "adm.set.manual_off"),
        t(lang, "adm.set.details", details=escape(operator.payment_details) or none),
        t(lang, "adm.set.terms", terms=escape(terms) or t(lang, "adm.set.terms_builtin")),
    ]
    names = ("rate", "markup", "stars", "free", "reff", "refb", "welf", "welb", "cap")
    edit = [button(t(lang, f"adm.set.btn.{name}"), "ase", name) for name in names]
    rows = [edit[i : i + 3] for i in range(0, len(edit), 3)]
    rows.append([button(t(lang, f"adm.set.btn.{name}"), "ase", name) for name in OPERATOR_ORDER])
    switch = 0 if operator.manual_payments else 1
    rows.append(
        [
            button(t(lang, f"adm.set.btn.manual_{switch}"), "amp", switch),
            button(t(lang, "adm.set.btn.models"), "asm"),
        ]
    )
    return "\n".join(lines), with_nav(rows, lang, "adm")


OPERATOR_ORDER = ("contact", "details", "terms")


async def _show(update: Update, context: Ctx, lead: str | None = None, new: bool = False) -> None:
    text, markup = _screen(context, lead)
    await show(update, context, text, markup, new=new)


def _args(update: Update) -> tuple[str, ...]:
    data = codec.decode(update.callback_query.data if update.callback_query else None)
    return data.args if data else ()


@admin_only
async def settings_section(update: Update, context: Ctx) -> None:
    """The Settings button: every live setting and its edit button."""
    if update.callback_query:
        await answer(update.callback_query)
    await _show(update, context)


@admin_only
async def edit_button(update: Update, context: Ctx) -> None:
    """A setting's button: ask for its new value (the next text)."""
    query = update.callback_query
    assert query is not None and context.user is not None
    args = _args(update)
    field = args[0] if args and args[0] in SETTERS else None
    if field is None:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    await context.services.pending_input.expect(context.user.id, INPUT_KIND, {"field": field})
    await show(update, context, _question(context.lang, field), with_nav([], context.lang, "aset"))


def _question(lang: str, field: str) -> str:
    text = t(lang, f"adm.set.ask.{field}")
    if field in OPERATOR_FIELDS:
        text += "\n" + t(lang, "adm.set.ask_reset")
    return text


@admin_only
async def on_value(update: Update, context: Ctx) -> None:
    """The typed value: set it (validated by the settings service) or say why not and ask again."""
    assert update.message is not None and context.user is not None
    lang = context.lang
    field = str(context.input_data.get("field", ""))
    setter = SETTERS.get(field)
    if setter is None:
        return
    text = (update.message.text or "").strip()
    try:
        await setter(context.services.settings, text)
    except SettingsError as refused:
        await context.services.pending_input.expect(context.user.id, INPUT_KIND, {"field": field})
        problems = escape("; ".join(refused.problems))
        reply = t(lang, "adm.set.refused", problems=problems) + "\n" + _question(lang, field)
        await update.message.reply_text(reply, reply_markup=with_nav([], lang, "aset"))
        return
    await _show(update, context, lead=t(lang, "adm.set.saved"), new=True)


@admin_only
async def manual_button(update: Update, context: Ctx) -> None:
    """Manual payments on or off (on needs payment details)."""
    query = update.callback_query
    assert query is not None
    args = _args(update)
    if not args or args[0] not in ("0", "1"):
        await answer(query, t(context.lang, "fallback.stale"))
        return
    try:
        await context.services.settings.set_operator(manual_payments=args[0] == "1")
    except SettingsError as refused:
        await answer(query, "; ".join(refused.problems), show_alert=True)
        return
    await answer(query)
    await _show(update, context)


@admin_only
async def models_section(update: Update, context: Ctx) -> None:
    """Models by category: how many are on in each."""
    if update.callback_query:
        await answer(update.callback_query)
    lang, catalog = context.lang, context.services.catalog()
    rows = []
    for category in CATEGORIES:
        models = catalog.models_in(category, include_disabled=True)
        if not models:
            continue
        on = sum(model.enabled for model in models)
        label = t(lang, "adm.set.category", title=category.title(lang), on=on, total=len(models))
        rows.append([button(label, "asc", category.key)])
    await show(update, context, t(lang, "adm.set.models"), with_nav(rows, lang, "aset"))


async def _show_category(update: Update, context: Ctx, key: str, lead: str | None) -> bool:
    lang = context.lang
    category = category_by_key(key)
    if category is None:
        return False
    rows = []
    for model in context.services.catalog().models_in(category, include_disabled=True):
        mark = "✅" if model.enabled else "⛔"
        rows.append([button(f"{mark} {model.title}", "amt", model.key, 0 if model.enabled else 1)])
    title = t(lang, "adm.set.category_title", title=category.title(lang))
    text = f"{lead}\n{title}" if lead else title
    await show(update, context, text, with_nav(rows, lang, "asm"))
    return True


@admin_only
async def category_button(update: Update, context: Ctx) -> None:
    """One category's models, each a switch."""
    query = update.callback_query
    assert query is not None
    args = _args(update)
    if not args or category_by_key(args[0]) is None:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    await _show_category(update, context, args[0], None)


@admin_only
async def model_button(update: Update, context: Ctx) -> None:
    """Switch a model on or off for users; its category is shown again."""
    query = update.callback_query
    assert query is not None
    lang, settings = context.lang, context.services.settings
    args = _args(update)
    model = settings.base_catalog.by_key(args[0]) if args else None
    if model is None or len(args) < 2 or args[1] not in ("0", "1"):
        await answer(query, t(lang, "fallback.stale"))
        return
    enabled = args[1] == "1"
    try:
        await settings.set_model_enabled(model.id, enabled)
    except SettingsError as refused:
        await answer(query, "; ".join(refused.problems), show_alert=True)
        return
    await answer(query)
    lead = t(lang, "adm.set.model_on" if enabled else "adm.set.model_off", title=model.title)
    await _show_category(update, context, model.category.key, lead)
