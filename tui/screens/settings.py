"""Prices, the free quota, the per-user job cap and which models are on.

Every keystroke re-validates the form with the same rules the service applies
(``PriceSettings.validate`` and the cap limits) and shows what a sample model would cost, so a
bad value is visible before saving. Saving goes through ``RuntimeSettings``; the next quote, in
the bot as here, uses the new values without a restart. Models switch on and off at once.

Above the models, the newest drift check (``services.kie_drift``, refreshed at most hourly by the
app): when Kie no longer lists a model or charges other credits, the difference is listed here and
the admin decides; nothing changes by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from trt_local.core.categories import CATEGORIES
from trt_local.core.model_spec import Catalog, ModelSpec
from trt_local.core.money import CURRENCY_SYMBOLS
from trt_local.core.pricing import MAX_FREE_PER_DAY, PriceSettings, quote
from trt_local.services.kie_drift import DriftReport
from trt_local.services.registry import Services
from trt_local.services.runtime_settings import MAX_CAP, SettingsError
from tui.context import DashboardContext
from tui.formatting import money
from tui.screens.live import LiveScreen
from tui.widgets.status_line import StatusLine

FIELDS = ("rate", "markup", "free", "cap")
# Which form field a PriceSettings.validate() sentence is about.
_PROBLEM_FIELDS = (("markup", "markup"), ("rub_per_usd", "rate"), ("free_per_day", "free"))


def drift_text(report: DriftReport | None, now: float) -> str:
    """ "Kie catalog: checked 14:05, 2 differences", then one line per difference."""
    if report is None:
        return "Kie catalog: not checked yet (the bot checks within minutes of starting)"
    at = datetime.fromtimestamp(report.checked_at)
    same_day = at.date() == datetime.fromtimestamp(now).date()
    when = at.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
    lines = [f"Kie catalog: checked {when}, {report.summary()}"]
    lines += [f"  {line}" for line in (*report.differences, *report.problems)]
    if not report.clean:
        lines.append("  Kie's word only: adjust the markup or switch a model off if you agree.")
    return "\n".join(lines)


def sample_model(catalog: Catalog) -> ModelSpec | None:
    """A paid model to show prices with: the first one users can pick."""
    return next((m for m in catalog.models if m.enabled and not m.free), None)


def sample_price(model: ModelSpec, prices: PriceSettings) -> int:
    """What a user who used up the free quota pays for ``model`` with default choices."""
    priced = quote(model, {}, is_admin=False, free_used_today=MAX_FREE_PER_DAY, settings=prices)
    return priced.price_minor


def read_form(
    rate: str, markup: str, currency: str, free: str, cap: str, base: PriceSettings
) -> tuple[PriceSettings | None, int | None, dict[str, str]]:
    """The prices and the cap the form describes, and a problem per field ({} when valid)."""
    problems: dict[str, str] = {}
    numbers: dict[str, Decimal] = {}
    for field, text in (("rate", rate), ("markup", markup)):
        try:
            numbers[field] = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            problems[field] = "a decimal number, like 78.6"
    free_n = int(free) if free.strip().isdigit() else None
    if free_n is None or free_n > MAX_FREE_PER_DAY:
        problems["free"] = f"a whole number from 0 to {MAX_FREE_PER_DAY}"
    cap_n = int(cap) if cap.strip().isdigit() else None
    if cap_n is None or not 1 <= cap_n <= MAX_CAP:
        problems["cap"] = f"a whole number from 1 to {MAX_CAP}"
    if problems:
        return None, cap_n, problems
    prices = dataclasses.replace(
        base,
        rub_per_usd=numbers["rate"],
        markup=numbers["markup"],
        currency=currency,
        free_per_day=free_n if free_n is not None else base.free_per_day,
    )
    for problem in prices.validate():
        field = next((f for key, f in _PROBLEM_FIELDS if key in problem), "rate")
        problems.setdefault(field, problem.replace("rub_per_usd", "the USD rate"))
    return (None if problems else prices), cap_n, problems


class SettingsScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 5.0
    DEFAULT_CSS = """
    SettingsScreen #form { width: 60; padding: 0 2; }
    SettingsScreen #models-box { width: 1fr; padding: 0 1; }
    SettingsScreen .problem { color: $error; height: auto; }
    SettingsScreen #preview { height: auto; margin-top: 1; }
    SettingsScreen #models { height: 1fr; }
    SettingsScreen #drift { height: auto; margin-bottom: 1; }
    SettingsScreen Horizontal.buttons { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save prices")]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self._filled = False
        self._models_shown = False
        self._switching = 0  # model switches being saved: do not redraw the list meanwhile

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal():
            with VerticalScroll(id="form"):
                yield Label("Currency units per USD (the USD rate)")
                yield Input(id="rate")
                yield Static("", id="rate-problem", classes="problem", markup=False)
                yield Label("Markup over the Kie cost (2 = twice the cost)")
                yield Input(id="markup")
                yield Static("", id="markup-problem", classes="problem", markup=False)
                yield Label("Currency")
                yield Select(
                    [(code, code) for code in sorted(CURRENCY_SYMBOLS)],
                    allow_blank=False,
                    id="currency",
                )
                yield Label("Free generations per user per day")
                yield Input(id="free", restrict=r"[0-9]*")
                yield Static("", id="free-problem", classes="problem", markup=False)
                yield Label("Jobs one user may run at once")
                yield Input(id="cap", restrict=r"[0-9]*")
                yield Static("", id="cap-problem", classes="problem", markup=False)
                yield Static("", id="preview", markup=False)
                with Horizontal(classes="buttons"):
                    yield Button("Save (ctrl+s)", id="save", variant="primary")
            with Vertical(id="models-box"):
                yield Static(drift_text(None, 0), id="drift", markup=False)
                yield Label("Models users can choose (space switches; saved at once)")
                yield SelectionList[str](id="models")
        yield Footer()

    # -- loading --------------------------------------------------------------------------------

    async def load(self, services: Services) -> None:
        if not self._filled:  # once: later reloads must not overwrite what is being typed
            self._filled = True
            prices = services.settings.prices
            self.query_one("#rate", Input).value = str(prices.rub_per_usd)
            self.query_one("#markup", Input).value = str(prices.markup)
            self.query_one("#currency", Select).value = prices.currency
            self.query_one("#free", Input).value = str(prices.free_per_day)
            self.query_one("#cap", Input).value = str(services.settings.per_user_job_cap)
        self._show_models(services.settings.catalog())
        report = await services.kie_drift.last()
        self.query_one("#drift", Static).update(drift_text(report, services.clock()))
        self.validate_form()

    def _show_models(self, catalog: Catalog) -> None:
        models = self.query_one("#models", SelectionList)
        if self._models_shown and self._switching:
            return
        if self._models_shown:
            wanted = {m.id for m in catalog.models if m.enabled}
            if set(models.selected) != wanted:
                models.deselect_all()
                for model_id in wanted:
                    models.select(model_id)
            return
        self._models_shown = True
        options: list[Selection[str]] = []
        for category in CATEGORIES:
            entries = catalog.models_in(category, include_disabled=True)
            if not entries:
                continue
            options.append(
                Selection(f"── {category.title_en} ──", f"#{category.id}", disabled=True)
            )
            for model in entries:
                label = model.title if model.supported else f"{model.title} (not supported)"
                if model.card_line("en"):  # what it is good at, as the bot's model card says
                    label = f"{label} · {model.card_line('en')}"
                options.append(
                    Selection(label, model.id, model.enabled, disabled=not model.supported)
                )
        models.add_options(options)

    # -- the form -------------------------------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def read(self) -> tuple[PriceSettings | None, int | None, dict[str, str]]:
        services = self.context.services
        base = services.settings.prices if services is not None else PriceSettings()
        currency = self.query_one("#currency", Select).value
        return read_form(
            self._value("rate"),
            self._value("markup"),
            currency if isinstance(currency, str) else base.currency,
            self._value("free"),
            self._value("cap"),
            base,
        )

    def validate_form(self) -> bool:
        prices, _cap, problems = self.read()
        for field in FIELDS:
            self.query_one(f"#{field}-problem", Static).update(problems.get(field, ""))
        self.query_one("#save", Button).disabled = bool(problems)
        services = self.context.services
        preview = ""
        model = sample_model(services.settings.catalog()) if services is not None else None
        if model is not None and services is not None:
            now = services.settings.prices
            preview = f"e.g. {model.title}: {money(sample_price(model, now), now.currency)} now"
            if prices is not None and prices != now:
                new = money(sample_price(model, prices), prices.currency)
                preview += f" → {new} after saving"
        self.query_one("#preview", Static).update(preview)
        return not problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self.validate_form()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.validate_form()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        prices, cap, _problems = self.read()
        services = self.context.services
        if prices is None or cap is None or services is None:
            self.validate_form()
            self.notify("Fix the marked fields first.", severity="error")
            return
        self._save_worker(services, prices, cap)

    @work(exclusive=True, group="settings-save")
    async def _save_worker(self, services: Services, prices: PriceSettings, cap: int) -> None:
        try:
            await services.settings.set_prices(prices)
            await services.settings.set_job_caps(per_user=cap)
        except SettingsError as exc:
            self.notify("; ".join(exc.problems), severity="error")
            return
        self.notify("Saved: the next quote uses the new prices.")
        self.validate_form()

    # -- models ---------------------------------------------------------------------------------

    def on_selection_list_selection_toggled(
        self, event: SelectionList.SelectionToggled[str]
    ) -> None:
        services = self.context.services
        model_id = event.selection.value
        if services is not None and not model_id.startswith("#"):
            enabled = model_id in event.selection_list.selected
            self._switching += 1
            self._model_worker(services, model_id, enabled)

    @work(group="settings-model")
    async def _model_worker(self, services: Services, model_id: str, enabled: bool) -> None:
        try:
            await services.settings.set_model_enabled(model_id, enabled)
        except SettingsError as exc:
            self.notify("; ".join(exc.problems), severity="error")
            return
        finally:
            self._switching -= 1
        self.notify(f"{model_id} is now {'on' if enabled else 'off'} for users.")

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Settings: save prices", "Validate and save the form (ctrl+s)", self.action_save
        )
