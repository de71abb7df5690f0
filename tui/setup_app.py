"""The first-run App: only the setup screen; its return value says whether config was saved."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from trt_local.setup_wizard import SetupChecks
from tui.screens.setup import SetupScreen


class SetupApp(App[bool]):
    TITLE = "TRT Local setup"

    def __init__(self, checks: SetupChecks, config_path: Path) -> None:
        super().__init__()
        self._checks = checks
        self._config_path = config_path

    def on_mount(self) -> None:
        self.push_screen(SetupScreen(self._checks, self._config_path), self._done)

    def _done(self, saved: bool | None) -> None:
        self.exit(bool(saved))
