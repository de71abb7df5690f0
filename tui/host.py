"""What the dashboard needs from the running bot (``trt_local.app.TrtApp`` satisfies it).

The dashboard sits below the composition root in the layering, so it names the bot through this
protocol instead of importing it. ``services`` is None until the bot has opened its database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from trt_local.config import Settings
from trt_local.services.registry import Services

StatusListener = Callable[[str, str], None]


class BotHost(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def services(self) -> Services | None: ...

    @property
    def poll_state(self) -> str: ...

    @property
    def poll_detail(self) -> str: ...

    @property
    def started_at(self) -> float | None: ...

    @property
    def bot_username(self) -> str: ...

    @property
    def clock(self) -> Callable[[], float]: ...

    def on_status(self, listener: StatusListener) -> None: ...

    async def start(self) -> None: ...

    async def download_file(self, file_id: str, folder: Path, stem: str) -> Path:
        """Fetch a file the bot was sent into ``folder``; RuntimeError when it cannot."""
        ...
