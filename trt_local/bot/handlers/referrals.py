"""Invite friends (/invite and its button), and what /start does for a user new to the bot:
the referral deep link ``ref_<code>`` and the welcome bonus."""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import quote

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest, Forbidden

from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.services.referrals import DEEP_LINK_PREFIX, Commission, code_from_start_payload

log = logging.getLogger(__name__)


def _gift(context: Ctx, lang: str, amount_minor: int, free: int) -> str:
    """ "₽10 and free generations: 5", or "" for nothing."""
    currency = context.services.settings.prices.currency
    parts = []
    if amount_minor:
        parts.append(t(lang, "gift.money", amount=format_money(amount_minor, currency, lang)))
    if free:
        parts.append(t(lang, "gift.free", count=free))
    return t(lang, "gift.and").join(parts)


async def invite(update: Update, context: Ctx) -> None:
    """/invite and the Invite friends button: the personal link, the count and the earnings."""
    assert context.user is not None
    if update.callback_query:
        await answer(update.callback_query)
    lang = context.lang
    stats = await context.services.referrals.stats(context.user.id)
    link = f"https://t.me/{context.bot.username}?start={DEEP_LINK_PREFIX}{stats.code}"
    settings = context.services.settings.money_in
    bonus = _gift(context, lang, settings.referral_bonus_minor, settings.referral_free)
    how = t(lang, "invite.how", gift=bonus) if bonus else t(lang, "invite.how_nothing")
    if settings.referral_commission_pct:
        how += " " + t(lang, "invite.commission", pct=settings.referral_commission_pct)
    earned = _gift(context, lang, stats.earned_minor, stats.earned_free)
    text = "\n\n".join(
        [
            t(lang, "invite.title"),
            t(lang, "invite.link", link=link),
            t(
                lang,
                "invite.stats",
                count=stats.invited,
                earned=earned or t(lang, "invite.nothing"),
            ),
            how,
        ]
    )
    share = "https://t.me/share/url?" + (
        f"url={quote(link, safe='')}&text={quote(t(lang, 'invite.share_text'), safe='')}"
    )
    share_row = [InlineKeyboardButton(t(lang, "invite.share"), url=share)]
    await show(update, context, text, with_nav([share_row], lang, "bal"))


async def greet_new_user(context: Ctx) -> str | None:
    """For /start from a user this very update created: attribute them to the inviter whose link
    they came by (``context.args``) and tell the inviter; say what they received, if anything.

    Anything else — an existing user, a garbage or own code — does nothing, quietly.
    """
    user = context.user
    if user is None or not user.is_new:
        return None
    lang = context.lang
    lines = []
    welcome = await context.services.referrals.welcome_given(user.id)
    if welcome.amount_minor or welcome.free_generations:
        gift = _gift(context, lang, welcome.amount_minor, welcome.free_generations)
        lines.append(t(lang, "welcome.gift", gift=gift))
    code = code_from_start_payload(context.args[0]) if context.args else None
    bonus = await context.services.referrals.attribute(user.id, code) if code else None
    if bonus is not None:
        gift = _gift(context, lang, bonus.amount_minor, bonus.free_generations)
        lines.append(
            t(lang, "referral.joined", gift=gift) if gift else t(lang, "referral.joined_plain")
        )
        await _tell_inviter(context, bonus.referrer_id, bonus.amount_minor, bonus.free_generations)
    return "\n".join(lines) or None


async def _tell_inviter(context: Ctx, inviter_id: int, amount_minor: int, free: int) -> None:
    assert context.user is not None
    inviter = await context.services.users.get(inviter_id)
    lang = inviter.language if inviter else "en"
    name = escape(context.user.first_name) or str(context.user.id)
    gift = _gift(context, lang, amount_minor, free)
    text = (
        t(lang, "referral.told", name=name, gift=gift)
        if gift
        else t(lang, "referral.told_plain", name=name)
    )
    try:
        await context.bot.send_message(inviter_id, text)
    except (Forbidden, BadRequest) as exc:
        # The inviter blocked the bot or deleted the chat: the bonus stands, the news cannot go.
        log.info("could not tell user %s about their invitee: %s", inviter_id, exc)


async def tell_commission(context: Ctx, commission: Commission | None) -> None:
    """Tell an inviter their share of an invited user's top-up (after it was committed)."""
    if commission is None:
        return
    inviter = await context.services.users.get(commission.referrer_id)
    lang = inviter.language if inviter else "en"
    currency = context.services.settings.prices.currency
    text = t(
        lang,
        "referral.commission",
        amount=format_money(commission.amount_minor, currency, lang),
        balance=format_money(commission.balance_minor, currency, lang),
    )
    try:
        await context.bot.send_message(commission.referrer_id, text)
    except (Forbidden, BadRequest) as exc:
        log.info("could not tell user %s about their commission: %s", commission.referrer_id, exc)
