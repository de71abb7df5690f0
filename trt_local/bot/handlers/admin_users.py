"""Users in the admin panel: find by id or @username, the card, block/unblock, admin rights.

``/user``, ``/block``, ``/unblock`` for admins; ``/admin_add``, ``/admin_remove`` and the card's
admin button for owners. Every handler checks rights itself (``admin_access``); the actions are
``AdminService`` calls, the same the dashboard's Users screen makes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import Update

from trt_local.bot import admin_views, codec
from trt_local.bot.commands import publish_for_admin
from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only, is_owner, owner_only
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.services.admin import AdminRefused

FIND_KIND = "adm_find"  # the typed id or @username after the Users button
RECENT_SHOWN = 8
# Block or admin rights of one user, on or off; returns the sentence that says the outcome.
Toggle = Callable[[Ctx, int, bool], Awaitable[str]]


def parse_user_id(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 20 else None


def callback_args(update: Update) -> tuple[str, ...]:
    data = codec.decode(update.callback_query.data if update.callback_query else None)
    return data.args if data else ()


async def show_card(update: Update, context: Ctx, user_id: int, *, new: bool = False) -> None:
    """The card of ``user_id`` (or why there is none), editing the pressed message if any."""
    services = context.services
    card = await services.admin.user_card(user_id)
    if card is None:
        text = t(context.lang, "adm.unknown_user", id=user_id)
        await show(update, context, text, with_nav([], context.lang, "ausr"), new=new)
        return
    prices = services.settings.prices
    text, markup = admin_views.card(
        context.lang, card, prices.currency, prices.timezone, viewer_is_owner=is_owner(context)
    )
    await show(update, context, text, markup, new=new)


@admin_only
async def users_section(update: Update, context: Ctx) -> None:
    """The Users button: ask for an id or @username; the users seen lately as buttons."""
    assert context.user is not None
    if update.callback_query:
        await answer(update.callback_query)
    await context.services.pending_input.expect(context.user.id, FIND_KIND)
    recent = await context.services.admin.search_users("", limit=RECENT_SHOWN)
    text = t(context.lang, "adm.users.ask")
    if recent:
        text += "\n" + t(context.lang, "adm.users.recent")
    rows = [[admin_views.user_button(user)] for user in recent]
    await show(update, context, text, with_nav(rows, context.lang, "adm"))


@admin_only
async def on_find(update: Update, context: Ctx) -> None:
    """The typed id or @username: its card, or ask again."""
    assert context.user is not None and update.message is not None
    query = (update.message.text or "").strip()
    found = await context.services.admin.find_user(query)
    if found is None:
        await context.services.pending_input.expect(context.user.id, FIND_KIND)
        text = t(context.lang, "adm.users.not_found", query=escape(query[:64]))
        await show(update, context, text, with_nav([], context.lang, "adm"))
        return
    await show_card(update, context, found.id, new=True)


@admin_only
async def user_command(update: Update, context: Ctx) -> None:
    """/user <id|@username>: the card."""
    assert update.message is not None
    args = context.args or []
    if len(args) != 1:
        await update.message.reply_text(t(context.lang, "adm.user.usage"))
        return
    found = await context.services.admin.find_user(args[0])
    if found is None:
        text = t(context.lang, "adm.users.not_found", query=escape(args[0][:64]))
        await update.message.reply_text(text)
        return
    await show_card(update, context, found.id, new=True)


@admin_only
async def card_button(update: Update, context: Ctx) -> None:
    """A user's button: their card."""
    assert update.callback_query is not None
    args = callback_args(update)
    user_id = parse_user_id(args[0]) if args else None
    if user_id is None:
        await answer(update.callback_query, t(context.lang, "fallback.stale"))
        return
    await answer(update.callback_query)
    await show_card(update, context, user_id)


@admin_only
async def block_button(update: Update, context: Ctx) -> None:
    """Block / Unblock on a card."""
    await _card_toggle(update, context, _set_blocked)


@admin_only
async def block_command(update: Update, context: Ctx) -> None:
    """/block <id>."""
    await _block_command(update, context, blocked=True)


@admin_only
async def unblock_command(update: Update, context: Ctx) -> None:
    """/unblock <id>."""
    await _block_command(update, context, blocked=False)


async def _block_command(update: Update, context: Ctx, *, blocked: bool) -> None:
    card = "block" if blocked else "unblock"
    await _id_command(update, context, card, _set_blocked, blocked, with_card=True)


async def _id_command(
    update: Update, context: Ctx, command: str, toggle: Toggle, on: bool, *, with_card: bool
) -> None:
    """``/<command> <id>``: apply ``toggle`` to that user and say the outcome."""
    assert update.message is not None
    args = context.args or []
    user_id = parse_user_id(args[0]) if len(args) == 1 else None
    if user_id is None:
        await update.message.reply_text(t(context.lang, "adm.id_usage", command=command))
        return
    text = await toggle(context, user_id, on)
    markup = (
        with_nav([[button(t(context.lang, "adm.btn.card"), "au", user_id)]], context.lang, "adm")
        if with_card
        else None
    )
    await update.message.reply_text(text, reply_markup=markup)


async def _set_blocked(context: Ctx, user_id: int, blocked: bool) -> str:
    assert context.user is not None
    try:
        await context.services.admin.set_blocked(context.user.id, user_id, blocked)
    except AdminRefused as refused:
        return t(context.lang, f"adm.refused.{refused.refusal.value}")
    except LookupError:
        return t(context.lang, "adm.unknown_user", id=user_id)
    return t(context.lang, "adm.blocked" if blocked else "adm.unblocked", id=user_id)


@owner_only
async def admin_button(update: Update, context: Ctx) -> None:
    """Make admin / Remove admin rights on a card (owners only)."""
    await _card_toggle(update, context, _set_admin)


async def _card_toggle(update: Update, context: Ctx, toggle: Toggle) -> None:
    """A card's on/off button (args: user id, 1 or 0): apply it, say the outcome, redraw."""
    query = update.callback_query
    assert query is not None
    args = callback_args(update)
    user_id = parse_user_id(args[0]) if args else None
    if user_id is None or len(args) != 2 or args[1] not in ("0", "1"):
        await answer(query, t(context.lang, "fallback.stale"))
        return
    text = await toggle(context, user_id, args[1] == "1")
    await answer(query, text, show_alert=True)
    await show_card(update, context, user_id)


@owner_only
async def admin_add(update: Update, context: Ctx) -> None:
    """/admin_add <id> (owners only)."""
    await _admin_command(update, context, admin=True)


@owner_only
async def admin_remove(update: Update, context: Ctx) -> None:
    """/admin_remove <id> (owners only)."""
    await _admin_command(update, context, admin=False)


async def _admin_command(update: Update, context: Ctx, *, admin: bool) -> None:
    command = "admin_add" if admin else "admin_remove"
    await _id_command(update, context, command, _set_admin, admin, with_card=False)


async def _set_admin(context: Ctx, user_id: int, admin: bool) -> str:
    assert context.user is not None
    services = context.services
    try:
        await services.admin.set_admin(context.user.id, user_id, admin)
    except AdminRefused as refused:
        return t(context.lang, f"adm.refused.{refused.refusal.value}")
    except LookupError:
        return t(context.lang, "adm.unknown_user", id=user_id)
    target = await services.users.get(user_id)
    language = target.language if target else "en"
    await publish_for_admin(context.bot, user_id, language=language, admin=admin, owner=False)
    return t(context.lang, "adm.made_admin" if admin else "adm.removed_admin", id=user_id)
