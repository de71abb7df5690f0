"""The admin panel's screens as text and buttons: stats, user card, errors, Kie credits.

Pure rendering from service records; the handlers fetch, check rights and show. Callback data of
the panel (all checked again by the handler that receives it):

``adm`` panel · ``ast`` stats · ``ausr`` find a user · ``au|<id>`` card · ``aadj|<id>`` adjust ·
``ablk|<id>|<1|0>`` block/unblock · ``aadm|<id>|<1|0>`` admin rights · ``aerr`` errors ·
``ae|<error id>`` one error · ``akie`` Kie credits · ``athr`` threshold · ``aexp`` export menu ·
``ax|<kind>`` one export. ``bc`` opens broadcasts (their own handlers).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.services.admin import DASHBOARD_ACTOR, UserCard, UserSummary
from trt_local.services.stats import Overview
from trt_local.storage.errors import ErrorRecord
from trt_local.storage.ledger import LedgerEntry

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text, in UTF-16 code units
ERROR_SUMMARY_CHARS = 80


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); HTML tags make this an upper bound."""
    return len(text.encode("utf-16-le")) // 2


def when(timestamp: float, timezone: str) -> str:
    return datetime.fromtimestamp(timestamp, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def credits_text(credits: Decimal) -> str:
    return f"{credits.normalize():f}"


def panel(lang: str, *, owner: bool) -> tuple[str, InlineKeyboardMarkup]:
    text = t(lang, "adm.title") + "\n" + t(lang, "adm.role_owner" if owner else "adm.role_admin")
    rows = [
        [button(t(lang, "adm.btn.stats"), "ast"), button(t(lang, "adm.btn.users"), "ausr")],
        [button(t(lang, "adm.btn.errors"), "aerr"), button(t(lang, "adm.btn.kie"), "akie")],
        [button(t(lang, "adm.btn.export"), "aexp"), button(t(lang, "adm.btn.broadcasts"), "bc")],
    ]
    return text, with_nav(rows, lang)


def stats(
    lang: str, overview: Overview, credits: Decimal | None, value_minor: int, problem: str
) -> str:
    cur = overview.currency

    def money(minor: int) -> str:
        return format_money(minor, cur, lang)

    users, jobs, queue = overview.users, overview.jobs, overview.queue
    lines = [
        t(lang, "adm.stats.title"),
        t(
            lang,
            "adm.stats.users",
            total=users.total,
            today=users.new.today,
            week=users.new.week,
            month=users.new.month,
            active=users.active_today,
        ),
        t(
            lang,
            "adm.stats.jobs",
            today=jobs.today,
            week=jobs.week,
            week_failed=_share(jobs.week_failed, jobs.week),
            total=jobs.total,
            total_failed=_share(jobs.total_failed, jobs.total),
        ),
    ]
    if jobs.top_models:
        models = ", ".join(f"{escape(model)} ({runs})" for model, runs in jobs.top_models)
        lines.append(t(lang, "adm.stats.top", models=models))
    else:
        lines.append(t(lang, "adm.stats.top_none"))
    if overview.topups:
        lines.append(t(lang, "adm.stats.topups"))
        for method, (sums, total) in sorted(overview.topups.items()):
            amounts = " / ".join(money(v) for v in (sums.today, sums.week, sums.month, total))
            lines.append(f"  {t(lang, f'adm.stats.method.{method}')}: {amounts}")
    else:
        lines.append(t(lang, "adm.stats.topups_none"))
    if overview.refunds:
        lines.append(t(lang, "adm.stats.refunds"))
        for kind, sums in sorted(overview.refunds.items()):
            amounts = " / ".join(money(v) for v in (sums.today, sums.week, sums.month))
            lines.append(f"  {t(lang, f'adm.stats.refund.{kind}')}: {amounts}")
    lines.append(
        t(
            lang,
            "adm.stats.queue",
            queued=queue.queued,
            running=queue.running,
            delivering=queue.delivering,
        )
    )
    if credits is None:
        lines.append(t(lang, "adm.stats.credits_unknown", problem=escape(problem)))
    else:
        lines.append(
            t(lang, "adm.stats.credits", credits=credits_text(credits), value=money(value_minor))
        )
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    if not whole:
        return "0"
    return f"{part} ({100 * part / whole:.1f}%)"


def user_button(user: UserSummary) -> InlineKeyboardButton:
    label = user.name or (f"@{user.username}" if user.username else str(user.id))
    return button(f"{label} ({user.id})", "au", user.id)


def card(
    lang: str, card: UserCard, currency: str, timezone: str, *, viewer_is_owner: bool
) -> tuple[str, InlineKeyboardMarkup]:
    user, facts = card.user, card.facts
    handle = f" @{escape(user.username)}" if user.username else ""
    lines = [
        t(lang, "adm.card.title", name=escape(user.name or "–"), handle=handle, id=user.id),
        t(
            lang,
            "adm.card.balance",
            balance=format_money(user.balance_minor, currency, lang),
            free_left=user.free_left,
            bonus=facts.bonus_free,
        ),
        t(lang, "adm.card.referrer", referrer=facts.referrer_id)
        if facts.referrer_id is not None
        else t(lang, "adm.card.no_referrer"),
        t(lang, "adm.card.counts", jobs=facts.jobs, payments=facts.payments),
        t(lang, "adm.card.blocked" if user.blocked else "adm.card.active"),
    ]
    if user.is_admin:
        lines.append(t(lang, "adm.card.owner" if user.admin_from_config else "adm.card.admin"))
    lines.append(t(lang, "adm.card.ledger") if card.ledger else t(lang, "adm.card.ledger_none"))
    lines += [ledger_row(lang, entry, currency, timezone) for entry in card.ledger]
    rows = [[button(t(lang, "adm.btn.adjust"), "aadj", user.id)]]
    if user.blocked:
        rows.append([button(t(lang, "adm.btn.unblock"), "ablk", user.id, 0)])
    elif not user.is_admin:
        rows.append([button(t(lang, "adm.btn.block"), "ablk", user.id, 1)])
    if viewer_is_owner and not user.admin_from_config:
        if user.is_admin:
            rows.append([button(t(lang, "adm.btn.remove_admin"), "aadm", user.id, 0)])
        else:
            rows.append([button(t(lang, "adm.btn.make_admin"), "aadm", user.id, 1)])
    return fit("\n".join(lines)), with_nav(rows, lang, "ausr")


def ledger_row(lang: str, entry: LedgerEntry, currency: str, timezone: str) -> str:
    sign = "+" if entry.amount_minor > 0 else ""
    if entry.actor_id is None:
        actor = t(lang, "adm.actor.bot")
    elif entry.actor_id == DASHBOARD_ACTOR:
        actor = t(lang, "adm.actor.dashboard")
    else:
        actor = t(lang, "adm.actor.admin", id=entry.actor_id)
    return t(
        lang,
        "adm.card.ledger_row",
        when=when(entry.created_at, timezone),
        amount=sign + format_money(entry.amount_minor, currency, lang),
        kind=entry.kind,
        reason=escape(entry.reason[:60] or "–"),
        actor=actor,
    )


def errors(
    lang: str, records: list[ErrorRecord], timezone: str
) -> tuple[str, InlineKeyboardMarkup]:
    if not records:
        return t(lang, "adm.errors.none"), with_nav([], lang, "adm")
    lines = [t(lang, "adm.errors.title")]
    for record in records:
        summary = record.summary
        if len(summary) > ERROR_SUMMARY_CHARS:
            summary = summary[: ERROR_SUMMARY_CHARS - 1] + "…"
        lines.append(
            t(
                lang,
                "adm.errors.row",
                error_id=escape(record.error_id),
                when=when(record.at, timezone),
                place=escape(record.place),
                user=_user_part(lang, record),
                summary=escape(summary),
            )
        )
    buttons = [button(record.error_id, "ae", record.error_id) for record in records]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    return fit("\n".join(lines)), with_nav(rows, lang, "adm")


def error_detail(lang: str, record: ErrorRecord, timezone: str) -> str:
    head = t(
        lang,
        "adm.error.detail",
        error_id=escape(record.error_id),
        when=when(record.at, timezone),
        place=escape(record.place),
        user=_user_part(lang, record),
        summary=escape(record.summary),
    )
    # The traceback's end (the failing frame) matters most: keep it when cutting to the limit.
    room = MESSAGE_LIMIT - units(head) - units("\n<pre></pre>")
    raw = record.traceback.strip()
    body = escape(raw)
    keep = len(raw)
    while units(body) > room and keep > 0:  # cut before escaping: no entity (&amp;) cut in half
        keep -= units(body) - room
        body = "…" + escape(raw[len(raw) - max(0, keep) :])
    if units(body) > room:
        body = ""
    return f"{head}\n<pre>{body}</pre>" if body else head


def _user_part(lang: str, record: ErrorRecord) -> str:
    return "" if record.user_id is None else t(lang, "adm.errors.user", id=record.user_id)


def fit(text: str) -> str:
    """Cut a long screen at a line break below Telegram's limit."""
    if units(text) <= MESSAGE_LIMIT:
        return text
    lines = text.split("\n")
    while lines and units("\n".join(lines)) > MESSAGE_LIMIT - 2:
        lines.pop()
    return "\n".join(lines) + "\n…"
