"""Kie credits: the admins hear once when the balance falls below the threshold, not again after
a restart while it stays low, and again after it recovered and fell once more."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot, times_said
from tests.e2e.journeys import Person
from trt_local.app import TrtApp
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

OWNER = 9500
HELPER = 5601
LOW = "Kie credits are running low"


async def check(app: TrtApp) -> Decimal:
    """What the periodic check does every few minutes."""
    assert app.services is not None
    return await app.services.credit_watch.check()


async def test_one_alert_per_crossing_remembered_across_a_restart(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    sandbox = KieSandbox(speed=0, credits=Decimal("5000"))
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None
        # The default threshold: ten runs of the dearest enabled model.
        assert app.services.settings.credit_alert_threshold == Decimal("3150")
        helper = Person(emu.user(HELPER, "Hal"), clock)
        await helper.send("/start")
        await helper.wait("Hi, Hal")
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send(f"/admin_add {HELPER}")
        await owner.wait("is an admin now")

        await check(app)  # 5000: fine, nothing said
        sandbox.credits = Decimal("1000")
        await check(app)
        alert = await owner.wait(LOW)
        assert "1000 left (≈ ₽393), the threshold is 3150" in alert.content
        await helper.wait(LOW)  # an added admin hears it too
        await check(app)
        await check(app)

    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        await check(app)  # still low after the restart: already said
        owner.user.mark_read()
        await owner.send("/admin")
        await owner.press("💳 Kie credits")
        section = await owner.wait("Alert sent")
        assert "Left: 1000 (≈ ₽393 at Kie's rate)" in section.content
        assert "1000 were left" in section.content
        assert times_said(emu, OWNER, LOW) == 1

        sandbox.credits = Decimal("4000")  # topped up: the alert is armed again
        await check(app)
        sandbox.credits = Decimal("2000")
        await check(app)
        await owner.user.wait_for(lambda m: LOW in m.content and "2000 left" in m.content)
        assert times_said(emu, OWNER, LOW) == 2
        assert times_said(emu, HELPER, LOW) == 2


async def test_the_threshold_is_a_live_setting(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    sandbox = KieSandbox(speed=0, credits=Decimal("1000"))
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send("/admin")
        await owner.press("💳 Kie credits")
        await owner.wait(LOW)  # opening the section checked, and 1000 < 3150
        await owner.press("✏️ Change the threshold")
        await owner.wait("Send the new threshold")
        await owner.send("500")
        await owner.wait("Alert threshold: 500.")
        section = await owner.wait("(set by an admin)")
        assert "No alert pending." in section.content  # 1000 ≥ 500: armed again
        sandbox.credits = Decimal("400")
        await check(app)
        await owner.user.wait_for(
            lambda m: LOW in m.content and "the threshold is 500" in m.content
        )
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None
        assert app.services.settings.credit_alert_threshold == Decimal("500")
        await owner.send("/admin")
        await owner.press("💳 Kie credits")
        section = await owner.wait("Kie credits\nLeft: 400")
        await owner.press("✏️ Change the threshold", section.message_id)
        await owner.user.wait_for(
            lambda m: m.message_id == section.message_id and "Send the new threshold" in m.content
        )
        await owner.send("default")
        await owner.wait("Alert threshold: 3150.")
    assert times_said(emu, OWNER, LOW) == 2
