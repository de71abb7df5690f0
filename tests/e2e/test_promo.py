"""Promo codes through Telegram: admins create, list and switch off; users redeem by command or
by the Promo code button, once each, and every refusal says why."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.bot import codec, texts_promo
from trt_local.emulator import TelegramEmulator

ADMIN = 9001


def person(emu: TelegramEmulator, clock: JumpClock, user_id: int, name: str, lang: str) -> Person:
    return Person(emu.user(user_id, name, language_code=lang), clock)


async def test_admin_creates_codes_and_users_redeem_them_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        boss = person(emu, clock, ADMIN, "Boss", "en")
        await boss.send("/promo_new Spring 100 10")
        created = await boss.wait("created")
        assert "SPRING" in created.content and "₽100" in created.content
        assert "at most 10 uses" in created.content and "no end date" in created.content
        await boss.send("/promo_new GIFT free:3 2030-12-31")
        await boss.wait("GIFT created")

        ann = person(emu, clock, 5001, "Ann", "en")
        await ann.send("/promo spring")  # any case
        done = await ann.wait("applied")
        assert "Promo code SPRING applied." in done.content
        assert "₽100 credited. Balance: ₽100." in done.content
        assert "🎨 Create" in done.button_texts  # the menu comes with the answer
        await ann.send("/promo GIFT")
        gift = await ann.wait("GIFT applied")
        assert "Free generations: +3. You now have: 3." in gift.content
        await ann.send("/promo SPRING")
        again = await ann.wait("already used")
        assert "🎨 Create" in again.button_texts

        await boss.send("/promo_list")
        listing = await boss.wait("Promo codes")
        assert "SPRING — ₽100; used 1/10; no end date; on" in listing.content
        assert "GIFT — free generations: 3; used 1; valid through 2030-12-31; on" in (
            listing.content
        )
        await boss.send("/promo_off spring")
        await boss.wait("SPRING is switched off")
        await boss.send("/promo_new spring 5")
        await boss.wait("SPRING already exists")
        await boss.send("/promo_new X 5")
        await boss.wait("3 to 32 characters")
        await boss.send("/promo_new ONLYCODE")
        await boss.wait("Usage: /promo_new")

        user = await app.services.users.get(5001)
        assert user is not None and user.balance_minor == 10_000
        quote = await app.services.generation.quote(user, "z-image", {})
        assert quote.bonus_left == 3  # the free:3 code, as every price quote now counts it


async def test_every_refusal_is_said_then_the_menu(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        promo = app.services.promo
        today = datetime.fromtimestamp(clock(), ZoneInfo("Europe/Moscow")).date()
        await promo.create(ADMIN, "ONCE", amount_minor=5_000, max_uses=1)
        await promo.create(ADMIN, "GONE", amount_minor=5_000)
        await promo.create(ADMIN, "TODAY", amount_minor=5_000, expires=today)
        await promo.switch_off(ADMIN, "GONE")
        bob = person(emu, clock, 5002, "Bob", "en")
        cid = person(emu, clock, 5003, "Cid", "en")
        await bob.send("/promo ONCE")
        await bob.wait("applied")

        for who, code, reason in [
            (cid, "NOPE", "There is no such promo code."),
            (cid, "!!!", "There is no such promo code."),
            (cid, "gone", "This promo code has been switched off."),
            (cid, "ONCE", "This promo code has run out: all its uses are taken."),
            (bob, "ONCE", "You have already used this promo code."),
        ]:
            who.user.mark_read()
            await who.send(f"/promo {code}")
            answer = await who.user.next_message()
            assert answer.content == reason
            assert "🎨 Create" in answer.button_texts

        clock.jump(2 * 86_400)  # the day TODAY was valid through is over
        cid.user.mark_read()
        await cid.send("/promo today")
        expired = await cid.user.next_message()
        assert expired.content == "This promo code has expired."

        await app.services.admin.set_blocked(ADMIN, 5003, True)
        await promo.create(ADMIN, "FRESH", amount_minor=5_000)
        cid.user.mark_read()
        await cid.send("/promo FRESH")
        assert "restricted" in (await cid.user.next_message()).content

        assert await app.services.billing.balance(5002) == 5_000
        assert await app.services.billing.balance(5003) == 0
        uses = {record.code: record.uses for record in await promo.codes()}
        assert uses == {"ONCE": 1, "GONE": 0, "TODAY": 0, "FRESH": 0}


async def test_the_promo_button_waits_for_the_code_across_a_restart(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    dee = person(emu, clock, 5004, "Dee", "en")
    async with running_bot(emu, tmp_path, clock=clock) as app:
        await app.services.promo.create(ADMIN, "GIFT", free_generations=2)
        await dee.send("/start")
        menu = await dee.user.next_message()
        # The Balance screen's "Promo code" button (callback action "promo").
        clock.jump(1)
        await dee.user.press_data(codec.encode("promo"), message_id=menu.message_id)
        await dee.wait("Send the promo code")
    async with running_bot(emu, tmp_path, clock=clock) as app:  # restarted in between
        dee.user.mark_read()
        await dee.send("gift")
        done = await dee.user.next_message()
        assert "Promo code GIFT applied." in done.content
        assert "Free generations: +2. You now have: 2." in done.content
        # One question, one answer: the next text is just text again.
        await dee.send("gift")
        assert "I understand menu buttons" in (await dee.user.next_message()).content


async def test_moving_on_forgets_the_question(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        await app.services.promo.create(ADMIN, "GIFT", amount_minor=1_000)
        eve = person(emu, clock, 5005, "Eve", "en")
        await eve.send("/start")
        menu = await eve.user.next_message()
        clock.jump(1)
        await eve.user.press_data(codec.encode("promo"), message_id=menu.message_id)
        asked = await eve.wait("Send the promo code")
        await eve.press("« Back", asked.message_id)  # back to the balance screen
        await eve.wait("💰 Balance:")
        eve.user.mark_read()
        await eve.send("GIFT")
        assert "I understand menu buttons" in (await eve.user.next_message()).content
        await eve.send("/promo")  # the command asks too; another command forgets it
        await eve.wait("Send the promo code")
        await eve.send("/cancel")
        await eve.wait("Cancelled.")
        eve.user.mark_read()
        await eve.send("GIFT")
        assert "I understand menu buttons" in (await eve.user.next_message()).content
        assert await app.services.billing.balance(5005) == 0


async def test_only_admins_manage_codes(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        await app.services.promo.create(ADMIN, "KEEP", amount_minor=1_000)
        mallory = person(emu, clock, 5006, "Mallory", "en")
        for command in ("/promo_new FREE 1000000", "/promo_list", "/promo_off KEEP"):
            mallory.user.mark_read()
            await mallory.send(command)
            answer = await mallory.user.next_message()
            assert answer.content.startswith("I don't know that command")
            assert "KEEP" not in answer.content
        [record] = await app.services.promo.codes()
        assert (record.code, record.active) == ("KEEP", True)


async def test_russian_texts(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        await app.services.promo.create(ADMIN, "PRIVET", amount_minor=15_050)
        await app.services.promo.create(ADMIN, "FREE", free_generations=4)
        ivan = person(emu, clock, 5007, "Иван", "ru")
        await ivan.send("/promo privet")
        done = await ivan.wait("применён")
        assert "Промокод PRIVET применён." in done.content
        assert "Начислено 150,50 ₽. Баланс: 150,50 ₽." in done.content
        await ivan.send("/promo FREE")
        free = await ivan.wait("FREE применён")
        assert "Бесплатных генераций: +4. Всего на счёте: 4." in free.content
        await ivan.send("/promo privet")
        await ivan.wait("Вы уже использовали этот промокод.")
        await ivan.send("/promo")
        await ivan.wait("Отправьте промокод сообщением.")
        boss = person(emu, clock, ADMIN, "Босс", "ru")
        await boss.send("/promo_list")
        listing = await boss.wait("Промокоды")
        assert "PRIVET — 150,50 ₽; использован 1; бессрочный; включён" in listing.content


def test_every_promo_and_referral_text_exists_in_ru_and_en_with_the_same_fields() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(template) if name}

    assert texts_promo.RU.keys() == texts_promo.EN.keys()
    for key, russian in texts_promo.RU.items():
        assert fields(russian) == fields(texts_promo.EN[key]), key
