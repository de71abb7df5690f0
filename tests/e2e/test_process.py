"""Whole-process behaviour: exit codes, the instance lock, signals, crash recovery, redaction."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN
from tests.e2e.processes import bot_env, finish, spawn
from trt_local.emulator import EmulatorServer, TelegramEmulator


@pytest.fixture
async def server(emu: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emu) as started:
        yield started


async def test_config_errors_exit_2_naming_the_setting(tmp_path: Path) -> None:
    env = bot_env(tmp_path, None)
    del env["TELEGRAM_BOT_TOKEN"]
    code, output = await finish(await spawn(env))
    assert code == 2 and "TELEGRAM_BOT_TOKEN is not set" in output
    code, output = await finish(await spawn(bot_env(tmp_path, None, TRT_ADMIN_IDS="12,me")))
    assert code == 2 and "TRT_ADMIN_IDS" in output and output.count("\n") == 1


async def test_rejected_token_exits_2_and_never_shows_the_token(
    tmp_path: Path, server: EmulatorServer
) -> None:
    wrong = "999999:WRONG-secret-token-value"
    code, output = await finish(await spawn(bot_env(tmp_path, server, TELEGRAM_BOT_TOKEN=wrong)))
    assert code == 2 and "Telegram rejected TELEGRAM_BOT_TOKEN" in output
    log = (tmp_path / "logs" / "trt.log").read_text()
    assert "WRONG-secret-token-value" not in output + log


async def test_second_instance_is_refused_and_sigterm_stops_cleanly(
    emu: TelegramEmulator, server: EmulatorServer, tmp_path: Path
) -> None:
    first = await spawn(bot_env(tmp_path, server))
    try:
        await emu.wait_polling(timeout=30)
        second = await spawn(bot_env(tmp_path, server))
        code, output = await finish(second)
        assert code == 3
        assert f"pid {first.pid}" in output and str(tmp_path) in output
        user = emu.user(3001, "Gil", language_code="en")
        await user.send("/start")
        assert "Hi, Gil" in (await user.next_message(timeout=10)).content
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGTERM)
    # The promise is a clean stop within 5 s: waiting longer than that is the failure.
    code, output = await finish(first, timeout=5)
    assert code == 0
    log = (tmp_path / "logs" / "trt.log").read_text()
    assert "stopped" in log and TOKEN not in log + output
    assert emu.pending_updates == 0  # the last batch was confirmed on the way out


async def test_one_lock_per_data_folder_whatever_the_token(
    emu: TelegramEmulator, server: EmulatorServer, tmp_path: Path
) -> None:
    first = await spawn(bot_env(tmp_path, server))
    try:
        await emu.wait_polling(timeout=30)
        # A rotated token or a staging bot on the same TRT_HOME would share trt.db: refused.
        staging = bot_env(tmp_path, server, TELEGRAM_BOT_TOKEN="654321:STAGING-token-for-tests")
        code, output = await finish(await spawn(staging))
        assert code == 3, output
        assert f"pid {first.pid}" in output and str(tmp_path) in output
        assert "STAGING-token" not in output
        assert (tmp_path / "trt.lock").read_text().strip() == str(first.pid)
        user = emu.user(3002, "Hal", language_code="en")
        await user.send("/start")
        assert "Hi, Hal" in (await user.next_message(timeout=10)).content
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGTERM)
    code, _ = await finish(first)
    assert code == 0


async def test_updates_fetched_before_a_kill_are_handled_after_restart(
    emu: TelegramEmulator, server: EmulatorServer, tmp_path: Path
) -> None:
    proc = await spawn(bot_env(tmp_path, server))
    try:
        await emu.wait_polling(timeout=30)
        emu.delay("sendMessage", 120)  # handlers hang: fetched, confirmed, not handled
        users = [emu.user(3100 + i, f"U{i}", language_code="en") for i in range(3)]
        for user in users:
            await user.send("/start")
        await emu.wait_until(lambda: True if emu.pending_updates == 0 else None, timeout=10)
        await emu.wait_until(lambda: len(emu.calls_to("sendMessage")) >= 1 or None, timeout=10)
    finally:
        proc.kill()
        await proc.wait()
    emu.delay("sendMessage", 0)
    assert all(not user.messages for user in users)  # nothing was answered before the kill
    assert emu.pending_updates == 0  # and Telegram will not send them again
    proc = await spawn(bot_env(tmp_path, server))
    try:
        for user in users:
            reply = await user.next_message(timeout=30)
            assert reply.content.startswith(f"Hi, {user.profile.first_name}")
    finally:
        proc.send_signal(signal.SIGTERM)
        code, _ = await finish(proc)
    assert code == 0
    assert all(len(user.messages) == 1 for user in users)  # handled once each


async def test_doctor_passes_with_a_good_setup_and_fails_with_a_bad_token(
    server: EmulatorServer, tmp_path: Path
) -> None:
    code, output = await finish(await spawn(bot_env(tmp_path, server), "doctor"))
    assert code == 0, output
    lines = output.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * len(lines)
    assert any("getMe answered @trt_demo_bot" in line for line in lines)
    assert any("integrity ok" in line for line in lines)
    bad = bot_env(tmp_path, server, TELEGRAM_BOT_TOKEN="999999:WRONG-secret-token-value")
    code, output = await finish(await spawn(bad, "doctor"))
    assert code == 1 and "FAIL telegram" in output and "WRONG-secret" not in output
