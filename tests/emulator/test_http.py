"""The emulator over HTTP on 127.0.0.1, driven by PTB's default HTTPXRequest and raw httpx."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.emulator.conftest import TOKEN, png, running
from trt_local.emulator import EmulatorServer, TelegramEmulator, faults, serve_forever


@pytest.fixture
async def server(emu: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emu) as started:
        yield started


@pytest.fixture
async def http_bot(server: EmulatorServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


async def test_get_me_and_wrong_token_over_http(server: EmulatorServer, http_bot: Bot) -> None:
    assert (await http_bot.get_me()).username == "trt_demo_bot"
    wrong = Bot("999:WRONG", base_url=server.base_url, base_file_url=server.base_file_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_multipart_upload_and_download_over_http(
    emu: TelegramEmulator, http_bot: Bot
) -> None:
    emu.user(42)
    image = png(33, 21)
    sent = await http_bot.send_photo(42, image, caption="ok")
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.caption) == (33, 21, "ok")
    file = await http_bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == image
    name = 'отчёт "q1".txt'  # non-ASCII and a quote: httpx escapes these in multipart headers
    document = await http_bot.send_document(42, b"\x00\r\n--binary\r\n", filename=name)
    assert document.document is not None and document.document.file_name == name
    stored = await http_bot.get_file(document.document.file_id)
    assert bytes(await stored.download_as_bytearray()) == b"\x00\r\n--binary\r\n"


async def test_query_string_and_json_bodies(emu: TelegramEmulator, server: EmulatorServer) -> None:
    emu.user(42)
    url = f"{server.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient() as client:
        got = await client.get(f"{url}/sendMessage", params={"chat_id": "42", "text": "q"})
        posted = await client.post(
            f"{url}/sendMessage", json={"chat_id": 42, "text": "j", "reply_markup": markup}
        )
        missing = await client.get(f"{server.base_url.removesuffix('/bot')}/nowhere")
        no_file = await client.get(f"{server.base_file_url}{TOKEN}/photos/file_9.jpg")
    assert got.json()["result"]["text"] == "q"
    assert posted.json()["result"]["reply_markup"] == markup
    assert (missing.status_code, no_file.status_code) == (404, 404)
    assert [m.text for m in emu.chat(42)] == ["q", "j"]


async def test_network_fault_drops_the_connection_and_service_goes_on(
    emu: TelegramEmulator, http_bot: Bot
) -> None:
    emu.inject("getMe", faults.network_error())
    with pytest.raises(NetworkError):
        await http_bot.get_me()
    assert (await http_bot.get_me()).id == emu.bot_id


async def test_client_hangup_ends_the_long_poll(emu: TelegramEmulator, http_bot: Bot) -> None:
    poll = asyncio.create_task(http_bot.get_updates(timeout=30))
    await emu.wait_polling()
    poll.cancel()
    await emu.wait_until(lambda: None if emu.is_polling else True, timeout=2)
    assert await http_bot.get_updates(timeout=0) == ()  # no 409: the old poll is gone


async def test_stop_ends_pending_long_polls(
    emu: TelegramEmulator, server: EmulatorServer, http_bot: Bot
) -> None:
    poll = asyncio.create_task(http_bot.get_updates(timeout=30))
    await emu.wait_polling()
    await asyncio.wait_for(server.stop(), timeout=2)
    with pytest.raises(NetworkError):
        await asyncio.wait_for(poll, timeout=2)
    assert not emu.is_polling


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with one button."""
    assert update.message is not None
    button = InlineKeyboardButton("Ping", callback_data="ping")
    await update.message.reply_text("menu", reply_markup=InlineKeyboardMarkup([[button]]))


async def _ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer and edit."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text("pong")


async def test_application_polls_over_http(emu: TelegramEmulator, server: EmulatorServer) -> None:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .job_queue(None)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_ping))
    ann = emu.user(42)
    async with running(app):
        await ann.send("/start")
        assert (await ann.next_message()).text == "menu"
        await ann.press("ping")
        assert (await ann.wait_for(lambda m: m.text == "pong")).edited
    assert emu.unanswered_callbacks() == [] and emu.pending_updates == 0


class _Lines(io.StringIO):
    """Captures printed text and signals the first line."""

    def __init__(self) -> None:
        super().__init__()
        self.ready = asyncio.Event()

    def write(self, text: str) -> int:
        self.ready.set()
        return super().write(text)


async def test_serve_forever_prints_base_urls_and_stops_on_sigterm() -> None:
    out = _Lines()
    task = asyncio.create_task(serve_forever(0, TOKEN, out=out))
    await asyncio.wait_for(out.ready.wait(), timeout=2)
    line = out.getvalue()
    assert TOKEN not in line
    api_base = line.split("TRT_TELEGRAM_API_BASE=")[1].split()[0]
    assert line.split("TRT_TELEGRAM_FILE_BASE=")[1].split()[0] == api_base.replace(
        "/bot", "/file/bot"
    )
    async with httpx.AsyncClient() as client:
        me = await client.post(f"{api_base}{TOKEN}/getMe")
    assert json.loads(me.content)["result"]["username"] == "trt_demo_bot"
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # else the kill ends pytest
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, timeout=2)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_server_refuses_non_loopback_hosts(emu: TelegramEmulator) -> None:
    with pytest.raises(ValueError, match=r"loopback"):
        EmulatorServer(emu, host="0.0.0.0")
