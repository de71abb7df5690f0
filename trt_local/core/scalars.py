"""JSON scalar values as the catalog types them, compared strictly.

Kie wants enum values exactly as documented: ``"5"`` and ``5`` are different values, and so are
``True`` and ``1`` even though Python says ``True == 1``. Everything that matches catalog values
goes through :func:`same_value`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeAlias

Scalar: TypeAlias = str | int | float | bool
"""A JSON scalar as it appears in the catalog (enum members, defaults, ``when`` values)."""

Value: TypeAlias = str | int | float | bool | tuple[str, ...]
"""A typed input value: a scalar, or a tuple of URLs for list inputs."""


def is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def is_number(value: object) -> bool:
    """True for int and float, but not bool (a JSON ``true`` is not the number 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_value(a: object, b: object) -> bool:
    """Equality that keeps bools apart from numbers and strings apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return a == b


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal for a JSON number (floats via their shortest repr), else None."""
    if isinstance(value, Decimal):
        result = value
    elif is_number(value):
        try:
            result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


def display(value: object) -> str:
    """A short text form of a scalar for problem messages (never used for user input)."""
    return repr(value) if isinstance(value, str) else str(value)
