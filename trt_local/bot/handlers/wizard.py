"""The generation wizard: one input per screen, then the confirm screen and the charge.

Every button carries the draft's nonce, so buttons of an older draft are answered as stale. Each
user's wizard updates run one at a time (a per-user lock): with concurrent update handling a photo
and a button pressed together must not overwrite each other's draft.
"""

from __future__ import annotations

from html import escape

from telegram import Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers import fallback
from trt_local.bot.handlers.catalog import model_from_button
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.media_input import MediaRejected, receive_media
from trt_local.bot.screens import send_menu, show
from trt_local.bot.texts import t
from trt_local.bot.wizard_view import (
    confirm_screen,
    edit_list,
    step_keyboard,
    step_text,
)
from trt_local.core.errors import (
    InputError,
    InsufficientFunds,
    JobLimitReached,
    ModelUnavailable,
    PriceChanged,
)
from trt_local.core.inputs import InputType
from trt_local.core.model_spec import ModelSpec
from trt_local.core.money import format_money
from trt_local.core.pricing import PriceSeen, QuoteBasis
from trt_local.core.validation import validate_value
from trt_local.core.wizard import Draft, main_path, media_seconds, next_input, previous_input


def input_error_text(lang: str, error: InputError) -> str:
    key = f"err.{error.code.value}"
    text = t(lang, key, **{k: v for k, v in error.params.items()})
    return text if text != key else t(lang, "err.bad_input")


async def _current(context: Ctx) -> tuple[ModelSpec, Draft] | None:
    assert context.user is not None
    draft = await context.services.drafts.get(context.user.id)
    if draft is None:
        return None
    model = context.services.catalog().get(draft.model_id)
    if model is None or not model.enabled:
        await context.services.drafts.clear(context.user.id)
        return None
    return model, draft


async def ask_next(
    update: Update,
    context: Ctx,
    model: ModelSpec,
    draft: Draft,
    note: str | None = None,
    *,
    new: bool = False,
) -> None:
    """Show the next question, or the confirm screen when every needed input is there."""
    spec = next_input(model, draft)
    if spec is None:
        await show_confirm(update, context, model, draft, note, new=new)
        return
    text = step_text(context.lang, model, spec, draft)
    await show(
        update,
        context,
        f"{note}\n\n{text}" if note else text,
        step_keyboard(context.lang, model, spec, draft),
        new=new,
    )


async def show_confirm(
    update: Update,
    context: Ctx,
    model: ModelSpec,
    draft: Draft,
    note: str | None = None,
    *,
    new: bool = False,
) -> None:
    assert context.user is not None
    services = context.services
    seconds = media_seconds(model, draft)
    quote = await services.generation.quote(context.user, model.id, draft.values, seconds)
    balance = await services.billing.balance(context.user.id)
    text, markup = confirm_screen(
        context.lang, model, draft, quote, balance, services.settings.prices.currency, seconds
    )
    await show(update, context, f"{note}\n\n{text}" if note else text, markup, new=new)


async def start_model(update: Update, context: Ctx) -> None:
    """The model card's Start button: a fresh draft and its first question."""
    model = await model_from_button(update, context)
    if model is None:
        return
    assert context.user is not None
    async with context.bot_data.user_lock(context.user.id):
        draft = await context.services.drafts.save(context.user.id, Draft(model.id))
        await ask_next(update, context, model, draft)


async def _draft_for_button(
    update: Update, context: Ctx
) -> tuple[ModelSpec, Draft, codec.Callback] | None:
    """The draft a wizard button belongs to, or None (and a stale answer) if it is outdated."""
    query = update.callback_query
    assert query is not None
    data = codec.decode(query.data)
    current = await _current(context)
    if data is None or current is None or current[1].nonce != data.arg(0):
        await answer(query, t(context.lang, "fallback.stale"))
        return None
    await answer(query)
    return current[0], current[1], data


async def on_button(update: Update, context: Ctx) -> None:
    """Every wizard button: option, skip, done, back, edit list, edit pick, confirm screen."""
    assert context.user is not None
    async with context.bot_data.user_lock(context.user.id):
        found = await _draft_for_button(update, context)
        if found is None:
            return
        model, draft, data = found
        action = data.action
        if action == "edl":
            text, markup = edit_list(context.lang, model, draft)
            await show(update, context, text, markup)
            return
        if action == "wbk":
            previous = await _back(update, context, model, draft)
            if previous is None:
                return
            draft = previous
        elif action == "cnf":
            draft = draft.edit(None)
        else:
            index = int(data.arg(1, "-1")) if data.arg(1).isdigit() else -1
            if not 0 <= index < len(model.inputs):
                return
            spec = model.inputs[index]
            if action == "edi":
                draft = draft.edit(spec.name)
            elif action == "skip":
                draft = draft.skip(spec.name)
            elif action == "done":
                draft = draft.edit(None)
            elif action == "opt":
                choice = int(data.arg(2, "-1")) if data.arg(2).isdigit() else -1
                if spec.type is InputType.BOOL:
                    draft = draft.with_value(spec.name, choice == 1)
                elif spec.enum and 0 <= choice < len(spec.enum):
                    draft = draft.with_value(spec.name, spec.enum[choice])
                else:
                    return
        await context.services.drafts.save(context.user.id, draft)
        await ask_next(update, context, model, draft)


