"""The Payments screen (F8): approve or reject a pending transfer, refund a Stars payment; and
the Dashboard's money line split by how the money came in.

The bot runs against the emulator with payment details configured, so a transfer is made the way
a user makes it (details, then a screenshot) and the user's messages are read from their chat.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person, new_invoice
from tests.e2e.test_generation import png
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from trt_local.app import TrtApp
from trt_local.bot import codec
from trt_local.demo import DEMO_TOKEN, DEMO_USER_ID, DEMO_USER_NAME, DemoWorld, demo_settings
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import EmulatorRequest
from trt_local.kie import KieSandbox
from trt_local.services.admin import DASHBOARD_ACTOR
from tui.app import Dashboard
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.payments import PaymentsScreen
from tui.screens.reason import ReasonScreen

DETAILS = "Card 2200 1234 5678 9010, A. Petrova"
ANN = 4001


@pytest.fixture
def world(tmp_path: Path, clock: JumpClock, sandbox: KieSandbox) -> DemoWorld:
    """The demo world (as ``build_demo`` makes it) with manual transfers switched on."""
    settings = dataclasses.replace(demo_settings(tmp_path), payment_details=DETAILS)
    settings.paths.ensure()
    emulator = TelegramEmulator(
        DEMO_TOKEN, bot_username="trt_demo_bot", file_folder=tmp_path / "emulator-files"
    )
    app = TrtApp(
        settings,
        requests=(EmulatorRequest(emulator), EmulatorRequest(emulator)),
        kie_sandbox=sandbox,
        clock=clock,
    )
    demo_user = emulator.user(DEMO_USER_ID, DEMO_USER_NAME, language_code="en")
    return DemoWorld(emulator, app, demo_user, tmp_path / "results")


def ledger(home: Path, user_id: int) -> list[tuple[str, int, str]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute(
            "SELECT kind, amount_minor, ref FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


async def send_transfer(ann: Person, amount_minor: int) -> None:
    """Ann asks to pay by transfer and sends her screenshot: a pending transfer."""
    ann.user.mark_read()
    await ann.send("/start")
    menu = await ann.user.next_message()
    ann.clock.jump(1)
    await ann.user.press_data(codec.encode("xfer", amount_minor), menu.message_id)
    await ann.wait("Card 2200")
    await ann.user.send_photo(png(), caption="paid from Sber")
    await ann.wait("under review")


async def open_payments(pilot: Pilot[int], app: Dashboard) -> PaymentsScreen:
    await pilot.press("f8")
    screen = app.screen
    assert isinstance(screen, PaymentsScreen)
    return screen


def outcome(screen: PaymentsScreen) -> str:
    return text_of(screen.query_one("#outcome", Static))


async def test_approving_a_transfer_credits_once_and_tells_the_user(
    world: DemoWorld, clock: JumpClock, tmp_path: Path
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann", language_code="en"), clock)
        await send_transfer(ann, 15_000)
        screen = await open_payments(pilot, app)
        await loaded(screen, lambda: len(screen.transfers) == 1)
        table = screen.query_one("#transfers", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][1:3] == [str(ANN), "₽150"]
        assert "paid from Sber" in str(table.get_row_at(0)[4])
        proof = text_of(screen.query_one("#proof", Static))
        assert "Transfer #1: proof photo file id" in proof

        # The proof photo, fetched through the bot into the data folder: the very bytes Ann sent.
        await pilot.press("d")
        await settle(pilot, lambda: "saved to" in outcome(screen))
        [saved] = (tmp_path / "proofs").glob("transfer-1.*")  # Telegram's suffix for the file
        assert outcome(screen) == f"Proof of transfer #1 saved to {saved}"
        assert saved.read_bytes() == png()

        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        told = await ann.wait("Your transfer of ₽150 is confirmed (request #1)")
        assert "Balance: ₽150" in told.content
        await loaded(screen, lambda: screen.transfers == [])
        assert "Transfer #1 approved" in outcome(screen)

        # Approving again (another admin in Telegram, a stale dashboard) changes nothing, and
        # another pass of the transfer desk owes Ann no second message.
        services = world.app.services
        assert services is not None
        again = await services.transfers.approve(DASHBOARD_ACTOR, 1)
        assert not again.applied and again.transfer.status == "approved"
        await services.transfer_watch.run_once()
    assert ledger(tmp_path, ANN) == [("topup", 15_000, "transfer:1")]
    assert len([m for m in ann.user.messages if "is confirmed" in m.content]) == 1


async def test_rejecting_a_transfer_asks_a_reason_and_the_user_is_told_it(
    world: DemoWorld, clock: JumpClock, tmp_path: Path
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann", language_code="en"), clock)
        await send_transfer(ann, 15_000)
        screen = await open_payments(pilot, app)
        await loaded(screen, lambda: len(screen.transfers) == 1)

        await pilot.press("r")
        modal = app.screen
        assert isinstance(modal, ReasonScreen)
        await pilot.press("enter")  # no reason: nothing happens
        assert app.screen is modal
        await paste(pilot, "no such payment on the card", into=modal.query_one(Input))
        await pilot.press("enter")
        told = await ann.wait("Your transfer of ₽150 was rejected (request #1)")
        assert "Reason: no such payment on the card" in told.content
        await loaded(screen, lambda: screen.transfers == [])
        assert "Transfer #1 rejected" in outcome(screen)
    assert ledger(tmp_path, ANN) == []


async def test_a_stars_refund_the_balance_no_longer_covers_is_refused_in_one_line(
    world: DemoWorld, clock: JumpClock, tmp_path: Path
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann", language_code="en"), clock)
        invoice = await new_invoice(ann, "💳 Top up", "₽100 · 160 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Payment received")
        services = world.app.services
        assert services is not None
        await services.billing.adjust(DASHBOARD_ACTOR, ANN, -6_000, "spent elsewhere")

        screen = await open_payments(pilot, app)
        await loaded(screen, lambda: len(screen.stars) == 1)
        await pilot.press("f")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, lambda: "Refused" in outcome(screen))
        assert outcome(screen) == (
            "Refused: the balance (₽40) no longer covers the refund of ₽100."
        )
        assert world.emulator.calls_to("refundStarPayment") == []

        # Topped up again, the refund goes through: Telegram refunds, the ledger takes it back.
        await services.billing.adjust(DASHBOARD_ACTOR, ANN, 6_000, "back")
        await pilot.press("f")
        await pilot.press("y")
        await settle(pilot, lambda: "refunded" in outcome(screen))
        assert outcome(screen) == "Payment #1 refunded: ₽100 taken back, balance ₽0."
        await loaded(screen, lambda: screen.stars[0].status == "refunded")
    assert [kind for kind, _, _ in ledger(tmp_path, ANN)][-1] == "payment_refund"
    assert len(world.emulator.calls_to("refundStarPayment")) == 1


async def test_the_money_line_splits_todays_top_ups_by_method(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, _pilot):
        ann = Person(world.emulator.user(ANN, "Ann", language_code="en"), clock)
        invoice = await new_invoice(ann, "💳 Top up", "₽100 · 160 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Payment received")
        await send_transfer(ann, 15_000)
        services = world.app.services
        assert services is not None
        await services.transfers.approve(DASHBOARD_ACTOR, 2)
        await services.billing.admin_topup(DASHBOARD_ACTOR, ANN, 5_000, "cash")

        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        today, topups = screen.query_one("#today", Static), screen.query_one("#topups", Static)
        await loaded(screen, lambda: "top-ups ₽300" in text_of(today))
        assert text_of(topups) == "Stars ₽100 · transfer ₽150 · admin top-up ₽50"
