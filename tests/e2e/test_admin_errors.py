"""Errors in the panel: a handler's failure is stored with its redacted traceback under the id the
user was shown; admins list the latest and read one with /error, never seeing a secret."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.admin_support import rows
from tests.e2e.harness import TOKEN, JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator, faults

OWNER = 9300
ANN = 5401


async def test_a_failed_update_is_listed_and_shown_without_secrets(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock):
        ann = Person(emu.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        # Telegram refuses the balance screen with an error that quotes the bot's URL.
        emu.inject(
            "sendMessage",
            faults.bad_request(f"chat not writable for /bot{TOKEN}/sendMessage"),
            when=lambda params: "💰 Balance:" in params.get("text", ""),
        )
        await ann.send("/balance")
        told = await ann.wait("Error id")
        found = re.search(r"Error id: ([0-9A-F]{6})", told.content)
        assert found is not None
        error_id = found.group(1)

        [(place, user, summary, traceback)] = rows(
            tmp_path / "trt.db",
            "SELECT place, user_id, summary, traceback FROM errors WHERE error_id = ?",
            (error_id,),
        )
        assert place.endswith(": /balance") and user == ANN
        assert "BadRequest" in summary and "Traceback" in traceback
        # (Telegram's description reaches us lower-cased: the token too, and it is still caught.)
        assert TOKEN.lower() not in (traceback + summary).lower()
        assert "/bot***/sendmessage" in summary.lower()

        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send("/admin")
        await owner.press("⚠️ Errors")
        listing = await owner.wait("Latest errors")
        assert f"{error_id} " in listing.content and f"/balance · user {ANN}" in listing.content
        await owner.press(error_id, listing.message_id)
        shown = await owner.user.wait_for(
            lambda m: m.message_id == listing.message_id and "Traceback" in m.content
        )
        assert f"Error {error_id}" in shown.content and TOKEN.lower() not in shown.content.lower()
        assert "« Back" in shown.button_texts

        owner.user.mark_read()
        await owner.send(f"/error {error_id.lower()}")
        detail = await owner.user.next_message()
        assert f"Error {error_id}" in detail.content
        assert "handlers/balance.py" in detail.content
        assert TOKEN.lower() not in detail.content.lower()
        await owner.send("/error FFFFFF")
        await owner.wait("No error FFFFFF")


async def test_a_long_traceback_is_cut_to_its_end_and_escaped(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock) as app:
        assert app.services is not None

        def deep(level: int) -> None:
            if level == 0:
                raise RuntimeError("<b>&tag</b> " * 50 + "THE END")
            deep(level - 1)

        try:
            deep(150)
        except RuntimeError as exc:
            await app.services.errors.record(
                "C0FFEE", source="job", place="job 7 (z-image): poll", user_id=None, error=exc
            )
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send("/error C0FFEE")
        shown = await owner.wait("Error C0FFEE")
        assert "job 7 (z-image): poll" in shown.content
        assert shown.content.rstrip().endswith("THE END")  # the failing frame is kept
        assert "<b>&tag</b>" in shown.content  # shown as typed, not as markup
        assert len(shown.content.encode("utf-16-le")) // 2 <= 4096
