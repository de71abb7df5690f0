"""First run: the bot token, the Kie key (or the sandbox) and the admin ids, checked, then saved.

Nothing is saved until Telegram has accepted the token (getMe) and Kie the key (credits); the
fields hide what is typed, and the results show the token only as ``123…:***``. The screen
dismisses with True once ``config.toml`` is written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from trt_local.config import redact_token
from trt_local.setup_wizard import (
    SetupAnswers,
    SetupChecks,
    SetupProblem,
    parse_admins,
    write_config,
)

log = logging.getLogger("trt.setup")


class SetupScreen(Screen[bool]):
    DEFAULT_CSS = """
    SetupScreen VerticalScroll { padding: 1 2; }
    SetupScreen Label { margin-top: 1; }
    SetupScreen .result { height: auto; color: $text-muted; }
    SetupScreen .result.bad { color: $error; }
    SetupScreen .result.good { color: $success; }
    SetupScreen Horizontal { height: auto; margin-top: 1; }
    SetupScreen Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Check and save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, checks: SetupChecks, config_path: Path) -> None:
        super().__init__()
        self._checks = checks
        self._config_path = config_path

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                "[b]Welcome to TRT Local.[/b] The bot needs a Telegram bot token and a Kie.ai "
                f"key. They are checked, then saved to {self._config_path} (only you can read "
                "it). No token yet? Quit and try [b]trt demo[/b] first.",
            )
            yield Label("Telegram bot token (from @BotFather → /newbot)")
            yield Input(password=True, placeholder="123456789:AA…", id="token")
            yield Static("", id="token-result", classes="result", markup=False)
            yield Label("Kie.ai API key (kie.ai/api-key)")
            yield Input(password=True, placeholder="your key", id="key")
            yield Checkbox("Use the offline Kie simulator instead (no key)", id="sandbox")
            yield Static("", id="key-result", classes="result", markup=False)
            yield Label("Admin Telegram user ids, comma-separated (ask @userinfobot)")
            yield Input(placeholder="12345678", id="admins")
            yield Static("", id="admins-result", classes="result", markup=False)
            with Vertical():
                with Horizontal():
                    yield Button("Check and save", id="save", variant="primary")
                    yield Button("Cancel", id="cancel")
                yield Static("", id="summary", classes="result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#token", Input).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#key", Input).disabled = event.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        self._check_and_save()

    def _result(self, field: str, text: str, *, ok: bool) -> None:
        result = self.query_one(f"#{field}-result", Static)
        result.update(text)
        result.set_class(ok, "good")
        result.set_class(not ok, "bad")

    @work(exclusive=True, group="setup-check")
    async def _check_and_save(self) -> None:
        self.query_one("#summary", Static).update("checking…")
        token = self.query_one("#token", Input).value.strip()
        key = self.query_one("#key", Input).value.strip()
        sandbox = self.query_one("#sandbox", Checkbox).value
        answers: dict[str, object] = {}
        try:
            username = await self._checks.check_token(token)
            self._result("token", f"ok: @{username} (token {redact_token(token)})", ok=True)
        except SetupProblem as problem:
            self._result("token", str(problem), ok=False)
        else:
            answers["token"] = token
        if sandbox:
            self._result("key", "ok: the offline simulator, no key needed", ok=True)
            answers["key"] = ""
        else:
            try:
                credits = await self._checks.check_kie_key(key)
                self._result("key", f"ok: {credits.normalize():f} credits", ok=True)
                answers["key"] = key
            except SetupProblem as problem:
                self._result("key", str(problem), ok=False)
        try:
            admins = parse_admins(self.query_one("#admins", Input).value)
            self._result("admins", f"ok: {len(admins)} admin(s)", ok=True)
            answers["admins"] = admins
        except SetupProblem as problem:
            self._result("admins", str(problem), ok=False)
        if len(answers) < 3:
            self.query_one("#summary", Static).update("fix the fields marked above")
            return
        unrestricted = write_config(
            self._config_path,
            SetupAnswers(
                token=token,
                kie_key=key if not sandbox else "",
                sandbox=sandbox,
                admin_ids=admins,
            ),
        )
        if unrestricted:
            log.warning(
                "config saved, but %s", unrestricted
            )  # the log file: nothing may print here
        self.dismiss(True)
