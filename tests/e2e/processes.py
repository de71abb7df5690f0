"""The bot as a real process (``python -m trt_local``) against the emulator served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.harness import TOKEN
from trt_local.emulator import EmulatorServer
from trt_local.kie import KieSandboxServer


def bot_env(
    home: Path,
    server: EmulatorServer | None,
    *,
    kie: KieSandboxServer | None = None,
    **extra: str,
) -> dict[str, str]:
    """The bot's environment: the emulator as Telegram, and Kie in-process or ``kie`` over HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRT_", "KIE_", "TELEGRAM_"))}
    env.update(TRT_HOME=str(home), TELEGRAM_BOT_TOKEN=TOKEN)
    if kie is None:
        env.update(TRT_SANDBOX="1")  # dies with the process, tasks and all
    else:  # outlives the process: a restarted bot finds its tasks
        env.update(KIE_API_BASE=kie.base_url, KIE_UPLOAD_BASE=kie.base_url, KIE_API_KEY="sk-dummy")
    if server is not None:
        env.update(
            TRT_TELEGRAM_API_BASE=server.base_url, TRT_TELEGRAM_FILE_BASE=server.base_file_url
        )
    env.update(extra)
    return env


async def spawn(
    env: dict[str, str], *args: str, preexec_fn: Callable[[], object] | None = None
) -> asyncio.subprocess.Process:
    """``python -m trt_local`` with ``args`` (default ``run --headless``); ``preexec_fn`` runs in
    the child before it starts (e.g. to lower a resource limit)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "trt_local",
        *(args or ("run", "--headless")),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=preexec_fn,
    )


async def finish(proc: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str]:  # noqa: ASYNC109
    """Wait for exit; returns (exit code, stdout + stderr)."""
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()
