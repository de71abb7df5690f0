"""The ``pricing`` object of a catalog entry: how many Kie credits one run costs.

Format (kie/API.md, top): ``unit`` (run|second|image|megapixel|1000_chars|minute), ``base_credits``,
``by`` (exact matches on input values, most specific first, each with its own credits), ``per`` (the
input holding the count/length, or null), ``source``, ``confidence`` (low = keep disabled until a
paid run confirms it). We add ``max_units``: the most units one run may take when the length of an
uploaded medium is unknown (it is also the longest medium the bot accepts for that model).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from trt_local.core.catalog_fields import (
    EntryError,
    as_object,
    opt_credits,
    opt_str,
    reject_unknown,
    req_credits,
    req_str,
)
from trt_local.core.errors import InputError
from trt_local.core.inputs import InputSpec, InputType, check_value
from trt_local.core.scalars import Scalar, display


class PricingUnit(StrEnum):
    RUN = "run"
    SECOND = "second"
    IMAGE = "image"
    MEGAPIXEL = "megapixel"
    THOUSAND_CHARS = "1000_chars"
    MINUTE = "minute"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class PriceCase(NamedTuple):
    """One ``by`` entry: when every input in ``when`` has exactly that value, ``credits`` apply."""

    when: Mapping[str, Scalar]
    credits: Decimal


@dataclass(frozen=True, slots=True)
class PricingRule:
    unit: PricingUnit
    base_credits: Decimal
    by: tuple[PriceCase, ...] = ()
    per: str | None = None
    confidence: Confidence = Confidence.HIGH
    source: str = ""
    max_units: Decimal | None = None

    def cases_most_specific_first(self) -> tuple[PriceCase, ...]:
        """``by`` sorted by the number of conditions, keeping file order among equals."""
        return tuple(sorted(self.by, key=lambda case: -len(case.when)))

    @property
    def highest_credits(self) -> Decimal:
        """The dearest per-unit price this rule can produce (the never-undercharge fallback)."""
        return max([self.base_credits, *(case.credits for case in self.by)])


_PRICING_FIELDS = ("unit", "base_credits", "by", "per", "source", "confidence", "max_units")
_COUNT_UNITS = (PricingUnit.RUN, PricingUnit.IMAGE, PricingUnit.MEGAPIXEL)
_LENGTH_UNITS = (PricingUnit.SECOND, PricingUnit.MINUTE)
_MEDIA_LENGTH_TYPES = (InputType.AUDIO_URL, InputType.VIDEO_URL)


def parse_pricing_rule(raw: object, inputs: Mapping[str, InputSpec]) -> PricingRule:
    """Build a :class:`PricingRule` for a model with ``inputs``, or raise ``EntryError``."""
    obj = as_object(raw, "pricing")
    reject_unknown(obj, _PRICING_FIELDS, "pricing")
    try:
        unit = PricingUnit(req_str(obj, "unit"))
    except ValueError:
        raise EntryError(f"pricing unit {obj.get('unit')!r} is unknown") from None
    try:
        confidence = Confidence(opt_str(obj, "confidence", "high"))
    except ValueError:
        raise EntryError(f"pricing confidence {obj.get('confidence')!r} is unknown") from None
    per = obj.get("per")
    if per is not None and not isinstance(per, str):
        raise EntryError("pricing 'per' must be an input name or null")
    max_units = opt_credits(obj, "max_units")
    if max_units is not None and max_units <= 0:
        raise EntryError("pricing 'max_units' must be positive")
    rule = PricingRule(
        unit=unit,
        base_credits=req_credits(obj, "base_credits"),
        by=_parse_cases(obj.get("by"), inputs),
        per=per,
        confidence=confidence,
        source=opt_str(obj, "source"),
        max_units=max_units,
    )
    _check_per(rule, inputs)
    return rule


def _parse_cases(raw: object, inputs: Mapping[str, InputSpec]) -> tuple[PriceCase, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise EntryError("pricing 'by' must be a list")
    cases: list[PriceCase] = []
    for index, item in enumerate(raw):
        obj = as_object(item, f"pricing.by[{index}]")
        reject_unknown(obj, ("when", "credits"), f"pricing.by[{index}]")
        when = as_object(obj.get("when"), f"pricing.by[{index}].when")
        if not when:
            raise EntryError(f"pricing.by[{index}].when is empty")
        typed: dict[str, Scalar] = {}
        for name, value in when.items():
            spec = inputs.get(name)
            if spec is None:
                raise EntryError(f"pricing.by[{index}] names unknown input '{name}'")
            typed[name] = _case_value(spec, value, index)
        credits = req_credits(obj, "credits")
        cases.append(PriceCase(MappingProxyType(typed), credits))
    return tuple(cases)


def _case_value(spec: InputSpec, value: object, index: int) -> Scalar:
    if spec.is_media:
        raise EntryError(f"pricing.by[{index}] cannot match on media input '{spec.name}'")
    try:
        checked = check_value(spec, value)
    except InputError:
        raise EntryError(
            f"pricing.by[{index}]: {display(value)} is not a valid value of '{spec.name}'"
        ) from None
    if isinstance(checked, tuple):
        raise EntryError(f"pricing.by[{index}] cannot match on list input '{spec.name}'")
    return checked


def count_of(value: object) -> int | None:
    """A positive count from a count input's value (``2`` or ``"2"``), else None."""
    if isinstance(value, str):
        digits = value.isascii() and value.isdigit()
        return int(value) if digits and int(value) > 0 else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not float(value).is_integer() or value <= 0:
        return None
    return int(value)


def max_count(spec: InputSpec) -> int | None:
    """The largest count a count input (``num_images``, ``max_images``) allows, else None."""
    if spec.type is InputType.INT:
        return count_of(spec.max)
    if spec.type is InputType.ENUM and spec.enum:
        counts = [count_of(member) for member in spec.enum]
        return None if None in counts else max(c for c in counts if c is not None)
    return None


def _check_per(rule: PricingRule, inputs: Mapping[str, InputSpec]) -> None:
    unit = rule.unit
    if rule.per is None:
        if unit in (*_LENGTH_UNITS, PricingUnit.THOUSAND_CHARS):
            raise EntryError(f"pricing unit {unit.value} needs 'per' (the input measured)")
        if unit is PricingUnit.MEGAPIXEL and "image_size" not in inputs and not rule.max_units:
            raise EntryError("megapixel pricing needs an image_size input or max_units")
        return
    spec = inputs.get(rule.per)
    if spec is None:
        raise EntryError(f"pricing 'per' names unknown input '{rule.per}'")
    if unit in _COUNT_UNITS:
        if max_count(spec) is None:
            raise EntryError(f"pricing 'per' input '{spec.name}' is not a bounded count")
        if unit is PricingUnit.MEGAPIXEL and "image_size" not in inputs and not rule.max_units:
            raise EntryError("megapixel pricing needs an image_size input or max_units")
    elif unit is PricingUnit.THOUSAND_CHARS:
        if spec.type is not InputType.STRING or spec.max_length is None:
            raise EntryError("1000_chars pricing needs a string input with max_length as 'per'")
    elif spec.type in _MEDIA_LENGTH_TYPES:
        if rule.max_units is None:
            raise EntryError(f"pricing per {spec.name} needs max_units (the longest accepted)")
    elif spec.type not in (InputType.INT, InputType.FLOAT) or spec.max is None:
        raise EntryError(f"pricing per {unit.value} needs a bounded number or a media input")
