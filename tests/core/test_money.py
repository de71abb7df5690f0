"""Formatting and parsing money in integer minor units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trt_local.core import AmountError, AmountErrorCode, format_money, parse_amount
from trt_local.core.money import MAX_AMOUNT_MINOR


@pytest.mark.parametrize(
    ("minor", "currency", "lang", "text"),
    [
        (1234, "RUB", "ru", "12,34 ₽"),
        (1234, "RUB", "en", "₽12.34"),
        (1500, "RUB", "ru", "15 ₽"),
        (1500, "RUB", "en", "₽15"),
        (5, "RUB", "ru", "0,05 ₽"),
        (0, "RUB", "ru", "0 ₽"),
        (123456789, "RUB", "ru", "1 234 567,89 ₽"),
        (100000, "USD", "en", "$1 000"),
        (-250, "EUR", "en", "-€2.50"),
        (-250, "RUB", "ru", "-2,50 ₽"),
        (4200, "XTR", "en", "42 XTR"),
    ],
)
def test_format_money(minor: int, currency: str, lang: str, text: str) -> None:
    assert format_money(minor, currency, lang) == text


def test_format_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        format_money(12.34, "RUB", "ru")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("150", 15000),
        ("150.5", 15050),
        ("150,50", 15050),
        (" 1 000 ", 100000),
        ("1\u00a0000,01", 100001),
        ("0,01", 1),
        ("150 ₽", 15000),
        ("₽150", 15000),
        ("150 руб.", 15000),
        ("150р", 15000),
        ("+20", 2000),
        ("007", 700),
    ],
)
def test_parse_amount(text: str, minor: int) -> None:
    assert parse_amount(text) == minor


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", AmountErrorCode.EMPTY),
        ("   ", AmountErrorCode.EMPTY),
        ("abc", AmountErrorCode.INVALID),
        ("1e5", AmountErrorCode.INVALID),
        ("12.3.4", AmountErrorCode.INVALID),
        ("10 00", AmountErrorCode.INVALID),  # not a thousands grouping
        ("١٢٣", AmountErrorCode.INVALID),  # non-ASCII digits
        ("-5", AmountErrorCode.NEGATIVE),
        ("−5,50", AmountErrorCode.NEGATIVE),
        ("1,000", AmountErrorCode.TOO_MANY_DECIMALS),
        ("0.005", AmountErrorCode.TOO_MANY_DECIMALS),
        ("99999999999999999999999999", AmountErrorCode.TOO_LARGE),
        ("10 000 001", AmountErrorCode.TOO_LARGE),
    ],
)
def test_parse_amount_rejects(text: str, code: AmountErrorCode) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code is code
    assert isinstance(caught.value, ValueError)
    assert str(caught.value)  # a clear message for logs and developers


def test_parse_amount_respects_a_custom_limit() -> None:
    assert parse_amount("500", max_minor=50_000) == 50_000
    with pytest.raises(AmountError) as caught:
        parse_amount("500.01", max_minor=50_000)
    assert caught.value.max_minor == 50_000


@given(
    minor=st.integers(min_value=0, max_value=MAX_AMOUNT_MINOR),
    currency=st.sampled_from(["RUB", "USD", "EUR"]),
    lang=st.sampled_from(["ru", "en"]),
)
def test_formatted_amounts_parse_back(minor: int, currency: str, lang: str) -> None:
    assert parse_amount(format_money(minor, currency, lang)) == minor
