"""Live, admin-editable settings: prices, job caps, deadlines, which models are on, and the
operator's texts (support contact, payment details and whether manual payments are on, terms).

Values live in the ``settings`` table as JSON and are cached here; every write goes through this
service, which validates it first, stores it, then updates the cache — so the next quote uses the
change without a restart. A stored value that no longer validates (edited by hand, or from an
older release) is ignored with a log line and its default applies.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TypeVar

from trt_local.core.errors import ModelUnavailable
from trt_local.core.jobs import TIMINGS, JobTiming, OutputKind
from trt_local.core.model_spec import Catalog
from trt_local.core.money_in import MoneyInSettings
from trt_local.core.pricing import PriceSettings, dearest_run_credits
from trt_local.storage.db import Database
from trt_local.storage.settings import SettingsRepo

log = logging.getLogger("trt.settings")
T = TypeVar("T")

PRICES_KEY = "prices"
PER_USER_CAP_KEY = "jobs.per_user_cap"
GLOBAL_CAP_KEY = "jobs.global_cap"
DEADLINES_KEY = "jobs.deadline_s"
MODELS_KEY = "models.enabled"
MONEY_IN_KEY = "money_in"
CREDIT_ALERT_KEY = "kie.credit_alert"
OPERATOR_KEY = "operator"

DEFAULT_PER_USER_CAP = 3
DEFAULT_GLOBAL_CAP = 50
MAX_CAP = 1000
MIN_DEADLINE_S = 60
MAX_DEADLINE_S = 6 * 3600
_DECIMAL_FIELDS = ("usd_per_credit", "rub_per_usd", "markup")
CREDIT_ALERT_RUNS = 10  # default alert: fewer credits left than ten runs of the dearest model
MAX_CREDIT_ALERT = Decimal(10_000_000)
# Room in one Telegram message once the bot's own words are around the text.
OPERATOR_TEXT_LIMITS = {"support_contact": 200, "payment_details": 1000, "terms_text": 3500}


@dataclasses.dataclass(frozen=True, slots=True)
class OperatorTexts:
    """What the operator tells users; the config gives the defaults, the admin may override."""

    support_contact: str = ""
    payment_details: str = ""  # where to send a bank transfer
    terms_text: str = ""  # /terms; the built-in terms when empty
    manual_payments: bool = True  # bank transfers offered (when details are set)


class SettingsError(ValueError):
    """A settings change was refused; ``problems`` lists why (short English sentences)."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def prices_to_json(prices: PriceSettings) -> dict[str, object]:
    data: dict[str, object] = dataclasses.asdict(prices)
    for name in _DECIMAL_FIELDS:
        data[name] = str(data[name])  # JSON numbers would go through float
    return data


def prices_from_json(raw: object) -> PriceSettings:
    """Stored prices on top of the defaults; raises SettingsError for unusable values."""
    if not isinstance(raw, Mapping):
        raise SettingsError(("prices must be an object",))
    values: dict[str, object] = {}
    for field in dataclasses.fields(PriceSettings):
        if field.name not in raw:
            continue
        value = raw[field.name]
        if field.name in _DECIMAL_FIELDS:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise SettingsError((f"{field.name} must be a decimal number",)) from None
        elif field.name == "free_per_day" and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        values[field.name] = value
    prices = dataclasses.replace(PriceSettings(), **values)  # type: ignore[arg-type]
    problems = prices.validate()
    if problems:
        raise SettingsError(problems)
    return prices


def money_in_from_json(raw: object) -> MoneyInSettings:
    """Stored money-in settings on top of the defaults; raises SettingsError if unusable."""
    if not isinstance(raw, Mapping):
        raise SettingsError(("money_in must be an object",))
    values: dict[str, object] = {}
    for field in dataclasses.fields(MoneyInSettings):
        if field.name not in raw:
            continue
        value = raw[field.name]
        if field.name not in ("stars_per_unit", "presets_minor") and (
            not isinstance(value, int) or isinstance(value, bool)
        ):
            raise SettingsError((f"{field.name} must be a whole number",))
        try:
            if field.name == "stars_per_unit":
                value = Decimal(str(value))
            elif field.name == "presets_minor":
                value = tuple(int(item) for item in value)
        except (InvalidOperation, TypeError, ValueError):
            raise SettingsError((f"{field.name} has an unusable value",)) from None
        values[field.name] = value
    money = dataclasses.replace(MoneyInSettings(), **values)  # type: ignore[arg-type]
    problems = money.validate()
    if problems:
        raise SettingsError(problems)
    return money


