"""Promo codes: create one (code, money or free:N, max uses, last valid day), list them with
their uses, switch one off. Everything goes through ``PromoService``, as ``/promo_new`` does;
a refusal is shown as its sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Input, Static

from trt_local.core.errors import AmountError
from trt_local.core.money import parse_amount
from trt_local.core.money_in import MAX_TOPUP_MINOR
from trt_local.core.promo import (
    MAX_FREE_GENERATIONS,
    MAX_USES,
    PromoInvalid,
    PromoProblem,
    canonical_code,
    last_valid_day,
)
from trt_local.services.admin import DASHBOARD_ACTOR
from trt_local.services.registry import Services
from trt_local.storage.promo import PromoRecord
from tui.context import DashboardContext
from tui.formatting import money
from tui.screens.confirm import ConfirmScreen
from tui.screens.live import LiveScreen
from tui.widgets.status_line import StatusLine
from tui.widgets.table_sync import TableSync

COLUMNS = ("code", "reward", "uses", "expires", "state")
_FREE = re.compile(r"^free:(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NewCode:
    code: str
    amount_minor: int
    free_generations: int
    max_uses: int | None
    expires: date | None


class FormProblem(ValueError):
    """What is wrong with the form, as one sentence."""


def parse_form(code: str, reward: str, max_uses: str, expires: str) -> NewCode:
    amount = free = 0
    reward = reward.strip()
    free_match = _FREE.match(reward)
    if free_match:
        free = int(free_match.group(1))
    else:
        try:
            amount = parse_amount(reward)
        except AmountError:
            raise FormProblem("The reward is an amount (150) or free:N (free:5).") from None
    uses = None
    if max_uses.strip():
        if not max_uses.strip().isdigit():
            raise FormProblem(f"The number of uses is a whole number from 1 to {MAX_USES}.")
        uses = int(max_uses.strip())
    day = None
    if expires.strip():
        try:
            day = date.fromisoformat(expires.strip())
        except ValueError:
            raise FormProblem("The last valid day is a date: YYYY-MM-DD.") from None
    return NewCode(code.strip(), amount, free, uses, day)


def problem_text(problem: PromoProblem, code: str, currency: str) -> str:
    name = canonical_code(code) or code
    return {
        PromoProblem.BAD_CODE: "A code is 3 to 32 characters: Latin letters, digits, '-' and '_'.",
        PromoProblem.DUPLICATE: f"Promo code {name} already exists.",
        PromoProblem.NO_REWARD: "Give an amount above zero, or free:N with N above zero.",
        PromoProblem.TOO_LARGE: (
            f"Too much: at most {money(MAX_TOPUP_MINOR, currency)} "
            f"or {MAX_FREE_GENERATIONS} generations."
        ),
        PromoProblem.BAD_MAX_USES: f"The number of uses is a whole number from 1 to {MAX_USES}.",
        PromoProblem.PAST_EXPIRY: "That date is already over.",
    }[problem]


def promo_cells(record: PromoRecord, currency: str, timezone: str) -> tuple[object, ...]:
    rewards = []
    if record.amount_minor:
        rewards.append(money(record.amount_minor, currency))
    if record.free_generations:
        rewards.append(f"{record.free_generations} free")
    limit = f"/{record.max_uses}" if record.max_uses is not None else ""
    expires = (
        last_valid_day(record.expires_at, timezone).isoformat()
        if record.expires_at is not None
        else "–"
    )
    return (
        Text(record.code),
        Text(" + ".join(rewards)),
        f"{record.uses}{limit}",
        expires,
        Text("on" if record.active else "off", style="" if record.active else "red"),
    )


class PromoScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 3.0
    DEFAULT_CSS = """
    PromoScreen #form { height: auto; padding: 0 1; }
    PromoScreen #form Input { width: 1fr; }
    PromoScreen #form Button { margin-left: 1; }
    PromoScreen #problem { height: auto; padding: 0 1; color: $error; }
    PromoScreen #codes { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "switch_off", "Switch off")]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.codes: list[PromoRecord] = []
        self._selected: str | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal(id="form"):
            yield Input(placeholder="CODE", id="code")
            yield Input(placeholder="150 or free:5", id="reward")
            yield Input(placeholder="max uses (any)", id="max-uses")
            yield Input(placeholder="last day YYYY-MM-DD", id="expires")
            yield Button("Create", id="create", variant="primary")
        yield Static("", id="problem", markup=False)
        yield DataTable(id="codes", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#codes", DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self._table = TableSync(table, COLUMNS)
        self.query_one("#code", Input).focus()

    async def load(self, services: Services) -> None:
        prices = services.settings.prices
        self.codes = await services.promo.codes()
        self._table.show(
            [(c.code, promo_cells(c, prices.currency, prices.timezone)) for c in self.codes]
        )
        if self._selected not in {record.code for record in self.codes}:
            self._selected = self.codes[0].code if self.codes else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "codes" and event.row_key.value is not None:
            self._selected = event.row_key.value

    # -- create ---------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.action_create()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_create()

    def action_create(self) -> None:
        services = self.context.services
        if services is None:
            self.notify("The bot has not opened its database yet.", severity="warning")
            return
        values = [self.query_one(f"#{name}", Input).value for name in FORM_FIELDS]
        try:
            new = parse_form(*values)
        except FormProblem as problem:
            self._problem(str(problem))
            return
        self._create_worker(services, new)

    @work(group="promo-action")
    async def _create_worker(self, services: Services, new: NewCode) -> None:
        try:
            record = await services.promo.create(
                DASHBOARD_ACTOR,
                new.code,
                amount_minor=new.amount_minor,
                free_generations=new.free_generations,
                max_uses=new.max_uses,
                expires=new.expires,
            )
        except PromoInvalid as invalid:
            currency = services.settings.prices.currency
            self._problem(problem_text(invalid.problem, new.code, currency))
            return
        self._problem("")
        for name in FORM_FIELDS:
            self.query_one(f"#{name}", Input).clear()
        self.notify(f"Promo code {record.code} created.")
        self.reload()

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)

    # -- switch off -----------------------------------------------------------------------------

    def action_switch_off(self) -> None:
        services = self.context.services
        record = next((c for c in self.codes if c.code == self._selected), None)
        if services is None or record is None:
            self.notify("No promo code selected.", severity="warning")
            return
        if not record.active:
            self.notify(f"Promo code {record.code} is off already.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._off_worker(services, record.code)

        question = f"Switch promo code {record.code} off? Nobody can redeem it after that."
        self.app.push_screen(ConfirmScreen(question, yes="Switch off"), answered)

    @work(group="promo-action")
    async def _off_worker(self, services: Services, code: str) -> None:
        if await services.promo.switch_off(DASHBOARD_ACTOR, code):
            self.notify(f"Promo code {code} is switched off.")
        else:
            self.notify(f"There is no promo code {code}.", severity="warning")
        self.reload()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Promo: switch off", "Switch the selected code off (o)", self.action_switch_off
        )


FORM_FIELDS = ("code", "reward", "max-uses", "expires")