async def _back(update: Update, context: Ctx, model: ModelSpec, draft: Draft) -> Draft | None:
    if draft.editing and model.input(draft.editing) not in main_path(model, draft.values):
        return draft.edit(None)  # an input picked from the Edit list: back to the confirm screen
    previous = previous_input(model, draft)
    if previous is None:  # back from the first question: the model card
        assert context.user is not None
        await context.services.drafts.clear(context.user.id)
        rows = [[button(t(context.lang, "btn.start_model"), "run", model.key)]]
        await show(
            update,
            context,
            f"<b>{escape(model.title)}</b>",
            with_nav(rows, context.lang, "cat", model.category.key),
        )
        return None
    # Keep the earlier answer: the question shows it ("Now: …") and a new answer replaces it.
    return draft.edit(previous.name)


async def on_text(update: Update, context: Ctx) -> None:
    """Free text: the answer to the current question, or a stray message outside the wizard."""
    assert context.user is not None and update.message is not None
    async with context.bot_data.user_lock(context.user.id):
        current = await _current(context)
        if current is None:
            await fallback.stray_text(update, context)
            return
        model, draft = current
        spec = next_input(model, draft)
        if spec is None:
            await show_confirm(update, context, model, draft, t(context.lang, "err.need_button"))
            return
        if spec.is_media:
            await ask_next(
                update, context, model, draft, t(context.lang, "err.wrong_media", expected="")
            )
            return
        try:
            value = validate_value(spec, update.message.text or "")
        except InputError as error:
            await ask_next(update, context, model, draft, input_error_text(context.lang, error))
            return
        draft = await context.services.drafts.save(
            context.user.id, draft.with_value(spec.name, value)
        )
        await ask_next(update, context, model, draft)


async def on_media(update: Update, context: Ctx) -> None:
    """A photo, image file, audio, voice or video: the answer to a media question."""
    assert context.user is not None and update.message is not None
    async with context.bot_data.user_lock(context.user.id):
        current = await _current(context)
        spec = next_input(*current) if current else None
        if current is None or spec is None or not spec.is_media:
            await fallback.stray_media(update, context)
            return
        model, draft = current
        try:
            received = await receive_media(update.message, model, spec, context)
        except MediaRejected as rejected:
            await ask_next(
                update, context, model, draft, t(context.lang, rejected.key, **rejected.params)
            )
            return
        if spec.type is InputType.IMAGE_URLS:
            urls = (*draft.values.get(spec.name, ()), received.url)
            draft = draft.with_value(spec.name, urls)
            if spec.max_items is None or len(urls) < spec.max_items:
                draft = draft.edit(spec.name)  # keep collecting until Done
        else:
            draft = draft.with_media(spec.name, received.url, received.seconds)
        await context.services.drafts.save(context.user.id, draft)
        await ask_next(update, context, model, draft)


def _price_seen(data: codec.Callback) -> PriceSeen | None:
    """The price the confirm button was shown with (``go|nonce|minor|basis``)."""
    minor, basis = data.arg(1), data.arg(2)
    if not minor.isdigit() or basis not in {b.value for b in QuoteBasis}:
        return None
    return PriceSeen(int(minor), QuoteBasis(basis))


async def on_confirm(update: Update, context: Ctx) -> None:
    """Confirm: charge and queue the job (once, however many times the button is tapped).

    The charge is the price the button showed; if it changed since, the user sees the new price.
    """
    query = update.callback_query
    assert query is not None and context.user is not None and update.effective_chat is not None
    data = codec.decode(query.data)
    current = await _current(context)
    if data is None or current is None or current[1].nonce != data.arg(0):
        # A press whose draft is gone: "already on it" only if it did make a job (a repeat tap,
        # a replay); a wizard reset by a command made none.
        made = data is not None and await context.services.generation.made_by(
            context.user, f"{context.user.id}-{data.arg(0)}"
        )
        await answer(query, t(context.lang, "confirm.duplicate" if made else "fallback.stale"))
        return
    model, draft = current
    lang = context.lang
    seen = _price_seen(data)
    if seen is None:  # a button without a price (from an older release): show the price first
        await answer(query)
        await show_confirm(update, context, model, draft)
        return
    currency = context.services.settings.prices.currency
    nav = with_nav([], lang, "cnf", draft.nonce)
    try:
        job = await context.services.generation.confirm(
            user=context.user,
            chat_id=update.effective_chat.id,
            model_id=model.id,
            values=draft.values,
            ref=f"{context.user.id}-{draft.nonce}",
            status_message_id=query.message.message_id if query.message else None,
            media_seconds=media_seconds(model, draft),
            expected=seen,
        )
    except PriceChanged:
        await answer(query)
        await show_confirm(update, context, model, draft, t(lang, "confirm.price_changed"))
        return
    except InsufficientFunds as short:
        await answer(query)
        missing = format_money(short.missing_minor, currency, lang)
        await show(update, context, t(lang, "confirm.insufficient", missing=missing), nav)
        return
    except JobLimitReached as limit:
        await answer(query)
        # Only the per-user cap refuses: beyond the global cap a job waits in the queue.
        await show(update, context, t(lang, "confirm.limit_user", limit=limit.limit), nav)
        return
    except ModelUnavailable:
        await answer(query, t(lang, "confirm.unavailable"), show_alert=True)
        await context.services.drafts.clear(context.user.id)
        await send_menu(update, context, t(lang, "confirm.unavailable"))
        return
    except InputError as error:
        await answer(query)
        await show_confirm(update, context, model, draft, input_error_text(lang, error))
        return
    if job.duplicate:
        await answer(query, t(lang, "confirm.duplicate"))
        return
    await answer(query)
    await context.services.drafts.clear(context.user.id)
    await show(update, context, t(lang, "job.queued", title=escape(model.title)))
