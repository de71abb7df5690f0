"""The user card in Telegram: find by id or @username, adjust a balance with a required reason
(never below zero, the ledger naming the admin and the reason), block and unblock."""

from __future__ import annotations

from pathlib import Path

from telegram import LabeledPrice

from tests.e2e.admin_support import rows
from tests.e2e.harness import JumpClock, job_statuses, running_bot
from tests.e2e.journeys import Person, photos
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

OWNER = 9200
ANN = 5301


def ledger(database: Path, user_id: int) -> list[tuple[object, ...]]:
    return rows(
        database,
        "SELECT kind, amount_minor, actor_id, reason FROM ledger WHERE user_id = ? ORDER BY id",
        (user_id,),
    )


async def adjust(owner: Person, card_id: int) -> None:
    """Press ± Adjust balance on the card and wait for the question in its place."""
    await owner.press("± Adjust balance", card_id)
    await owner.user.wait_for(lambda m: m.message_id == card_id and "Send the change" in m.content)


async def test_find_a_user_and_adjust_the_balance_with_a_reason(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    database = tmp_path / "trt.db"
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock):
        ann = Person(emu.user(ANN, "Ann", username="ann_k"), clock)
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send(f"/topup {ANN} 20 paid by card")
        await owner.wait(f"to user {ANN}")

        # Users → typed @username → the card.
        await owner.send("/admin")
        await owner.press("👥 Users")
        await owner.wait("Send a user id or @username")
        await owner.send("@ANN_K")  # any case
        card = await owner.wait("id 5301")
        assert "Balance: ₽20 · free today: 5 · granted: 0" in card.content
        assert (
            "Invited by: nobody" in card.content and "Generations: 0 · payments: 0" in card.content
        )
        assert "+₽20 topup — paid by card (admin 9200)" in card.content

        # Below zero: refused before any reason is asked; nothing posted.
        await adjust(owner, card.message_id)
        await owner.send("-25")
        await owner.wait("cannot go below zero: it is ₽20")
        await owner.send("twenty")
        await owner.wait("That is not an amount")
        # No reason: a command instead of one abandons the change.
        await owner.send("-5")
        await owner.wait("Now send the reason")
        await owner.send("/admin")
        await owner.wait("Admin panel")
        owner.user.mark_read()
        await owner.send("forgot")  # not a reason any more: just text
        assert "I understand menu buttons" in (await owner.user.next_message()).content
        assert ledger(database, ANN) == [("topup", 2000, OWNER, "paid by card")]

        # With a reason: done, and the ledger names the admin and the reason.
        await owner.send(f"/user {ANN}")
        card = await owner.wait("id 5301")
        await adjust(owner, card.message_id)
        await owner.send("-7.50")
        await owner.wait("Change: -₽7.50")
        await owner.send("duplicate top-up")
        done = await owner.wait("Reason: duplicate top-up")
        assert "Done: -₽7.50 for user 5301. Balance: ₽12.50." in done.content
        await owner.press("« Back", done.message_id)  # back to the card, which shows the row
        card = await owner.wait("-₽7.50 admin_adjust — duplicate top-up (admin 9200)")
        assert "Balance: ₽12.50" in card.content
    assert ledger(database, ANN) == [
        ("topup", 2000, OWNER, "paid by card"),
        ("admin_adjust", -750, OWNER, "duplicate top-up"),
    ]


async def test_the_reason_is_still_awaited_after_a_restart(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    ann = Person(emu.user(ANN, "Ann"), clock)
    owner = Person(emu.user(OWNER, "Boss"), clock)
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock):
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        await owner.send(f"/user {ANN}")
        card = await owner.wait("id 5301")
        await adjust(owner, card.message_id)
        await owner.send("+100")
        await owner.wait("Now send the reason")
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock) as app:
        await owner.send("welcome gift")
        await owner.wait("Done: +₽100 for user 5301. Balance: ₽100.")
        assert app.services is not None
        assert await app.services.billing.balance(ANN) == 10_000
    assert ledger(tmp_path / "trt.db", ANN) == [("admin_adjust", 10_000, OWNER, "welcome gift")]


async def test_a_blocked_user_is_refused_everywhere_until_unblocked(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    database = tmp_path / "trt.db"
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None
        await app.services.promo.create(OWNER, "GIFT", amount_minor=1_000)
        ann = Person(emu.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send(f"/topup {ANN} 20 test money")
        await owner.wait(f"to user {ANN}")

        # A job confirmed before the block finishes and is delivered.
        await ann.paid_image("a lighthouse at dawn")
        await ann.wait("queued")
        # The next confirm waits on screen when the block comes.
        confirm = await ann.paid_image_until_confirm("a harbour at night")
        await owner.send(f"/block {ANN}")
        await owner.wait(f"User {ANN} is blocked.")
        clock.jump(5)
        app.services.engine.wake()
        await photos(ann.user, 1)

        button = next(b for b in confirm.button_texts if b.startswith("✅ Confirm"))
        clock.jump(1)
        query_id = await ann.user.press(button, message_id=confirm.message_id)
        refusal = await emu.wait_callback_answer(query_id)
        assert (refusal.text, refusal.show_alert) == (
            "Your access to this bot is restricted.",
            True,
        )
        for text in ("/start", "/promo GIFT", "/balance"):
            ann.user.mark_read()
            await ann.send(text)
            assert (
                await ann.user.next_message()
            ).content == "Your access to this bot is restricted."
        # A top-up is refused on the payment form, before any Stars are taken.
        assert app.application is not None
        invoice = await app.application.bot.send_invoice(
            ANN, "Top-up", "₽100", "topup:1:test", "XTR", [LabeledPrice("₽100", 50)]
        )
        outcome = await ann.user.pay(invoice.message_id)
        assert not outcome.ok and outcome.error_message == "Your access to this bot is restricted."
        assert job_statuses(database, ANN) == ["delivered"]
        assert await app.services.billing.balance(ANN) == 2000 - 511
        assert [r.uses for r in await app.services.promo.codes()] == [0]

        await owner.send(f"/unblock {ANN}")
        await owner.wait(f"User {ANN} is unblocked.")
        await ann.send("/promo GIFT")
        await ann.wait("Promo code GIFT applied.")
        await ann.open_model("Text to image", "Seedream 4.5")
        await ann.send("a harbour at night")
        await ann.press("1:1")
        await ann.press("basic")
        again = await ann.user.wait_for(
            lambda m: m.message_id != confirm.message_id and button in m.button_texts
        )
        await ann.press(button, again.message_id)
        await ann.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        await photos(ann.user, 2)
    assert job_statuses(database, ANN) == ["delivered", "delivered"]


async def test_the_panel_card_blocks_and_unblocks(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock) as app:
        ann = Person(emu.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send("/admin")
        await owner.press("👥 Users")
        await owner.press(f"Ann ({ANN})")  # seen lately
        await owner.press("🚫 Block")
        card = await owner.wait("🚫 Blocked")
        assert "✅ Unblock" in card.button_texts and "🚫 Block" not in card.button_texts
        assert app.services is not None
        user = await app.services.users.get(ANN)
        assert user is not None and user.blocked
        ann.user.mark_read()
        await ann.send("/start")
        assert (await ann.user.next_message()).content == "Your access to this bot is restricted."
        await owner.press("✅ Unblock", card.message_id)
        await owner.wait("Not blocked")
        await ann.send("/start")
        await ann.wait("Hi, Ann")
