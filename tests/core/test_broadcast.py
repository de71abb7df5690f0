"""What a broadcast may contain, checked before Telegram sees it: HTML, lengths, the URL button,
the audience's days."""

from __future__ import annotations

import pytest

from trt_local.core.broadcast import (
    Audience,
    AudienceKind,
    BroadcastInvalid,
    BroadcastProblem,
    check_button,
    check_content,
    parse_button,
    parse_days,
)
from trt_local.core.telegram_html import HtmlProblem, visible_text


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("plain text", "plain text"),
        ("<b>bold</b> and <i>it</i> &amp; <u>u</u>", "bold and it & u"),
        ('<a href="https://example.com">site</a>', "site"),
        ("<b><i>nested</i></b> 1 &lt; 2 &#8364; A&B", "nested 1 < 2 € A&B"),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
    ],
)
def test_telegram_html_that_telegram_accepts(source: str, shown: str) -> None:
    assert visible_text(source) == shown


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("Hello<br>world", "<br> is not supported"),
        ("<p>para</p>", "<p> is not supported"),
        ("<b>open", "<b> is never closed"),
        ("<b><i>x</b></i>", "</b> at character 8, expected </i>"),
        ("1 < 2", "starts no tag"),
        ("<a>no link</a>", "<a> without href"),
        ("</b>", "expected no closing tag"),
    ],
)
def test_telegram_html_that_telegram_refuses(source: str, says: str) -> None:
    with pytest.raises(HtmlProblem) as problem:
        visible_text(source)
    assert says in problem.value.detail


def test_content_limits_count_what_the_reader_sees() -> None:
    assert check_content("<b>" + "x" * 4096 + "</b>", photo=False) == "x" * 4096
    with pytest.raises(BroadcastInvalid) as long_text:
        check_content("x" * 4097, photo=False)
    assert (long_text.value.problem, long_text.value.limit) == (BroadcastProblem.TOO_LONG, 4096)
    with pytest.raises(BroadcastInvalid) as long_caption:
        check_content("x" * 1025, photo=True)
    assert long_caption.value.limit == 1024
    assert check_content("", photo=True) == ""  # a photo needs no caption
    for empty in ("", "   ", "<b></b>"):
        with pytest.raises(BroadcastInvalid) as nothing:
            check_content(empty, photo=False)
        assert nothing.value.problem is BroadcastProblem.EMPTY


def test_the_url_button_is_https_to_a_host() -> None:
    assert parse_button(" Open shop | https://shop.example.com/a?b=1 ") == (
        "Open shop",
        "https://shop.example.com/a?b=1",
    )
    assert check_button("Go", "https://t.me/trt_demo_bot") == ("Go", "https://t.me/trt_demo_bot")
    for text, url in (
        ("Go", "http://example.com"),
        ("Go", "javascript:alert(1)"),
        ("Go", "https://"),
        ("Go", "https://localhost"),
        ("Go", "https://user:pw@example.com"),
        ("Go", "https://exa mple.com"),
    ):
        with pytest.raises(BroadcastInvalid) as bad:
            check_button(text, url)
        assert bad.value.problem is BroadcastProblem.BAD_URL, url
    for line in ("no bar here", " | https://example.com", "x" * 65 + " | https://a.io"):
        with pytest.raises(BroadcastInvalid) as bad_text:
            parse_button(line)
        assert bad_text.value.problem is BroadcastProblem.BAD_BUTTON_TEXT


def test_audiences_and_days() -> None:
    assert Audience.parse("active", "7") == Audience(AudienceKind.ACTIVE, 7)
    assert Audience.parse("paid", "9") == Audience(AudienceKind.PAID)
    for kind, days in (("active", None), ("joined", "0"), ("joined", "99999"), ("vip", None)):
        assert Audience.parse(kind, days) is None
    assert parse_days(" 14 ") == 14
    for text in ("0", "-3", "x", "3651", ""):
        with pytest.raises(BroadcastInvalid):
            parse_days(text)
