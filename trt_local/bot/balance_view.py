"""The Balance screen's words: the account overview and money movements as lines of text."""

from __future__ import annotations

import math
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.services.account import AccountOverview, LineKind, MoneyLine

# Kinds whose detail (a reason, a title, a code) is worth showing after the words.
_DETAILED = frozenset({LineKind.TOPUP_ADMIN, LineKind.PROMO, LineKind.ADJUST})
_TITLED = frozenset({LineKind.CHARGE, LineKind.REFUND})
MAX_DETAIL = 80


def signed(amount_minor: int, currency: str, lang: str) -> str:
    text = format_money(amount_minor, currency, lang)
    return f"+{text}" if amount_minor > 0 else text.replace("-", "−", 1)


def what(line: MoneyLine, lang: str) -> str:
    """What a movement was, in words; reasons and titles are the user's or an admin's: escaped."""
    detail = escape(line.detail[:MAX_DETAIL].strip())
    key = f"line.{line.kind.value}"
    if line.kind in _TITLED:
        return t(lang, key, detail=detail or "—")
    words = t(lang, key)
    if line.kind in _DETAILED and detail:
        return t(lang, "line.with_detail", what=words, detail=detail)
    return words


def line_text(line: MoneyLine, lang: str, currency: str, zone: str) -> str:
    when = datetime.fromtimestamp(line.created_at, ZoneInfo(zone)).strftime("%d.%m %H:%M")
    amount = signed(line.amount_minor, currency, lang)
    return t(lang, "balance.line", when=when, amount=amount, what=what(line, lang))


def duration(seconds: float, lang: str) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return t(lang, "duration.hm", h=hours, m=minutes) if hours else t(lang, "duration.m", m=minutes)


def overview_text(
    account: AccountOverview, lang: str, *, currency: str, zone: str, now: float
) -> str:
    parts = [t(lang, "balance.head", balance=format_money(account.balance_minor, currency, lang))]
    if account.free_per_day > 0:
        parts.append(
            t(
                lang,
                "balance.free",
                left=account.free_left,
                per_day=account.free_per_day,
                renew_in=duration(account.free_renews_at - now, lang),
                tz=zone,
            )
        )
    if account.bonus_free > 0:
        parts.append(t(lang, "balance.bonus", count=account.bonus_free))
    lines = [line_text(line, lang, currency, zone) for line in account.recent]
    recent = "\n".join([t(lang, "balance.recent"), *lines]) if lines else t(lang, "balance.none")
    return "\n".join(parts) + "\n\n" + recent
