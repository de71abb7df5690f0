"""What a generation costs: Kie credits for given params, and the user's price (the quote).

:func:`quote` is the one function every screen and the charge use, so the price a user sees is the
price they pay. Prices never undercharge: when the params do not pin the cost down (an unmatched
variant, an unknown media length, a megapixel estimate), the upper bound is quoted and the
estimate is marked ``exact=False``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trt_local.core.inputs import InputSpec, InputType
from trt_local.core.model_spec import ModelSpec
from trt_local.core.money import CURRENCY_SYMBOLS, MINOR_PER_MAJOR
from trt_local.core.pricing_rule import PricingRule, PricingUnit, count_of, max_count
from trt_local.core.scalars import is_number, same_value, to_decimal

MAX_FREE_PER_DAY = 1000

# Output sizes of the fal-style image_size presets Kie's market models use; Kie bills megapixels,
# we round each image up to whole megapixels as an upper bound.
_PRESET_PIXELS: Mapping[str, tuple[int, int]] = {
    "square": (512, 512),
    "square_hd": (1024, 1024),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}


@dataclass(frozen=True, slots=True)
class PriceSettings:
    """Admin-editable pricing. ``rub_per_usd`` is really "units of ``currency`` per USD"."""

    usd_per_credit: Decimal = Decimal("0.005")
    rub_per_usd: Decimal = Decimal("78.6")
    markup: Decimal = Decimal("2.0")
    currency: str = "RUB"
    free_per_day: int = 5
    timezone: str = "Europe/Moscow"

    def validate(self) -> tuple[str, ...]:
        """Problems that make these settings unusable (empty when they are fine)."""
        problems: list[str] = []
        for name in ("usd_per_credit", "rub_per_usd", "markup"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
                problems.append(f"{name} must be a positive decimal number")
        if isinstance(self.markup, Decimal) and self.markup.is_finite() and 0 < self.markup < 1:
            problems.append("markup below 1 sells below the Kie cost")
        if self.currency not in CURRENCY_SYMBOLS:
            problems.append(f"currency must be one of {', '.join(sorted(CURRENCY_SYMBOLS))}")
        free = self.free_per_day
        if not isinstance(free, int) or isinstance(free, bool) or not 0 <= free <= MAX_FREE_PER_DAY:
            problems.append(f"free_per_day must be a whole number from 0 to {MAX_FREE_PER_DAY}")
        if not _is_time_zone(self.timezone):
            problems.append(f"timezone {self.timezone!r} is not a known IANA time zone")
        return tuple(problems)


@dataclass(frozen=True, slots=True)
class CreditEstimate:
    credits: Decimal
    exact: bool  # False: an upper bound (the real cost may be lower, never higher)


class QuoteBasis(StrEnum):
    PAID = "paid"
    FREE = "free"  # covered by the daily free quota, or by a granted free generation
    ADMIN = "admin"  # admins generate for free


@dataclass(frozen=True, slots=True)
class Quote:
    price_minor: int  # what the user pays now, in minor units (0 for free and admin)
    credits: Decimal
    basis: QuoteBasis
    free_left: int  # free generations left today before this one
    exact: bool = True
    list_price_minor: int = 0  # the paid price, shown next to "free" for context
    bonus_left: int = 0  # granted free generations (promo, referral) before this one
    uses_bonus: bool = False  # free, and paid for by a granted free generation


class PriceSeen(NamedTuple):
    """The price and basis a user saw on the confirm screen: confirm charges that or nothing."""

    price_minor: int
    basis: QuoteBasis

    @classmethod
    def of(cls, quote: Quote) -> PriceSeen:
        return cls(quote.price_minor, quote.basis)


def effective_params(model: ModelSpec, params: Mapping[str, object]) -> dict[str, object]:
    """``params`` restricted to the model's inputs, with catalog defaults for missing ones."""
    values: dict[str, object] = {}
    for spec in model.inputs:
        value = params.get(spec.name)
        if value is None:
            value = spec.default
        if value is not None:
            values[spec.name] = value
    return values


def credits_for(
    model: ModelSpec, params: Mapping[str, object], *, media_seconds: float | None = None
) -> CreditEstimate:
    """Kie credits for one run with ``params`` (typed values, as ``build_kie_input`` takes).

    ``media_seconds`` is the length of the uploaded audio/video when the price depends on it.
    """
    if media_seconds is not None and not (math.isfinite(media_seconds) and media_seconds >= 0):
        raise ValueError("media_seconds must be a non-negative finite number")
    rule = model.pricing
    values = effective_params(model, params)
    per_unit, rate_exact = _rate(rule, values)
    units, units_exact = _units(model, rule, values, media_seconds)
    return CreditEstimate(per_unit * units, rate_exact and units_exact)


def dearest_run_credits(model: ModelSpec) -> Decimal:
    """The most one run of ``model`` can cost in Kie credits: its dearest priced variant."""
    variants: list[Mapping[str, object]] = [{}, *(case.when for case in model.pricing.by)]
    return max(credits_for(model, variant).credits for variant in variants)


def credits_value_minor(credits: Decimal, settings: PriceSettings) -> int:
    """What ``credits`` cost at Kie's rate in the bot's currency (no markup), rounded down."""
    major = credits * settings.usd_per_credit * settings.rub_per_usd
    return int((major * MINOR_PER_MAJOR).to_integral_value(rounding=ROUND_FLOOR))


def credits_to_minor(credits: Decimal, settings: PriceSettings) -> int:
    """Price in minor units for ``credits``, rounded up to a whole minor unit."""
    factors = (settings.usd_per_credit, settings.rub_per_usd, settings.markup)
    if credits < 0 or any(not factor.is_finite() or factor <= 0 for factor in factors):
        raise ValueError("credits and price settings must be positive")
    major = credits * settings.usd_per_credit * settings.rub_per_usd * settings.markup
    return int((major * MINOR_PER_MAJOR).to_integral_value(rounding=ROUND_CEILING))


