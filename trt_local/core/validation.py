"""Turning what a user typed into typed input values, and building Kie's createTask ``input``.

Checks run locally before anything is paid for (kie/API.md §11), so a user gets an instant reason
instead of a paid failure. Reasons are :class:`InputError` codes with params; the bot translates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from trt_local.core.errors import InputError, InputErrorCode
from trt_local.core.inputs import InputSpec, InputType, check_value, validate_media_url
from trt_local.core.model_spec import ModelSpec
from trt_local.core.pricing_rule import PricingUnit
from trt_local.core.scalars import Value

__all__ = [
    "append_media",
    "build_kie_input",
    "check_media_duration",
    "check_value",
    "validate_media_url",
    "validate_value",
]

_TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1", "да", "д", "вкл"})
_FALSE_WORDS = frozenset({"false", "no", "n", "off", "0", "нет", "н", "выкл"})
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})")


def validate_value(spec: InputSpec, raw: str) -> Value:
    """Convert user text for ``spec`` into its typed value, or raise :class:`InputError`."""
    text = raw.strip()
    if not text:
        raise InputError(InputErrorCode.EMPTY, field=spec.name)
    kind = spec.type
    if kind is InputType.ENUM:
        return check_value(spec, _enum_member(spec, text))
    if kind is InputType.BOOL:
        word = text.casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise InputError(InputErrorCode.NOT_BOOL, field=spec.name)
    if kind is InputType.INT:
        if not _INT.fullmatch(text):
            raise InputError(InputErrorCode.NOT_INT, field=spec.name)
        return check_value(spec, int(text))
    if kind is InputType.FLOAT:
        normalised = text.replace(",", ".")
        if not _FLOAT.fullmatch(normalised):
            raise InputError(InputErrorCode.NOT_NUMBER, field=spec.name)
        return check_value(spec, float(normalised))
    if kind is InputType.IMAGE_URLS:
        return append_media(spec, (), text)
    return check_value(spec, text)


def append_media(spec: InputSpec, current: tuple[str, ...], url: str) -> tuple[str, ...]:
    """``current`` plus one more uploaded file URL for a list input, within ``max_items``."""
    if spec.type is not InputType.IMAGE_URLS:
        raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
    if spec.max_items is not None and len(current) >= spec.max_items:
        raise InputError(
            InputErrorCode.TOO_MANY_ITEMS, field=spec.name, params={"limit": spec.max_items}
        )
    return (*current, validate_media_url(url, field=spec.name))


def build_kie_input(model: ModelSpec, values: Mapping[str, object]) -> dict[str, object]:
    """The ``input`` object of createTask for ``model``.

    Only inputs the model defines are sent (unknown fields can cause a 422). A missing required
    input takes its default or raises ``MISSING_REQUIRED``. Inputs the price depends on are always
    sent (with their default when not given), so Kie bills the variant that was quoted. Values
    keep the catalog's JSON types; text values (e.g. from a stored draft) are converted first.
    """
    price_inputs = _price_inputs(model)
    payload: dict[str, object] = {}
    for spec in model.inputs:
        required = model.requires(spec, values)  # e.g. Suno's style and title in custom mode
        value = values.get(spec.name)
        if value is None:
            value = spec.default if (required or spec.name in price_inputs) else None
        if value is None:
            if required:
                raise InputError(InputErrorCode.MISSING_REQUIRED, field=spec.name)
            continue
        typed = _typed(spec, value)
        if required and typed in ("", ()):
            raise InputError(InputErrorCode.MISSING_REQUIRED, field=spec.name)
        payload[spec.name] = list(typed) if isinstance(typed, tuple) else typed
    return payload


def check_media_duration(model: ModelSpec, seconds: float) -> None:
    """Refuse an uploaded medium longer than the pricing's ``max_units`` allows."""
    rule = model.pricing
    if rule.max_units is None or rule.per is None:
        return
    spec = model.input(rule.per)
    if spec is None or spec.type not in (InputType.AUDIO_URL, InputType.VIDEO_URL):
        return
    limit = float(rule.max_units) * (60 if rule.unit is PricingUnit.MINUTE else 1)
    if not math.isfinite(seconds) or seconds > limit:
        raise InputError(
            InputErrorCode.MEDIA_TOO_LONG, field=spec.name, params={"limit_seconds": limit}
        )


def _typed(spec: InputSpec, value: object) -> Value:
    # A stored draft may hold text for a typed field; convert it the way user text is converted.
    if isinstance(value, str) and spec.type in (
        InputType.ENUM,
        InputType.BOOL,
        InputType.INT,
        InputType.FLOAT,
        InputType.IMAGE_URLS,
    ):
        if spec.type is InputType.ENUM and _strict_member(spec, value):
            return check_value(spec, value)
        return validate_value(spec, value)
    return check_value(spec, value)


def _strict_member(spec: InputSpec, value: str) -> bool:
    return any(isinstance(member, str) and member == value for member in spec.enum or ())


def _enum_member(spec: InputSpec, text: str) -> object:
    """The catalog member whose text form is ``text`` (exactly, else ignoring case)."""
    members = spec.enum or ()
    for member in members:
        if _text_of(member) == text:
            return member
    folded = text.casefold()
    for member in members:
        if _text_of(member).casefold() == folded:
            return member
    return text


def _text_of(member: object) -> str:
    if isinstance(member, bool):
        return "true" if member else "false"
    return str(member)


def _price_inputs(model: ModelSpec) -> frozenset[str]:
    names = {name for case in model.pricing.by for name in case.when}
    if model.pricing.per:
        names.add(model.pricing.per)
    if model.pricing.unit is PricingUnit.MEGAPIXEL:
        names.add("image_size")
    return frozenset(names)
