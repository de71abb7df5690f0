"""Small pure pieces: callback codec, anti-flood buckets, log redaction, language choice."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trt_local.bot import codec
from trt_local.bot.antiflood import AntiFlood
from trt_local.logs import RedactingFormatter
from trt_local.services.users import resolve_language

TOKEN_PART = st.text(alphabet="abcXYZ019_.-~", min_size=1, max_size=10)


@given(action=TOKEN_PART, args=st.lists(TOKEN_PART, max_size=4))
def test_codec_round_trips(action: str, args: list[str]) -> None:
    data = codec.encode(action, *args)
    assert len(data.encode()) <= codec.MAX_BYTES
    assert codec.decode(data) == codec.Callback(action, tuple(args))


@pytest.mark.parametrize(
    "garbage", [None, "", "menu", "2|menu", "1|", "1|me nu", "1|" + "x" * 70, "1|a|ü"]
)
def test_codec_rejects_garbage(garbage: str | None) -> None:
    assert codec.decode(garbage) is None


@pytest.mark.parametrize(
    ("arg", "number"),
    [("0", 0), ("42", 42), ("9223372036854775807", 2**63 - 1), ("9223372036854775808", None)],
)
def test_codec_numbers_fit_a_query(arg: str, number: int | None) -> None:
    assert codec.Callback("job", (arg,)).number(0) == number


@pytest.mark.parametrize("text", ["", "-1", "1.5", "²", "٧", "x1", " 1"])
def test_codec_numbers_are_ascii_digits_only(text: str) -> None:
    assert codec.parse_number(text) is None
    assert codec.Callback("job").number(0) is None


def test_codec_refuses_to_build_oversized_data() -> None:
    with pytest.raises(codec.CallbackTooLong):
        codec.encode("model", "x" * 40, "y" * 30)


def test_antiflood_allows_burst_then_says_how_long_to_wait_once() -> None:
    now = [1000.0]
    flood = AntiFlood(rate=1.5, burst=5, clock=lambda: now[0])
    assert all(flood.check(1).allowed for _ in range(5))
    first, second = flood.check(1), flood.check(1)
    assert not first.allowed and first.warn and first.retry_after >= 1
    assert not second.allowed and not second.warn
    assert flood.check(2).allowed  # other users are unaffected
    now[0] += 1.0  # 1.5 tokens refilled
    assert flood.check(1).allowed


def test_redaction_removes_secrets_from_messages_and_tracebacks() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    formatter = RedactingFormatter([token, "kie-secret-key"])
    try:
        raise RuntimeError(f"The token `{token}` was rejected; Bearer kie-secret-key")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "url https://api.telegram.org/bot%s/getMe",
            (token,),
            sys.exc_info(),
        )
    text = formatter.format(record)
    assert token not in text and "kie-secret-key" not in text
    assert "RuntimeError" in text  # the traceback itself survives


def test_redaction_catches_unknown_token_shapes() -> None:
    formatter = RedactingFormatter()
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "GET /bot987654321:ABCDEFGHIJKLMNOPQRSTUVWXYZ/getMe",
        (),
        None,
    )
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" not in formatter.format(record)


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [
        (None, "ru", "ru"),
        (None, "uk", "ru"),
        (None, "en-US", "en"),
        (None, None, "en"),
        ("en", "ru", "en"),
        ("ru", "de", "ru"),
        ("xx", "de", "en"),
    ],
)
def test_language_follows_choice_then_telegram(
    chosen: str | None, telegram: str | None, expected: str
) -> None:
    assert resolve_language(chosen, telegram) == expected
