"""The Balance screen: money, free generations, gifted ones, and the movements in words (ru, en)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person, new_invoice
from trt_local.bot.balance_view import what
from trt_local.bot.texts import t
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.services.account import LineKind, MoneyLine
from trt_local.storage import free_grants

ADMIN = 900
ANN = 5101
IVAN = 5102


async def test_balance_lists_the_last_movements_in_words(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None and app.db is not None
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        invoice = await new_invoice(ann, "💳 Top up", "₽100 · 160 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Payment received")
        await boss.send(f"/topup {ANN} 20 cash at the desk")
        await ann.wait("topped up by ₽20")
        await ann.paid_image("a lighthouse at dawn")
        await ann.wait("queued")
        await app.services.billing.adjust(ADMIN, ANN, -100, "rounding <fix>")
        await boss.send("/refund_stars 1")
        await ann.wait("Payment #1 was refunded")
        async with app.db.transaction() as tx:
            await free_grants.grant(
                tx, user_id=ANN, amount=3, kind="promo", ref="test:gift", now=clock()
            )

        ann.user.mark_read()
        await ann.send("/balance")
        screen = await ann.user.next_message()
    lines = screen.content.splitlines()
    assert lines[0] == "💰 Balance: ₽13.89"
    assert lines[1].startswith("🎁 Free generations today: 5 of 5; they renew in ")
    assert lines[1].endswith(" (at midnight, Europe/Moscow).")
    assert lines[2] == "🎟 Gifted generations: 3 — used once today's free ones run out."
    assert lines[4] == "Recent activity"
    words = [line.split(" · ", 2)[1:] for line in lines[5:]]
    assert words == [
        ["−₽100", "Stars payment refunded"],
        ["−₽1", "adjustment by an admin: rounding <fix>"],
        ["−₽5.11", "generation “Seedream 4.5”"],
        ["+₽20", "top-up by an admin: cash at the desk"],
        ["+₽100", "top-up with Telegram Stars"],
    ]
    assert screen.raw["entities"]  # bold amounts: the reason's "<fix>" was escaped, not parsed
    assert {"💳 Top up", "👥 Invite friends", "🎟 Promo code", "📜 History", "🏠 Menu"} <= set(
        screen.button_texts
    )


async def test_balance_in_russian(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ivan = Person(emu.user(IVAN, "Иван", language_code="ru"), clock)
        invoice = await new_invoice(ivan, "💳 Пополнить", "50 ₽ · 80 ⭐")
        assert (await ivan.user.pay(invoice.message_id)).ok
        await ivan.wait("Оплата получена")
        await boss.send(f"/topup {IVAN} 10 наличными")
        await ivan.wait("пополнен на 10 ₽")
        await boss.send("/refund_stars 1")
        await ivan.wait("Платёж №1 возвращён")

        ivan.user.mark_read()
        await ivan.send("/balance")
        screen = await ivan.user.next_message()
    lines = screen.content.splitlines()
    assert lines[0] == "💰 Баланс: 10 ₽"
    assert lines[1].startswith("🎁 Бесплатных генераций сегодня: 5 из 5; обновятся через ")
    assert "Подаренных" not in screen.content  # none were gifted
    assert lines[3] == "Последние операции"
    assert [line.split(" · ", 2)[1:] for line in lines[4:]] == [
        ["−50 ₽", "возврат платежа в Stars"],
        ["+10 ₽", "пополнение от администратора: наличными"],
        ["+50 ₽", "пополнение через Telegram Stars"],
    ]
    assert {"💳 Пополнить", "👥 Пригласить друзей", "🎟 Промокод", "📜 История", "🏠 Меню"} <= set(
        screen.button_texts
    )


async def test_history_pages_through_every_movement(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        assert app.services is not None
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/start")
        await ann.user.next_message()
        for n in range(1, 18):
            await app.services.billing.admin_topup(ADMIN, ANN, n * 100, f"gift {n}")
        await ann.send("/balance")
        await ann.press("📜 History")
        first = await ann.wait("Account history (17)")
        assert "gift 17" in first.content and "gift 3" in first.content
        assert "gift 2" not in first.content and "‹ Newer" not in first.button_texts
        await ann.press("Older ›")
        second = await ann.wait("gift 2")
        assert "gift 1" in second.content and "gift 3" not in second.content
        assert "Older ›" not in second.button_texts and "‹ Newer" in second.button_texts


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_kind_of_movement_has_words_in_both_languages(lang: str) -> None:
    other = "en" if lang == "ru" else "ru"
    for kind in LineKind:
        line = MoneyLine(1, kind, 100, "X", 0.0)
        text = what(line, lang)
        assert "line." not in text and text != what(line, other), kind
    assert t(lang, "balance.free", left=1, per_day=5, renew_in="1", tz="UTC") != t(
        other, "balance.free", left=1, per_day=5, renew_in="1", tz="UTC"
    )