def money_in_to_json(money: MoneyInSettings) -> dict[str, object]:
    data: dict[str, object] = dataclasses.asdict(money)
    data["stars_per_unit"] = str(money.stars_per_unit)
    data["presets_minor"] = list(money.presets_minor)
    return data


def _check_cap(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_CAP:
        raise SettingsError((f"{name} must be a whole number from 1 to {MAX_CAP}",))
    return value


def _check_deadline(kind: str, value: object) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise SettingsError((f"the {kind} deadline must be a number of seconds",))
    if not MIN_DEADLINE_S <= value <= MAX_DEADLINE_S:
        raise SettingsError(
            (f"the {kind} deadline must be from {MIN_DEADLINE_S} to {MAX_DEADLINE_S} seconds",)
        )
    return int(value)


class RuntimeSettings:
    """Typed, cached, validated live settings. Build with :meth:`open`."""

    def __init__(
        self,
        repo: SettingsRepo,
        base_catalog: Catalog,
        operator_defaults: OperatorTexts | None = None,
    ) -> None:
        self._repo = repo
        self._base = base_catalog
        self._prices = PriceSettings()
        self._per_user_cap = DEFAULT_PER_USER_CAP
        self._global_cap = DEFAULT_GLOBAL_CAP
        self._deadlines: dict[OutputKind, int] = {}
        self._overrides: dict[str, bool] = {}
        self._catalog = base_catalog
        self._money_in = MoneyInSettings()
        self._credit_alert: Decimal | None = None
        self._operator_defaults = operator_defaults or OperatorTexts()
        self._operator_overrides: dict[str, object] = {}

    @classmethod
    async def open(
        cls, db: Database, base_catalog: Catalog, operator_defaults: OperatorTexts | None = None
    ) -> RuntimeSettings:
        service = cls(SettingsRepo(db), base_catalog, operator_defaults)
        await service.reload()
        return service

    async def reload(self) -> None:
        """Read every setting from the database into the cache."""
        stored = await self._repo.all()
        self._prices = _load(stored, PRICES_KEY, prices_from_json, PriceSettings())
        self._per_user_cap = _load(
            stored,
            PER_USER_CAP_KEY,
            lambda value: _check_cap("per_user_job_cap", value),
            DEFAULT_PER_USER_CAP,
        )
        self._global_cap = _load(
            stored,
            GLOBAL_CAP_KEY,
            lambda value: _check_cap("global_job_cap", value),
            DEFAULT_GLOBAL_CAP,
        )
        self._deadlines = _load(stored, DEADLINES_KEY, _parse_deadlines, {})
        self._overrides = _load(stored, MODELS_KEY, self._parse_overrides, {})
        self._catalog = self._base.with_overrides(self._overrides)
        self._money_in = _load(stored, MONEY_IN_KEY, money_in_from_json, MoneyInSettings())
        self._credit_alert = _load(stored, CREDIT_ALERT_KEY, _check_credit_alert, None)
        self._operator_overrides = _load(stored, OPERATOR_KEY, _parse_operator, {})

    # -- reading (synchronous: the cache is always current) ------------------------------------

    @property
    def prices(self) -> PriceSettings:
        return self._prices

    @property
    def money_in(self) -> MoneyInSettings:
        """Stars rate, top-up limits, transfer expiry, referral and welcome bonuses."""
        return self._money_in

    async def update_money_in(self, **changes: object) -> MoneyInSettings:
        """Validate and store changed money-in settings; raises SettingsError, changing nothing."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(MoneyInSettings)}
        if unknown:
            raise SettingsError((f"unknown money-in settings: {', '.join(sorted(unknown))}",))
        merged = {**money_in_to_json(self._money_in), **changes}
        if "stars_per_unit" in changes:
            merged["stars_per_unit"] = str(changes["stars_per_unit"])
        money = money_in_from_json(merged)
        await self._repo.put(MONEY_IN_KEY, money_in_to_json(money))
        self._money_in = money
        return money

    @property
    def per_user_job_cap(self) -> int:
        return self._per_user_cap

    @property
    def global_job_cap(self) -> int:
        return self._global_cap

    def timing(self, kind: OutputKind) -> JobTiming:
        """How long a job of ``kind`` may take (the admin's deadline) and usually takes."""
        default = TIMINGS[kind]
        deadline = self._deadlines.get(kind)
        return default if deadline is None else JobTiming(float(deadline), default.typical_s)

    @property
    def model_overrides(self) -> Mapping[str, bool]:
        return MappingProxyType(self._overrides)

    @property
    def base_catalog(self) -> Catalog:
        return self._base

    def catalog(self) -> Catalog:
        """The catalog with the admin's on/off choices applied."""
        return self._catalog

    def family_of(self, model_id: str) -> str:
        """The Kie API family (catalog ``endpoint``) a job of this model talks to.

        Switching a model off does not move its running jobs, so this reads the base catalog; a
        model gone from the catalog keeps the Market API, where most models live.
        """
        model = self._base.get(model_id)
        return model.endpoint if model is not None else "jobs"

    @property
    def credit_alert_default(self) -> Decimal:
        """Ten runs of the dearest enabled model, in Kie credits (0 with no model on)."""
        dearest = [dearest_run_credits(model) for model in self._catalog.enabled_models()]
        return max(dearest, default=Decimal(0)) * CREDIT_ALERT_RUNS

    @property
    def credit_alert_custom(self) -> Decimal | None:
        """The admin's own threshold, or None for the default."""
        return self._credit_alert

    @property
    def credit_alert_threshold(self) -> Decimal:
        """Below this many Kie credits the admins are alerted (once per crossing)."""
        custom = self._credit_alert
        return self.credit_alert_default if custom is None else custom

    @property
    def operator(self) -> OperatorTexts:
        """The operator's texts in force: the admin's overrides over the config's defaults."""
        return dataclasses.replace(self._operator_defaults, **self._operator_overrides)  # type: ignore[arg-type]

    @property
    def operator_overridden(self) -> frozenset[str]:
        """Which operator fields the admin changed (the others follow the config)."""
        return frozenset(self._operator_overrides)

    @property
    def payment_details(self) -> str:
        """Where users send a bank transfer; empty when manual payments are off."""
        operator = self.operator
        return operator.payment_details.strip() if operator.manual_payments else ""

    # -- writing (validated, stored, then cached) ----------------------------------------------

    async def set_operator(self, **changes: object) -> OperatorTexts:
        """Change operator texts or the manual-payments switch; None returns a field to the
        config's value. Raises SettingsError, changing nothing."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(OperatorTexts)}
        if unknown:
            raise SettingsError((f"unknown operator settings: {', '.join(sorted(unknown))}",))
        overrides = dict(self._operator_overrides)
        for name, value in changes.items():
            if value is None:
                overrides.pop(name, None)
            else:
                overrides[name] = value
        overrides = _parse_operator(overrides)
        merged = dataclasses.replace(self._operator_defaults, **overrides)  # type: ignore[arg-type]
        if changes.get("manual_payments") is True and not merged.payment_details.strip():
            raise SettingsError(("manual payments need payment details: set them first",))
        await self._repo.put(OPERATOR_KEY, overrides)
        self._operator_overrides = overrides
        log.info("operator settings changed: %s", ", ".join(sorted(changes)))
        return merged

    async def set_credit_alert(self, credits: Decimal | None) -> None:
        """Set the low-credit alert threshold; None returns it to the default."""
        if credits is None:
            await self._repo.delete(CREDIT_ALERT_KEY)
        else:
            credits = _check_credit_alert(str(credits))
            await self._repo.put(CREDIT_ALERT_KEY, str(credits))
        self._credit_alert = credits
        log.info("low-credit alert threshold: %s", "default" if credits is None else credits)

    async def set_prices(self, prices: PriceSettings) -> None:
        problems = prices.validate()
        if problems:
            raise SettingsError(problems)
        await self._repo.put(PRICES_KEY, prices_to_json(prices))
        self._prices = prices
        log.info("prices changed: %s", prices_to_json(prices))

    async def update_prices(self, **changes: object) -> PriceSettings:
        """Change some price fields (as typed values or text), keep the others."""
        unknown = set(changes) - {field.name for field in dataclasses.fields(PriceSettings)}
        if unknown:
            raise SettingsError((f"unknown price settings: {', '.join(sorted(unknown))}",))
        merged = {**prices_to_json(self._prices), **changes}
        prices = prices_from_json(merged)
        await self.set_prices(prices)
        return prices

    async def set_job_caps(
        self, *, per_user: int | None = None, global_cap: int | None = None
    ) -> None:
        if per_user is not None:
            value = _check_cap("per_user_job_cap", per_user)
            await self._repo.put(PER_USER_CAP_KEY, value)
            self._per_user_cap = value
        if global_cap is not None:
            value = _check_cap("global_job_cap", global_cap)
            await self._repo.put(GLOBAL_CAP_KEY, value)
            self._global_cap = value

    async def set_deadline(self, kind: OutputKind, seconds: float | None) -> None:
        """Set the deadline for one output kind; None returns it to the default."""
        deadlines = dict(self._deadlines)
        if seconds is None:
            deadlines.pop(kind, None)
        else:
            deadlines[kind] = _check_deadline(kind.value, seconds)
        await self._repo.put(DEADLINES_KEY, {key.value: value for key, value in deadlines.items()})
        self._deadlines = deadlines

    async def set_model_enabled(self, model_id: str, enabled: bool | None) -> None:
        """Switch a model on or off for users; None returns it to the catalog default."""
        model = self._base.get(model_id)
        if model is None:
            raise ModelUnavailable(model_id)
        if enabled and not model.supported:
            raise SettingsError((f"{model_id} uses an API this release cannot run",))
        overrides = dict(self._overrides)
        if enabled is None:
            overrides.pop(model_id, None)
        else:
            overrides[model_id] = enabled
        await self._repo.put(MODELS_KEY, overrides)
        self._overrides = overrides
        self._catalog = self._base.with_overrides(overrides)
        log.info(
            "model %s switched %s",
            model_id,
            {None: "to default", True: "on", False: "off"}[enabled],
        )

    def _parse_overrides(self, raw: object) -> dict[str, bool]:
        if not isinstance(raw, Mapping) or not all(
            isinstance(key, str) and isinstance(value, bool) for key, value in raw.items()
        ):
            raise SettingsError(("model switches must map model ids to true/false",))
        # Ids that left the catalog are dropped silently: they can no longer be chosen anyway.
        return {key: value for key, value in raw.items() if self._base.get(key) is not None}


def _parse_operator(raw: object) -> dict[str, object]:
    if not isinstance(raw, Mapping):
        raise SettingsError(("operator settings must be an object",))
    parsed: dict[str, object] = {}
    for name, value in raw.items():
        if name == "manual_payments":
            if not isinstance(value, bool):
                raise SettingsError(("manual_payments must be true or false",))
            parsed[name] = value
            continue
        limit = OPERATOR_TEXT_LIMITS.get(str(name))
        if limit is None:
            raise SettingsError((f"unknown operator setting {name!r}",))
        if not isinstance(value, str):
            raise SettingsError((f"{name} must be text",))
        text = value.strip()
        if len(text) > limit:
            raise SettingsError((f"{name} must be at most {limit} characters",))
        parsed[str(name)] = text
    return parsed


def _check_credit_alert(raw: object) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise SettingsError(("the credit alert must be a number of credits",)) from None
    if not value.is_finite() or not 0 <= value <= MAX_CREDIT_ALERT:
        raise SettingsError((f"the credit alert must be from 0 to {MAX_CREDIT_ALERT} credits",))
    return value


def _parse_deadlines(raw: object) -> dict[OutputKind, int]:
    if not isinstance(raw, Mapping):
        raise SettingsError(("deadlines must be an object",))
    deadlines: dict[OutputKind, int] = {}
    for key, value in raw.items():
        try:
            kind = OutputKind(key)
        except ValueError:
            raise SettingsError((f"no output kind {key!r}",)) from None
        deadlines[kind] = _check_deadline(kind.value, value)
    return deadlines


def _load(stored: Mapping[str, object], key: str, parse: Callable[[object], T], default: T) -> T:
    if key not in stored:
        return default
    try:
        return parse(stored[key])
    except SettingsError as exc:
        log.warning("stored setting %r is unusable (%s); using the default", key, exc)
        return default
