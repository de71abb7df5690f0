"""Export in the admin panel: users, payments or the ledger as a CSV document.

The CSV is streamed into a temporary file page by page (``services.exports``), so only the file
itself is ever read whole (by the upload). A file over Telegram's 50 MB upload limit goes out as
a zip, which CSV shrinks several times over; beyond that the admin is told to use ``trt backup``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import zipfile
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatAction

from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.handlers.admin_users import callback_args
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.services.exports import KINDS
from trt_local.services.ports import MAX_UPLOAD_BYTES


@admin_only
async def export_section(update: Update, context: Ctx) -> None:
    """The Export button: what to export."""
    if update.callback_query:
        await answer(update.callback_query)
    lang = context.lang
    rows = [[button(t(lang, f"adm.export.{kind}"), "ax", kind)] for kind in KINDS]
    await show(update, context, t(lang, "adm.export.title"), with_nav(rows, lang, "adm"))


@admin_only
async def export_button(update: Update, context: Ctx) -> None:
    """One export's button: send its CSV."""
    query = update.callback_query
    assert query is not None
    args = callback_args(update)
    if not args or args[0] not in KINDS:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    await send_export(update, context, args[0])


@admin_only
async def export_command(update: Update, context: Ctx) -> None:
    """/export users|payments|ledger."""
    assert update.message is not None
    args = context.args or []
    if len(args) != 1 or args[0].lower() not in KINDS:
        await update.message.reply_text(t(context.lang, "adm.export.usage"))
        return
    await send_export(update, context, args[0].lower())


async def send_export(update: Update, context: Ctx, kind: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    services, lang = context.services, context.lang
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    zone = ZoneInfo(services.settings.prices.timezone)
    name = f"{kind}-{datetime.fromtimestamp(services.clock(), zone):%Y-%m-%d}.csv"
    with tempfile.TemporaryFile() as out:
        count = await services.exports.write(kind, out)
        caption = t(lang, "adm.export.caption", what=t(lang, f"adm.export.{kind}"), count=count)
        if out.tell() <= MAX_UPLOAD_BYTES:
            out.seek(0)
            await context.bot.send_document(chat.id, out, filename=name, caption=caption)
            return
        with await asyncio.to_thread(_zipped, out, name) as packed:
            if packed.tell() > MAX_UPLOAD_BYTES:
                await context.bot.send_message(chat.id, t(lang, "adm.export.too_big"))
                return
            packed.seek(0)
            await context.bot.send_document(
                chat.id, packed, filename=name.removesuffix(".csv") + ".zip", caption=caption
            )


def _zipped(source: IO[bytes], name: str) -> IO[bytes]:
    """``source`` deflated into a new temporary zip file (left at its end)."""
    packed = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    source.seek(0)
    with (
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as entry,
    ):
        shutil.copyfileobj(source, entry)
    packed.seek(0, 2)
    return packed
