"""Files on Windows and macOS, simulated: the private config file, the lock, non-ASCII paths.

``sys.platform`` is patched for the permission code; icacls (Windows only) is replaced at its
subprocess seam. Paths carry spaces and Cyrillic, as under ``C:\\Users\\Пётр Иванов\\AppData``.
"""

from __future__ import annotations

import io
import os
import plistlib
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trt_local import permissions
from trt_local.cli import EXIT_LOCKED, main
from trt_local.config import load_settings
from trt_local.lock import AlreadyRunning, InstanceLock
from trt_local.paths import resolve_paths
from trt_local.permissions import restrict_to_owner
from trt_local.setup_wizard import SetupAnswers, write_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WINDOWS_CONFIG = r"C:\Users\Пётр Иванов\AppData\Local\trt\trt\config.toml"


class FakeIcacls:
    """icacls as Windows runs it: records each command line, answers as told."""

    def __init__(self, returncode: int = 0, output: bytes = b"", error: Exception | None = None):
        self.calls: list[list[str]] = []
        self._returncode, self._output, self._error = returncode, output, error

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append(command)
        assert kwargs.get("capture_output") and "shell" not in kwargs  # one argv, no shell quoting
        if self._error is not None:
            raise self._error
        return subprocess.CompletedProcess(command, self._returncode, self._output, b"")


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("USERNAME", "Пётр Иванов")
    monkeypatch.setenv("USERDOMAIN", "DESKTOP-7")
    monkeypatch.setenv("SYSTEMROOT", r"C:\Windows")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("system", ["linux", "darwin"])
def test_posix_config_becomes_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    config = tmp_path / "Пётр Иванов" / "Application Support" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[telegram]\n")
    config.chmod(0o644)
    monkeypatch.setattr(sys, "platform", system)
    assert restrict_to_owner(config) is None
    assert mode_of(config) == 0o600


@pytest.mark.usefixtures("windows")
def test_windows_config_gets_an_acl_for_the_user_and_system_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    icacls = FakeIcacls()
    monkeypatch.setattr(permissions, "_run", icacls)
    assert restrict_to_owner(Path(WINDOWS_CONFIG)) is None
    assert icacls.calls == [
        [
            r"C:\Windows\System32\icacls.exe",
            WINDOWS_CONFIG,  # one argument, spaces and Cyrillic untouched
            "/inheritance:r",
            "/grant:r",
            r"DESKTOP-7\Пётр Иванов:(F)",
            "*S-1-5-18:(F)",
        ]
    ]


@pytest.mark.usefixtures("windows")
@pytest.mark.parametrize(
    ("icacls", "reason"),
    [
        (
            FakeIcacls(1332, b"No mapping between account names and security IDs was done.\r\n"),
            "icacls: No mapping between account names",
        ),
        (FakeIcacls(error=FileNotFoundError(2, "not found")), "FileNotFoundError"),
        (FakeIcacls(error=subprocess.TimeoutExpired("icacls", 15)), "TimeoutExpired"),
    ],
)
def test_windows_acl_failure_is_one_sentence_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, icacls: FakeIcacls, reason: str
) -> None:
    monkeypatch.setattr(permissions, "_run", icacls)
    sentence = restrict_to_owner(Path(WINDOWS_CONFIG))
    assert sentence is not None
    assert reason in sentence and WINDOWS_CONFIG in sentence
    assert "restrict it by hand" in sentence and "\n" not in sentence


@pytest.mark.usefixtures("windows")
def test_setup_on_windows_saves_the_config_even_when_it_cannot_be_restricted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    icacls = FakeIcacls(5, b"Access is denied.\r\n")
    monkeypatch.setattr(permissions, "_run", icacls)
    paths = resolve_paths({}, home=tmp_path / "Пётр Иванов")
    problem = write_config(
        paths.config_file, SetupAnswers(TOKEN, "", sandbox=True, admin_ids=frozenset({7}))
    )
    assert problem is not None and "Access is denied" in problem
    assert f"could not make {paths.config_file} readable" in problem  # its name, not the temporary
    # The ACL was asked for before the secrets went in, on the file that then became config.toml.
    assert icacls.calls[0][1] == str(paths.config_file) + ".tmp"
    monkeypatch.setattr(sys, "platform", "linux")
    settings = load_settings(paths, {})
    assert settings.telegram_token == TOKEN and settings.admin_ids == {7}


def test_a_second_instance_is_refused_naming_the_holder(tmp_path: Path) -> None:
    home = tmp_path / "Пётр Иванов" / "AppData" / "Local" / "trt"
    holder = InstanceLock(home / "trt.lock")
    holder.acquire()
    try:
        with pytest.raises(AlreadyRunning) as refused:
            InstanceLock(home / "trt.lock").acquire()
        assert f"pid {os.getpid()}" in str(refused.value) and str(home) in str(refused.value)
        # Windows' lock covers byte 0 and keeps other processes from reading it: the pid follows.
        assert (home / "trt.lock").read_bytes()[1:] == str(os.getpid()).encode()
    finally:
        holder.release()


def test_the_refusal_reaches_a_cp1252_console_with_a_cyrillic_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows console redirected to a file (a service's log) writes the ANSI code page."""
    home = tmp_path / "Пётр Иванов"
    holder = InstanceLock(home / "trt.lock")
    holder.acquire()
    for name in [k for k in os.environ if k.startswith(("TRT_", "KIE_", "TELEGRAM_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TRT_SANDBOX", "1")
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(raw, encoding="cp1252"))
    try:
        code = main(["--home", str(home), "run", "--headless"])
        sys.stderr.flush()
    finally:
        holder.release()
    said = raw.getvalue().decode("cp1252")
    assert code == EXIT_LOCKED
    assert "already running on the data folder" in said
    assert "\\u041f\\u0451\\u0442\\u0440 \\u0418\\u0432\\u0430\\u043d\\u043e\\u0432" in said


def test_the_launchd_job_runs_the_headless_bot_and_stops_it_gently() -> None:
    root = Path(__file__).resolve().parents[2]
    with (root / "build" / "trt.plist").open("rb") as fh:
        job = plistlib.load(fh)
    assert job["ProgramArguments"] == ["/usr/local/bin/trt", "run", "--headless"]
    assert job["KeepAlive"] == {"SuccessfulExit": False}  # a clean stop stays stopped
    assert job["ExitTimeOut"] >= 10 and job["Umask"] == 0o077
