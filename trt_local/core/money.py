"""Money as integer minor units: formatting for people and parsing what people type.

Amounts are always ``int`` minor units (kopecks, cents); floats are refused. Formatting groups
thousands with spaces in both languages, so every formatted amount parses back to itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from trt_local.core.errors import AmountError, AmountErrorCode

MINOR_PER_MAJOR = 100
MAX_AMOUNT_MINOR = 10_000_000 * MINOR_PER_MAJOR  # ten million in major units: beyond any top-up

CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType({"RUB": "₽", "USD": "$", "EUR": "€"})

# Spaces people (and formatters) put between digit groups: space, no-break, thin, narrow no-break.
_GROUP_SPACES = " \u00a0\u2009\u202f"
_AFFIX = re.compile(
    r"^(?:[₽$€]|rub|rur|usd|eur)?\s*(?P<body>.*?)\s*(?:[₽$€]|руб\.?|р\.?|rub|rur|usd|eur)?$",
    re.IGNORECASE | re.DOTALL,
)
_NUMBER = re.compile(
    r"(?P<whole>[0-9]+(?:[" + _GROUP_SPACES + r"][0-9]{3})*)(?:[.,](?P<frac>[0-9]*))?"
)


def format_money(minor: int, currency: str, lang: str) -> str:
    """``"1 234,56 ₽"`` in Russian, ``"₽1 234.56"`` in English; whole amounts without decimals."""
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise TypeError("money amounts are integer minor units")
    major, cents = divmod(abs(minor), MINOR_PER_MAJOR)
    russian = lang.lower().startswith("ru")
    number = _group(major)
    if cents:
        number += ("," if russian else ".") + f"{cents:02d}"
    sign = "-" if minor < 0 else ""
    code = currency.upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if russian or symbol is None:
        return f"{sign}{number} {symbol or code}"
    return f"{sign}{symbol}{number}"


def parse_amount(text: str, *, max_minor: int = MAX_AMOUNT_MINOR) -> int:
    """Minor units from what a person typed: ``"150"``, ``"150.5"``, ``"150,50"``, ``" 1 000 "``.

    A currency sign or ``руб``/``р`` around the number is accepted. Raises :class:`AmountError`
    for empty, malformed or negative input, more than 2 decimals, or more than ``max_minor``.
    """
    stripped = text.strip()
    if not stripped:
        raise AmountError(AmountErrorCode.EMPTY)
    negative = stripped[0] in "-−"  # ASCII hyphen-minus or the Unicode minus sign
    if negative or stripped[0] == "+":
        stripped = stripped[1:].lstrip()
    affix = _AFFIX.fullmatch(stripped)
    match = _NUMBER.fullmatch(affix.group("body") if affix else stripped)
    if match is None:
        raise AmountError(AmountErrorCode.INVALID)
    if negative:
        raise AmountError(AmountErrorCode.NEGATIVE)
    whole = "".join(ch for ch in match.group("whole") if ch.isdigit())
    frac = match.group("frac") or ""
    if len(frac) > 2:
        raise AmountError(AmountErrorCode.TOO_MANY_DECIMALS)
    if len(whole.lstrip("0")) > len(str(max_minor)):  # cheap guard before int() on huge input
        raise AmountError(AmountErrorCode.TOO_LARGE, max_minor=max_minor)
    minor = int(whole) * MINOR_PER_MAJOR + int(frac.ljust(2, "0"))
    if minor > max_minor:
        raise AmountError(AmountErrorCode.TOO_LARGE, max_minor=max_minor)
    return minor


def parse_delta(text: str) -> int:
    """A signed change: ``+150``, ``-20.5``, ``150`` → signed minor units; AmountError otherwise."""
    stripped = text.strip()
    sign = -1 if stripped[:1] in ("-", "−") else 1
    if stripped[:1] in ("-", "−", "+"):
        stripped = stripped[1:]
    return sign * parse_amount(stripped)


def _group(number: int) -> str:
    """Digits in groups of three separated by spaces: ``1234567`` → ``"1 234 567"``."""
    return f"{number:,}".replace(",", " ")
