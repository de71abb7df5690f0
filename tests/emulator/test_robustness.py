"""Whatever a bot sends, the emulator answers like the Bot API (a result or an error) and never
crashes: an emulator exception would reach PTB as a NetworkError and be retried forever."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulator.conftest import TOKEN, png
from trt_local.emulator import TelegramEmulator, UploadedFile
from trt_local.emulator.errors import ApiError
from trt_local.emulator.params import Params
from trt_local.emulator.world import _HANDLERS

_KEYS = (
    "chat_id",
    "from_chat_id",
    "message_id",
    "message_ids",
    "text",
    "caption",
    "parse_mode",
    "entities",
    "reply_markup",
    "reply_parameters",
    "photo",
    "document",
    "media",
    "file_id",
    "callback_query_id",
    "pre_checkout_query_id",
    "ok",
    "prices",
    "currency",
    "title",
    "description",
    "payload",
    "offset",
    "limit",
    "commands",
    "action",
    "user_id",
    "telegram_payment_charge_id",
    "width",
    "duration",
    "allowed_updates",
    "timeout",
    "scope",
    # keys of nested objects
    "type",
    "inline_keyboard",
    "keyboard",
    "callback_data",
    "url",
    "amount",
    "label",
    "command",
    "remove_keyboard",
)
_scalar = st.none() | st.booleans() | st.integers(-5, 70) | st.text(max_size=8)
_object = st.dictionaries(st.sampled_from(_KEYS), _scalar, max_size=3)
_json = st.one_of(_scalar, _object, st.lists(_scalar | _object, max_size=3))
_value = st.one_of(
    st.sampled_from(
        ["42", "1", "-1", "true", "HTML", "XTR", "attach://f", "<b>x", "a < b", "", "photo"]
    ),
    st.sampled_from(['<a href="tg://user?id=x">u</a>', '<pre><code class="x">c</code></pre>']),
    st.text(max_size=12),
    _json.map(json.dumps),
)


_ALBUM = [{"type": "photo", "media": "attach://f"}, {"type": "photo", "media": "attach://f"}]
# Valid-looking defaults, so that fuzzed values reach past the first check of each method.
_BASE = {
    "chat_id": "42",
    "from_chat_id": "42",
    "message_id": "1",
    "user_id": "42",
    "text": "hi",
    "caption": "c",
    "parse_mode": "HTML",
    "photo": "attach://f",
    "document": "attach://f",
    "media": json.dumps(_ALBUM),
    "currency": "XTR",
    "title": "t",
    "description": "d",
    "payload": "p",
    "prices": '[{"label": "x", "amount": 5}]',
    "action": "typing",
    "commands": '[{"command": "a", "description": "b"}]',
    "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
}


def _emulator_with_a_message() -> TelegramEmulator:
    emu = TelegramEmulator(TOKEN)
    emu.user(42)
    _HANDLERS["sendMessage"](emu.state, Params({"chat_id": "42", "text": "first"}, {}))
    return emu


def _answer(method: str, params: dict[str, str], upload: bool) -> None:
    """The handler returns JSON or raises ApiError; anything else would reach PTB as a crash."""
    emu = _emulator_with_a_message()
    files = {"f": UploadedFile("a.png", png(4, 4), "image/png")} if upload else {}
    try:
        json.dumps(_HANDLERS[method](emu.state, Params({**_BASE, **params}, files)))
    except ApiError as error:
        assert error.status in (400, 403, 413) and error.description


@settings(max_examples=250, deadline=None)
@given(
    method=st.sampled_from(sorted(_HANDLERS)),
    params=st.dictionaries(st.sampled_from(_KEYS), _value, max_size=3),
    upload=st.booleans(),
)
def test_any_form_input_gets_an_answer(method: str, params: dict[str, str], upload: bool) -> None:
    _answer(method, params, upload)


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("sendMessage", {"reply_parameters": "[1]"}),
        ("sendMessage", {"reply_markup": '{"keyboard": [[1]]}'}),
        ("sendMessage", {"reply_markup": '{"inline_keyboard": [[{"text": "a", "url": 5}]]}'}),
        ("sendMediaGroup", {"media": '[{"type": {}}, {"type": []}]'}),
        ("sendMediaGroup", {"media": '[{"type": "photo"}, {"type": "photo", "media": 5}]'}),
        ("editMessageMedia", {"media": '{"type": ["photo"]}'}),
        ("sendPhoto", {"photo": "attach://f", "width": "wide"}),
        ("sendVideo", {"video": "https://x.org/v.mp4", "duration": "long"}),
        ("deleteMessages", {"message_ids": '["1", {}]'}),
        ("setMyCommands", {"commands": '[{"command": "a", "description": 5}]'}),
        ("sendInvoice", {"prices": '[{"amount": true}]'}),
    ],
)
def test_tricky_inputs_are_answered_as_bad_requests(method: str, params: dict[str, str]) -> None:
    emu = _emulator_with_a_message()
    with pytest.raises(ApiError) as caught:
        _HANDLERS[method](emu.state, Params({**_BASE, **params}, {}))
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "text", ['<a href="tg://user?id=x">u</a>', "<pre><code>c</code></pre>", "<a>no href</a>"]
)
def test_odd_but_valid_html_is_accepted(text: str) -> None:
    emu = _emulator_with_a_message()
    sent = _HANDLERS["sendMessage"](emu.state, Params({**_BASE, "text": text}, {}))
    assert sent["text"] in ("u", "c", "no href")


async def test_get_updates_rejects_malformed_allowed_updates() -> None:
    emu = TelegramEmulator(TOKEN)
    status, envelope = await emu.call(TOKEN, "getUpdates", {"allowed_updates": "[{}]"})
    assert (status, envelope["ok"]) == (400, False)