def quote(
    model: ModelSpec,
    params: Mapping[str, object],
    *,
    is_admin: bool,
    free_used_today: int,
    settings: PriceSettings,
    media_seconds: float | None = None,
    bonus_free: int = 0,
) -> Quote:
    """The price of one run for this user now; used by every screen and by the charge.

    A free model's free variant is free while today's quota lasts, then while granted free
    generations (``bonus_free``) last; today's quota is used first, as it expires.
    """
    estimate = credits_for(model, params, media_seconds=media_seconds)
    list_price = credits_to_minor(estimate.credits, settings)
    # used may be below zero: failed free generations given back to today (settlement)
    free_left = max(0, settings.free_per_day - free_used_today)
    bonus_left = max(0, bonus_free)
    uses_bonus = False
    if is_admin:
        basis, price = QuoteBasis.ADMIN, 0
    elif model.free and (free_left or bonus_left) and _free_variant(model, params):
        basis, price, uses_bonus = QuoteBasis.FREE, 0, free_left == 0
    else:
        basis, price = QuoteBasis.PAID, list_price
    return Quote(
        price,
        estimate.credits,
        basis,
        free_left,
        estimate.exact,
        list_price,
        bonus_left=bonus_left,
        uses_bonus=uses_bonus,
    )


def _free_variant(model: ModelSpec, params: Mapping[str, object]) -> bool:
    """Whether this run is the variant the free quota covers (all of them unless ``free_when``)."""
    values = effective_params(model, params)
    return all(same_value(values.get(name), value) for name, value in model.free_when.items())


def local_day(now: datetime, tz: str | tzinfo) -> date:
    """The calendar day of ``now`` in ``tz``: the boundary of the daily free quota."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("local_day needs a timezone-aware datetime")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return now.astimezone(zone).date()


def quota_day(now: float, settings: PriceSettings) -> str:
    """The free-quota day (``YYYY-MM-DD``) of the timestamp ``now`` in the configured zone."""
    return local_day(datetime.fromtimestamp(now, UTC), settings.timezone).isoformat()


def next_quota_reset(now: float, settings: PriceSettings) -> float:
    """When the free quota of the day of ``now`` renews: the next midnight in the configured zone."""
    zone = ZoneInfo(settings.timezone)
    today = local_day(datetime.fromtimestamp(now, UTC), zone)
    return datetime.combine(today + timedelta(days=1), time.min, zone).timestamp()


def _is_time_zone(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _rate(rule: PricingRule, values: Mapping[str, object]) -> tuple[Decimal, bool]:
    """Credits per unit: the first matching ``by`` case, else the base (or the dearest case)."""
    for case in rule.cases_most_specific_first():
        if all(same_value(values.get(name), want) for name, want in case.when.items()):
            return case.credits, True
    if not rule.by:
        return rule.base_credits, True
    # No case matches (an invalid combination, or Kie's own default applies): never undercharge.
    return rule.highest_credits, False


def _units(
    model: ModelSpec,
    rule: PricingRule,
    values: Mapping[str, object],
    media_seconds: float | None,
) -> tuple[Decimal, bool]:
    per = model.input(rule.per) if rule.per else None
    unit = rule.unit
    if unit is PricingUnit.MEGAPIXEL:
        megapixels = _megapixels(rule, values)
        count, _ = _count(per, values) if per else (1, True)
        return megapixels * count, False
    if per is None:
        return Decimal(1), True
    if unit in (PricingUnit.RUN, PricingUnit.IMAGE):
        count, exact = _count(per, values)
        return Decimal(count), exact
    if unit is PricingUnit.THOUSAND_CHARS:
        text = values.get(per.name)
        if isinstance(text, str):
            return Decimal(max(1, math.ceil(len(text) / 1000))), True
        return Decimal(math.ceil((per.max_length or 1000) / 1000)), False
    return _length_units(rule, per, values, media_seconds)


def _count(per: InputSpec, values: Mapping[str, object]) -> tuple[int, bool]:
    count = count_of(values.get(per.name))
    if count is None:
        return max_count(per) or 1, False
    # max_images is a ceiling: Kie bills the images it returns, which may be fewer.
    return count, count == 1 or not per.name.startswith("max_")


def _length_units(
    rule: PricingRule, per: InputSpec, values: Mapping[str, object], media_seconds: float | None
) -> tuple[Decimal, bool]:
    seconds_per_unit = 60 if rule.unit is PricingUnit.MINUTE else 1
    if per.type in (InputType.AUDIO_URL, InputType.VIDEO_URL):
        if media_seconds is None:
            return rule.max_units or Decimal(1), False
        units = math.ceil(media_seconds / seconds_per_unit)
        return Decimal(max(1, units)), True
    value = values.get(per.name)
    amount = to_decimal(value) if is_number(value) else to_decimal(per.max)
    if amount is None:
        return rule.max_units or Decimal(1), False
    rounded = amount.to_integral_value(rounding=ROUND_CEILING)
    return max(Decimal(1), rounded), rounded == amount and is_number(value)


def _megapixels(rule: PricingRule, values: Mapping[str, object]) -> Decimal:
    preset = values.get("image_size")
    size = _PRESET_PIXELS.get(preset) if isinstance(preset, str) else None
    if size is not None:
        return Decimal(math.ceil(size[0] * size[1] / 1_000_000))
    if rule.max_units is not None:
        return rule.max_units
    return Decimal(max(math.ceil(w * h / 1_000_000) for w, h in _PRESET_PIXELS.values()))
