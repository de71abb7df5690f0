"""Invitations through Telegram: the personal link, a friend who comes by it, the bonus for both,
and the welcome bonus. Links that must do nothing do nothing, quietly."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator

_LINK = re.compile(r"https://t\.me/\S+")


def person(emu: TelegramEmulator, clock: JumpClock, user_id: int, name: str, lang: str) -> Person:
    return Person(emu.user(user_id, name, language_code=lang), clock)


async def invite_payload(someone: Person) -> str:
    """Open /invite and return the start payload of the link it shows (``ref_<code>``)."""
    someone.user.mark_read()
    await someone.send("/invite")
    screen = await someone.user.next_message()
    match = _LINK.search(screen.content)
    assert match is not None, screen.content
    return match.group(0).split("?start=", 1)[1]


def referral_rows(home: Path) -> list[tuple[int, int]]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        return conn.execute("SELECT referred_id, referrer_id FROM referrals").fetchall()


async def test_a_friend_by_the_link_and_the_inviter_both_get_free_generations(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        # No daily quota: a free model is free only with a granted free generation.
        await app.services.settings.update_prices(free_per_day=0)
        ann = person(emu, clock, 6001, "Ann", "en")
        await ann.send("/invite")
        screen = await ann.user.next_message()
        link = _LINK.search(screen.content)
        assert link is not None
        assert link.group(0).startswith(f"https://t.me/{emu.bot_username}?start=ref_")
        assert "Invited: 0\nEarned by inviting: nothing yet" in screen.content
        assert "you both get free generations: 10" in screen.content
        assert {"📤 Share the link", "« Back", "🏠 Menu"} <= set(screen.button_texts)

        bob = person(emu, clock, 6002, "Bob", "en")
        await bob.send(f"/start {link.group(0).split('?start=')[1]}")
        greeting = await bob.user.next_message()
        assert greeting.content.startswith(
            "🎁 You came by an invitation. Credited to you: free generations: 10.\n\nHi, Bob"
        )
        told = await ann.wait("joined by your link")
        assert told.content == "🎉 Bob joined by your link. Credited to you: free generations: 10."

        # Bob's granted free generations make a free model free for him; Cid, invited by
        # nobody, pays.
        await bob.open_model("Text to image", "Z-Image Turbo")
        await bob.send("a fox")
        await bob.press("1:1")
        assert "✅ Confirm · free" in (await bob.wait_button("✅ Confirm")).button_texts
        cid = person(emu, clock, 6003, "Cid", "en")
        await cid.open_model("Text to image", "Z-Image Turbo")
        await cid.send("a fox")
        await cid.press("1:1")
        [confirm] = [b for b in (await cid.wait_button("✅ Confirm")).button_texts if "✅" in b]
        assert confirm != "✅ Confirm · free"

        ann.user.mark_read()
        await ann.send("/invite")
        after = await ann.user.next_message()
        assert "Invited: 1\nEarned by inviting: free generations: 10" in after.content
        ann_view = await app.services.users.get(6001)
        assert ann_view is not None
        quote = await app.services.generation.quote(ann_view, "z-image", {})
        assert quote.bonus_left == 10
    assert referral_rows(tmp_path) == [(6002, 6001)]


async def test_existing_users_own_links_and_garbage_do_nothing(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        ann = person(emu, clock, 6101, "Ann", "en")
        payload = await invite_payload(ann)
        old = person(emu, clock, 6102, "Old", "en")
        await old.send("/start")
        await old.user.next_message()

        cases = [
            (old, payload),  # an existing user
            (ann, payload),  # one's own link
            (person(emu, clock, 6103, "Dan", "en"), "ref_"),
            (person(emu, clock, 6104, "Eve", "en"), "ref_!!!"),
            (person(emu, clock, 6105, "Fay", "en"), "ref_zzzzzzzz"),  # nobody's code
            (person(emu, clock, 6106, "Gus", "en"), "ref_" + "a" * 60),
            (person(emu, clock, 6107, "Hal", "en"), "hello"),
            (person(emu, clock, 6108, "Ida", "en"), payload.upper()),  # codes are exact
        ]
        for who, start_payload in cases:
            who.user.mark_read()
            await who.send(f"/start {start_payload}")
            menu = await who.user.next_message()
            assert menu.content == f"Hi, {who.user.profile.first_name}! What shall we make?"
            assert "🎨 Create" in menu.button_texts

        assert not [m for m in ann.user.messages if "joined" in m.content]
        for user_id in range(6101, 6109):
            assert await app.services.billing.balance(user_id) == 0
            view = await app.services.users.get(user_id)
            assert view is not None
            assert (await app.services.generation.quote(view, "z-image", {})).bonus_left == 0
    assert referral_rows(tmp_path) == []


async def test_welcome_bonus_when_set_and_a_money_referral_bonus(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        ann = person(emu, clock, 6201, "Ann", "en")
        payload = await invite_payload(ann)  # Ann came before the welcome bonus: none for her
        await app.services.settings.update_money_in(
            welcome_bonus_minor=5_000, welcome_free=2, referral_free=0, referral_bonus_minor=2_500
        )

        jay = person(emu, clock, 6202, "Jay", "en")
        await jay.send("/start")
        greeting = await jay.user.next_message()
        assert greeting.content.startswith(
            "🎁 A welcome gift: ₽50 and free generations: 2.\n\nHi, Jay"
        )
        jay.user.mark_read()
        await jay.send("/start")  # only once
        assert (await jay.user.next_message()).content.startswith("Hi, Jay")

        kim = person(emu, clock, 6203, "Kim", "en")
        await kim.send(f"/start {payload}")
        both = await kim.user.next_message()
        assert both.content.startswith(
            "🎁 A welcome gift: ₽50 and free generations: 2.\n"
            "🎁 You came by an invitation. Credited to you: ₽25.\n\nHi, Kim"
        )
        told = await ann.wait("joined by your link")
        assert told.content == "🎉 Kim joined by your link. Credited to you: ₽25."
        await ann.send("/invite")
        await ann.wait("Earned by inviting: ₽25")

        billing = app.services.billing
        assert [await billing.balance(u) for u in (6201, 6202, 6203)] == [2_500, 5_000, 7_500]
        assert [(row.kind, row.ref) for row in await billing.ledger(6203)] == [
            ("referral", "ref:6203:in"),
            ("bonus", "welcome:6203"),
        ]


async def test_russian_texts_each_in_their_own_language(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        await app.services.settings.update_money_in(referral_commission_pct=5)
        ivan = person(emu, clock, 6301, "Иван", "ru")
        ivan.user.mark_read()
        await ivan.send("/invite")
        screen = await ivan.user.next_message()
        assert "Пригласите друзей" in screen.content
        assert "Приглашено: 0\nПолучено за приглашения: пока ничего" in screen.content
        assert "вы оба получаете бесплатных генераций: 10" in screen.content
        assert "5% от каждого пополнения друга" in screen.content
        assert "📤 Поделиться ссылкой" in screen.button_texts
        match = _LINK.search(screen.content)
        assert match is not None

        kate = person(emu, clock, 6302, "Kate", "en")
        await kate.send(f"/start {match.group(0).split('?start=')[1]}")
        greeting = await kate.user.next_message()
        assert "You came by an invitation" in greeting.content  # Kate reads English
        told = await ivan.wait("по вашей ссылке")
        assert told.content == (
            "🎉 Kate пришёл(-ла) по вашей ссылке. Вам начислено: бесплатных генераций: 10."
        )
        olga = person(emu, clock, 6303, "Ольга", "ru")
        await olga.send(f"/start {match.group(0).split('?start=')[1]}")
        assert (await olga.user.next_message()).content.startswith(
            "🎁 Вы пришли по приглашению. Вам начислено: бесплатных генераций: 10.\n\nПривет, Ольга"
        )
        assert (await app.services.referrals.stats(6301)).invited == 2
