"""Wire formats: Telegram HTML → entities, and request bodies as httpx encodes them."""

from __future__ import annotations

import html

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trt_local.emulator.errors import ApiError
from trt_local.emulator.formatting import command_entities, parse_html, utf16_len
from trt_local.emulator.forms import FormError, decode_body


@given(st.text())
def test_escaped_text_round_trips_without_entities(text: str) -> None:
    assert parse_html(html.escape(text)) == (text, [])


@given(st.text(min_size=1), st.text())
def test_bold_entity_covers_the_text_in_utf16_units(prefix: str, body: str) -> None:
    text, entities = parse_html(f"{html.escape(prefix)}<b>{html.escape(body)}</b>")
    assert text == prefix + body
    expected = [{"type": "bold", "offset": utf16_len(prefix), "length": utf16_len(body)}]
    assert entities == (expected if body else [])  # empty entities are dropped


def test_links_nesting_and_pre_languages() -> None:
    text, entities = parse_html(
        '<a href="https://x.org/?a=1&amp;b=2"><b>go</b></a> '
        '<pre><code class="language-python">x = 1</code></pre>'
    )
    assert text == "go x = 1"
    assert entities == [
        {"type": "text_link", "url": "https://x.org/?a=1&b=2", "offset": 0, "length": 2},
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "pre", "language": "python", "offset": 3, "length": 5},
    ]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<b>open", 'start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("price < 5", "byte offset 6"),
    ],
)
def test_bad_html_is_a_400_naming_the_problem(source: str, detail: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400 and detail in caught.value.description


def test_only_leading_commands_get_an_entity() -> None:
    assert command_entities("/start@trt_demo_bot ref") == [
        {"type": "bot_command", "offset": 0, "length": 19}
    ]
    assert command_entities("hello /start") == [] and command_entities("/") == []


_field = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(
    fields=st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), _field, max_size=4),
    filename=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=20),
    content=st.binary(max_size=200),
)
def test_multipart_bodies_decode_as_httpx_encoded_them(
    fields: dict[str, str], filename: str, content: bytes
) -> None:
    request = httpx.Request(
        "POST", "http://127.0.0.1/", data=fields, files={"upload": (filename, content, "x/y")}
    )
    params, files = decode_body(request.headers["content-type"], request.read())
    assert params == fields
    assert (files["upload"].filename, files["upload"].data) == (filename, content)
    assert files["upload"].content_type == "x/y"


def test_form_query_and_json_bodies() -> None:
    params, files = decode_body(
        "application/x-www-form-urlencoded", b"text=a%26b&chat_id=1", "limit=5"
    )
    assert (params, files) == ({"limit": "5", "text": "a&b", "chat_id": "1"}, {})
    params, _ = decode_body("application/json", b'{"chat_id": 1, "ok": true, "m": {"a": [1]}}')
    assert params == {"chat_id": "1", "ok": "true", "m": '{"a": [1]}'}
    with pytest.raises(FormError):
        decode_body("application/json", b"[1]")
    with pytest.raises(FormError):
        decode_body("multipart/form-data; boundary=x", b"--x\r\nno end")
