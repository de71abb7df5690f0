"""First-run setup: the token is checked with getMe, the key with credits, then config is saved.

Both ways in are covered: the dashboard's setup screen and the plain prompts of ``trt setup``.
Telegram is the in-process emulator and Kie the sandbox; nothing leaves the machine.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from tests.tui.helpers import paste, settle, text_of
from trt_local import permissions
from trt_local.cli import needs_setup
from trt_local.config import load_settings
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest
from trt_local.kie import KieSandbox
from trt_local.paths import Paths, resolve_paths
from trt_local.setup_wizard import SetupChecks, run_setup
from tui.screens.setup import SetupScreen
from tui.setup_app import SetupApp

TOKEN = "424242:SETUP-token-for-the-tests-only"
WRONG = "424242:WRONG-token-nobody-has"
KIE_KEY = "kie-secret-key-for-tests"


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths({}, home=tmp_path)


@pytest.fixture
def sandbox() -> KieSandbox:
    return KieSandbox(speed=0)


@pytest.fixture
def checks(sandbox: KieSandbox) -> SetupChecks:
    emulator = TelegramEmulator(TOKEN, bot_username="setup_test_bot")
    return SetupChecks(
        telegram_api_base=BASE_URL,
        telegram_file_base=BASE_FILE_URL,
        kie_api_base="https://api.kie.ai",
        telegram_request=lambda: EmulatorRequest(emulator),
        kie_transport=sandbox,
    )


def answers(*replies: str) -> Iterator[str]:
    yield from replies


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_plain_prompts_retry_until_valid_and_save_privately(
    paths: Paths, checks: SetupChecks, sandbox: KieSandbox
) -> None:
    sandbox.fail_next("credit", 401)  # the first key is refused by Kie
    secrets = answers(WRONG, TOKEN, "bad-key", KIE_KEY)
    plain = answers("12, me", "12,34")
    said: list[str] = []
    code = run_setup(
        paths,
        {},
        ask=lambda _prompt: next(plain),
        ask_secret=lambda _prompt: next(secrets),
        say=said.append,
        checks=checks,
    )
    assert code == 0
    output = "\n".join(said)
    assert "Telegram rejected this token" in output and "@setup_test_bot" in output
    assert "Kie rejected this key" in output and "1000 credits" in output
    assert "not a Telegram user id" in output
    assert TOKEN not in output and KIE_KEY not in output and WRONG not in output
    assert mode_of(paths.config_file) == 0o600
    settings = load_settings(paths, {})
    assert settings.telegram_token == TOKEN and settings.kie_api_key == KIE_KEY
    assert settings.admin_ids == frozenset({12, 34}) and not settings.sandbox


def test_plain_prompts_say_when_windows_refuses_to_restrict_the_file(
    paths: Paths, checks: SetupChecks, monkeypatch: pytest.MonkeyPatch
) -> None:
    def icacls(command: list[str], **_kwargs: object) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(command, 5, b"Access is denied.\r\n", b"")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("USERNAME", "Пётр")
    monkeypatch.setattr(permissions, "_run", icacls)
    secrets = answers(TOKEN, "sandbox")
    said: list[str] = []
    code = run_setup(
        paths,
        {},
        ask=lambda _prompt: "",
        ask_secret=lambda _prompt: next(secrets),
        say=said.append,
        checks=checks,
    )
    assert code == 0  # saved all the same: the bot can start
    assert said[-1].startswith(
        f"saved {paths.config_file}, but could not make {paths.config_file} readable only by you"
    )
    assert "Access is denied" in said[-1] and "readable only by you (" in said[-1]


def test_plain_prompts_give_up_at_the_end_of_input(paths: Paths, checks: SetupChecks) -> None:
    def no_more(_prompt: str) -> str:
        raise EOFError

    said: list[str] = []
    assert run_setup(paths, {}, ask=no_more, ask_secret=no_more, say=said.append, checks=checks)
    assert not paths.config_file.exists()


def test_first_run_is_detected_until_config_holds_a_token(paths: Paths) -> None:
    assert needs_setup(paths, {}, {})
    assert needs_setup(paths, {"TELEGRAM_BOT_TOKEN": TOKEN}, {})  # still no Kie key
    assert not needs_setup(paths, {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "1"}, {})


async def test_setup_screen_checks_then_saves(paths: Paths, checks: SetupChecks) -> None:
    paths.ensure()
    app = SetupApp(checks, paths.config_file)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        token, admins = screen.query_one("#token", Input), screen.query_one("#admins", Input)
        assert token.password  # what is typed is not shown
        await paste(pilot, WRONG, into=token)
        await pilot.press("ctrl+s")
        result = screen.query_one("#token-result", Static)
        await settle(pilot, lambda: "rejected" in text_of(result))
        assert not paths.config_file.exists()
        token.clear()
        await paste(pilot, TOKEN, into=token)
        screen.query_one("#sandbox", Checkbox).value = True
        await paste(pilot, "777", into=admins)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not app.is_running)
        assert "424…:***" in text_of(result) and TOKEN not in text_of(result)
    assert app.return_value is True
    assert mode_of(paths.config_file) == 0o600
    settings = load_settings(paths, {})
    assert settings.telegram_token == TOKEN and settings.sandbox
    assert settings.admin_ids == frozenset({777})
