"""Typed readers for the fields of raw (decoded JSON) catalog entries.

Each reader returns the field in its Python type or raises :class:`EntryError` with a short
description; the loader turns that into one line of ``Catalog.problems`` and skips the entry.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from trt_local.core.scalars import to_decimal


class EntryError(Exception):
    """One catalog entry (or a part of it) is malformed; the message says where and why."""


def as_object(raw: object, what: str) -> Mapping[str, object]:
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise EntryError(f"{what} must be an object")
    return raw


def reject_unknown(raw: Mapping[str, object], allowed: Iterable[str], what: str) -> None:
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise EntryError(f"{what} has unknown field(s): {', '.join(unknown)}")


def req_str(raw: Mapping[str, object], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EntryError(f"'{key}' must be a non-empty string")
    return value


def opt_str(raw: Mapping[str, object], key: str, default: str = "") -> str:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise EntryError(f"'{key}' must be a string")
    return value


def opt_bool(raw: Mapping[str, object], key: str, default: bool | None) -> bool | None:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise EntryError(f"'{key}' must be true or false")
    return value


def opt_number(raw: Mapping[str, object], key: str) -> int | float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise EntryError(f"'{key}' must be a finite number")
    return value


def opt_positive_int(raw: Mapping[str, object], key: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise EntryError(f"'{key}' must be a positive integer")
    return value


def req_credits(raw: Mapping[str, object], key: str) -> Decimal:
    """A non-negative credit amount, exact (JSON floats are read through their repr)."""
    amount = to_decimal(raw.get(key))
    if amount is None or isinstance(raw.get(key), bool):
        raise EntryError(f"'{key}' must be a number")
    if amount < 0:
        raise EntryError(f"'{key}' must not be negative")
    return amount


def opt_credits(raw: Mapping[str, object], key: str) -> Decimal | None:
    return None if raw.get(key) is None else req_credits(raw, key)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def opt_date(raw: Mapping[str, object], key: str) -> dt.date | None:
    """A calendar date written ``YYYY-MM-DD`` (a real date: 2026-02-30 is refused)."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise EntryError(f"'{key}' must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EntryError(f"'{key}' {value!r} is not a real date") from None
