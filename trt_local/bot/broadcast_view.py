"""How broadcasts look in Telegram: the draft card, the audience picker, the progress message,
the final report and the history — texts and keyboards, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.texts import t
from trt_local.core.broadcast import MAX_DAYS, Audience, BroadcastStatus
from trt_local.services.broadcast_port import BroadcastMessage
from trt_local.storage.broadcasts import BroadcastRecord

HISTORY_SIZE = 10


def audience_label(lang: str, audience: Audience) -> str:
    return t(lang, f"bc.audience.{audience.kind.value}", days=audience.days or 0)


def audience_args(audience: Audience) -> tuple[str | int, ...]:
    """The audience as callback data arguments."""
    return (audience.kind.value,) if audience.days is None else (audience.kind.value, audience.days)


def message_markup(message: BroadcastMessage) -> InlineKeyboardMarkup | None:
    """The URL button under a broadcast, if it has one."""
    if message.button is None:
        return None
    text, url = message.button
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, url=url)]])


def draft_card(lang: str, draft: BroadcastRecord, count: int) -> tuple[str, InlineKeyboardMarkup]:
    shown_button = (
        f"{escape(draft.button_text or '')} → {escape(draft.button_url or '')}"
        if draft.button
        else t(lang, "bc.no_button")
    )
    text = t(
        lang,
        "bc.draft",
        id=draft.id,
        button=shown_button,
        audience=audience_label(lang, draft.audience),
        count=count,
    )
    rows = [
        [button(t(lang, "bc.btn.button"), "bcb", draft.id)],
        [button(t(lang, "bc.btn.audience"), "bca", draft.id)],
        [button(t(lang, "bc.btn.text"), "bct", draft.id)],
        [button(t(lang, "bc.btn.send"), "bcgo", draft.id)],
        [
            button(t(lang, "bc.btn.discard"), "bcdel", draft.id),
            button(t(lang, "bc.btn.history"), "bch"),
        ],
    ]
    return text, with_nav(rows, lang, "adm")


def audience_picker(
    lang: str, draft_id: int, sizes: Sequence[tuple[Audience, int]]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            button(
                t(lang, "bc.audience_row", label=audience_label(lang, audience), count=count),
                "bcau",
                draft_id,
                *audience_args(audience),
            )
        ]
        for audience, count in sizes
    ]
    rows.append([button(t(lang, "bc.btn.joined"), "bcj", draft_id)])
    return t(lang, "bc.choose_audience"), with_nav(rows, lang, "bcdr", draft_id)


def confirm_card(lang: str, draft: BroadcastRecord, count: int) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        lang, "bc.confirm", id=draft.id, audience=audience_label(lang, draft.audience), count=count
    )
    rows = [[button(t(lang, "bc.btn.confirm", count=count), "bcok", draft.id)]]
    return text, with_nav(rows, lang, "bcdr", draft.id)


def progress_card(lang: str, record: BroadcastRecord) -> tuple[str, InlineKeyboardMarkup | None]:
    """The progress message: counts, and the buttons the status allows."""
    text = t(
        lang,
        "bc.progress",
        id=record.id,
        status=t(lang, f"bc.status.{record.status.value}"),
        sent=record.sent,
        failed=record.failed,
        blocked=record.blocked,
        left=record.left,
        total=record.total,
    )
    return text, control_markup(lang, record)


def control_markup(lang: str, record: BroadcastRecord) -> InlineKeyboardMarkup | None:
    if record.status is BroadcastStatus.SENDING:
        first = button(t(lang, "bc.btn.pause"), "bcp", record.id)
    elif record.status is BroadcastStatus.PAUSED:
        first = button(t(lang, "bc.btn.resume"), "bcr", record.id)
    else:
        return None
    return InlineKeyboardMarkup([[first, button(t(lang, "bc.btn.cancel"), "bcx", record.id)]])


def report_text(lang: str, record: BroadcastRecord) -> str:
    started = record.started_at or record.created_at
    seconds = int(max(0.0, (record.finished_at or started) - started))
    key = "bc.report.cancelled" if record.status is BroadcastStatus.CANCELLED else "bc.report.done"
    return t(
        lang,
        key,
        id=record.id,
        duration=f"{seconds // 60}:{seconds % 60:02d}",
        sent=record.sent,
        failed=record.failed,
        blocked=record.blocked,
        left=record.left,
        total=record.total,
    )


def history_screen(
    lang: str, records: Sequence[BroadcastRecord], timezone: str
) -> tuple[str, InlineKeyboardMarkup]:
    if not records:
        text = t(lang, "bc.history.empty")
    else:
        zone = ZoneInfo(timezone)
        lines = [t(lang, "bc.history.title")]
        for record in records:
            when = datetime.fromtimestamp(record.started_at or record.created_at, zone)
            lines.append(
                t(
                    lang,
                    "bc.history.row",
                    id=record.id,
                    when=when.strftime("%Y-%m-%d %H:%M"),
                    status=t(lang, f"bc.status.{record.status.value}"),
                    audience=audience_label(lang, record.audience),
                    sent=record.sent,
                    total=record.total,
                )
            )
        text = "\n".join(lines)
    buttons = [button(f"#{record.id}", "bcv", record.id) for record in records]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    rows.append([button(t(lang, "bc.btn.new"), "bc")])
    return text, with_nav(rows, lang, "adm")


def ask_days(lang: str, draft_id: int) -> tuple[str, InlineKeyboardMarkup]:
    return t(lang, "bc.ask_days", max=MAX_DAYS), with_nav([], lang, "bca", draft_id)


def ask_button(lang: str, draft: BroadcastRecord) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(t(lang, "bc.btn.no_button"), "bcnb", draft.id)]] if draft.button else []
    return t(lang, "bc.ask_button"), with_nav(rows, lang, "bcdr", draft.id)


def ask_text(lang: str) -> tuple[str, InlineKeyboardMarkup]:
    history = [[button(t(lang, "bc.btn.history"), "bch")]]
    return t(lang, "bc.ask_text"), with_nav(history, lang, "adm")  # Back: the admin panel
