"""Make a file (config.toml, which holds the bot token and the Kie key) readable only by its user.

Linux and macOS: mode 0600. Windows ignores file modes, so there the file gets an access list with
``icacls``: inherited entries removed, full control for the current user and for SYSTEM (the
operating system itself, as root is on Linux; a service running as LocalSystem can then read it).
Nothing here raises: a file that cannot be restricted is still usable, so the caller gets one
sentence to show and the bot carries on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SYSTEM_SID = "*S-1-5-18"  # LocalSystem, by SID: the account's name depends on the Windows language
ICACLS_TIMEOUT_S = 15.0

_run = subprocess.run  # the seam tests replace: icacls exists only on Windows


def restrict_to_owner(path: Path, *, shown_as: Path | None = None) -> str | None:
    """None when ``path`` is now readable only by this user; else why not, in one sentence that
    names ``shown_as`` (the file's final name, when ``path`` is a temporary one)."""
    reason = _restrict_windows(path) if sys.platform == "win32" else _restrict_posix(path)
    if reason is None:
        return None
    return (
        f"could not make {shown_as or path} readable only by you ({reason}); "
        "it holds the bot token and the Kie key: restrict it by hand"
    )


def windows_user() -> str:
    """``DOMAIN\\name`` of the current user for icacls, or "" when the environment lacks it."""
    name = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    return f"{domain}\\{name}" if name and domain else name


def icacls_command(path: Path, user: str) -> list[str]:
    windir = os.environ.get("SYSTEMROOT", r"C:\Windows")  # case-blind on Windows
    # The full path: a program named icacls earlier on PATH must not get to set our ACL.
    icacls = f"{windir}\\System32\\icacls.exe"
    return [icacls, str(path), "/inheritance:r", "/grant:r", f"{user}:(F)", f"{SYSTEM_SID}:(F)"]


def _restrict_posix(path: Path) -> str | None:
    try:
        os.chmod(path, 0o600)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _restrict_windows(path: Path) -> str | None:
    user = windows_user()
    if not user:
        return "USERNAME is not set"
    try:
        result = _run(
            icacls_command(path, user),
            capture_output=True,  # icacls reports every file it processed; not under the dashboard
            stdin=subprocess.DEVNULL,
            timeout=ICACLS_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"icacls did not run: {type(exc).__name__}"
    if result.returncode != 0:
        said = (result.stderr or result.stdout or b"").decode(errors="replace").strip()
        first = said.splitlines()[0] if said else f"exit code {result.returncode}"
        return f"icacls: {first}"
    return None
