"""Fuzz: random updates from a few users into the real Application through the emulator.

Every example runs a fresh bot on a fresh database (start and stop take ~50 ms in-process), so the
examples are independent and Hypothesis can shrink a failure to a short script. For each example:

- no handler raises: the error handler never runs (nothing on logger ``trt.bot.errors``, no "error
  id" text reaches a user), and nothing at all is logged at ERROR;
- every callback query is answered;
- every message gets a reply. None is rightly ignored in these scenarios: the users act at a person's
  pace (the bot's clock moves 1 s per action), so anti-flood never drops one; nobody has blocked the
  bot; and every content type has a handler (the fallbacks come last). Anti-flood drops are covered
  by test_resilience.py;
- once the bot has stopped, the inbox holds no pending update and Telegram none unconfirmed;
- the money invariant holds (admin top-ups with odd arguments and confirmed jobs move money).

CI runs the derandomized ``ci`` Hypothesis profile (tests/conftest.py): the same examples every run.
``HYPOTHESIS_PROFILE=dev`` explores new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.e2e.fuzzing import (
    ACTIONS,
    ADMIN_ID,
    PERSONAS,
    Action,
    Persona,
    Say,
    Tap,
    perform,
)
from tests.e2e.harness import TOKEN, JumpClock, money_invariant_violations, running_bot
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox


class _Collector(logging.Handler):
    """Anything the error handler logs (``trt.bot.errors``), and any ERROR from anywhere."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "trt.bot.errors" or record.levelno >= logging.ERROR:
            self.records.append(record)


@contextlib.contextmanager
def errors_logged() -> Iterator[list[logging.LogRecord]]:
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector.records
    finally:
        root.removeHandler(collector)


PLAIN_PEOPLE = (
    Persona(ADMIN_ID, "Ann", "en"),
    Persona(7002, "Bob", "ru"),
    Persona(7003, "Cy", None),
)


def _pending_inbox(database: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT update_id FROM inbox WHERE status = 'pending'").fetchall()
    return [row[0] for row in rows]


async def _play(home: Path, personas: tuple[Persona, ...], actions: list[Action]) -> None:
    emu = TelegramEmulator(TOKEN)
    for persona in personas:
        emu.user(persona.user_id, persona.first_name, language_code=persona.language_code)
    clock = JumpClock()
    with errors_logged() as errors:
        async with running_bot(
            emu, home, admin_ids=[ADMIN_ID], clock=clock, sandbox=KieSandbox(speed=0)
        ):
            for action in actions:
                await perform(emu, action, lambda: clock.jump(1))
        shown = [m.content for user in emu.users for m in user.messages]
        assert [f"{r.name}: {r.getMessage()}" for r in errors] == [], "the bot logged errors"
        assert [c for c in shown if "Error id" in c or "Код ошибки" in c] == []
        assert emu.unanswered_callbacks() == []
        assert _pending_inbox(home / "trt.db") == [] and emu.pending_updates == 0
        assert money_invariant_violations(home / "trt.db") == []


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(personas=PERSONAS, actions=st.lists(ACTIONS, min_size=1, max_size=14))
# Failures this suite found (shrunk), replayed first on every run.
@example(personas=PLAIN_PEOPLE, actions=[Tap(7001, "1|hist|9223372036854775808")])
@example(personas=PLAIN_PEOPLE, actions=[Say(ADMIN_ID, "/topup ² 5")])
def test_random_updates_never_crash_and_are_all_answered(
    personas: tuple[Persona, ...], actions: list[Action]
) -> None:
    with tempfile.TemporaryDirectory(prefix="trt-fuzz-") as folder:
        asyncio.run(_play(Path(folder), personas, actions))


# ---- what the fuzzer found, pinned as focused tests ------------------------------------------


async def test_forged_history_buttons_with_huge_numbers_get_the_stale_answer(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    """``1|hist|9223372036854775808`` used to crash: SQLite cannot take an int past 64 bits."""
    async with running_bot(emu, tmp_path):
        ann = emu.user(7101, "Ann", language_code="en")
        await ann.send("/start")
        await ann.next_message()
        for data in ("1|job|9223372036854775808", "1|hshow|" + "9" * 40, "1|again|1" + "0" * 30):
            answer = await emu.wait_callback_answer(await ann.press_data(data))
            assert answer.text == "This button is out of date."
        page = await emu.wait_callback_answer(await ann.press_data("1|hist|9" + "0" * 25))
        assert page.answered
        await ann.wait_for(lambda m: "no generations yet" in m.content.lower())
    assert not [m for m in ann.messages if "Error id" in m.content]


async def test_topup_with_a_non_ascii_or_huge_user_id_shows_the_usage(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    """``/topup ² 5`` passed ``isdigit()`` and crashed in ``int()``; 23 digits crashed SQLite."""
    async with running_bot(emu, tmp_path, admin_ids=[7102]):
        boss = emu.user(7102, "Boss", language_code="en")
        for command in ("/topup ² 5", "/topup ٧١٠٢ 5", "/topup " + "9" * 23 + " 5"):
            await boss.send(command)
            assert (await boss.next_message()).content.startswith("Usage: /topup")
        await boss.send("/topup 7102 5")
        assert "7102" in (await boss.next_message()).content
    assert not [m for m in boss.messages if "Error id" in m.content]
