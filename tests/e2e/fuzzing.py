"""Hypothesis strategies and an action runner for the fuzz suite (test_fuzz.py).

A scenario is a few users (odd names, several languages) and a list of actions: texts and commands
(known and unknown, with odd arguments), taps with any callback data (valid codec payloads of every
action the Application registers, with random arguments, and garbage up to 64 bytes), taps on the
buttons the bot actually shows (so the wizard is explored for real), and uploads of every media type
with random captions. Texts mix RTL scripts, emoji, zero-width and bidi controls, HTML-ish fragments
and huge strings at Telegram's limits.
"""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st
from telegram.ext import ApplicationBuilder, CallbackQueryHandler

from tests.e2e.harness import TOKEN
from trt_local.bot import codec
from trt_local.bot.application import COMMANDS, register_handlers
from trt_local.emulator import ChatMessage, EmulatedUser, TelegramEmulator
from trt_local.emulator.formatting import utf16_len
from trt_local.emulator.request import EmulatorRequest

ADMIN_ID = 7001
USER_IDS = (ADMIN_ID, 7002, 7003)
MAX_TEXT = 4096  # Telegram's limits, in UTF-16 code units
MAX_CAPTION = 1024
REPLY_TIMEOUT = 10.0
SCREEN_TIMEOUT = 1.0


def registered_callback_actions() -> tuple[str, ...]:
    """Every callback action the real Application routes (read from its handler patterns)."""
    emu = TelegramEmulator(TOKEN)
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(EmulatorRequest(emu))
        .get_updates_request(EmulatorRequest(emu))
        .build()
    )
    register_handlers(app, lambda: 0.0)
    actions = []
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = handler.pattern
                source = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
                found = re.match(rf"\^{codec.VERSION}\\\|(\w+)\(", source)
                assert found, f"unexpected callback pattern {source!r}"
                actions.append(found.group(1))
    return tuple(dict.fromkeys(actions))


CALLBACK_ACTIONS = registered_callback_actions()
KNOWN_COMMANDS = tuple(
    sorted(
        {name for pairs in COMMANDS.values() for name, _ in pairs}
        | {
            "reset",
            "topup",
        }
    )
)

# ---- text -------------------------------------------------------------------------------------

ZERO_WIDTH_AND_BIDI = (
    "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2069"
)
RTL = st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), min_size=1, max_size=20)
EMOJI = st.sampled_from(["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇦", "❤️", "🦊", "🔥" * 5, "\U0001fae0"])
HTMLISH = st.sampled_from(
    ["<b>", "</i>", "<a href='x'>", "&amp;", "&", "<", ">", "<tg-spoiler>", "&#0;", "<code>", '"']
)
# Telegram clients strip C0/C1 controls except line breaks; surrogates cannot travel in JSON text.
PLAIN = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
PIECE = st.one_of(
    PLAIN,
    RTL,
    EMOJI,
    HTMLISH,
    st.sampled_from(list(ZERO_WIDTH_AND_BIDI)),
    st.sampled_from(["\n", " ", "/", "|", "1", "0", "-1", "9" * 25, "ru", "en"]),
)


def _fits(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 code units (Telegram measures text in those)."""
    while utf16_len(text) > limit:
        text = text[: -max(1, (utf16_len(text) - limit) // 2)]
    return text


def _sendable(text: str) -> str:
    """Telegram refuses a message that is empty after trimming: such a draw gets a visible mark."""
    return text if text.strip() else "·" + text[: MAX_TEXT - 1]


@st.composite
def huge_text(draw: st.DrawFn, limit: int = MAX_TEXT) -> str:
    """A string at (or just under) Telegram's limit, in one of several scripts."""
    unit = draw(
        st.sampled_from(["a", "ש", "ع", "я", "😀", "👨‍👩‍👧", "\u200b", "<", "&", "a\u202e"])
    )
    return _fits(unit * (limit // max(1, utf16_len(unit)) + 1), limit)


def free_text(limit: int = MAX_TEXT) -> st.SearchStrategy[str]:
    mixed = st.lists(PIECE, min_size=1, max_size=15).map("".join)
    texts = st.one_of(mixed, mixed, mixed, huge_text(limit))
    return texts.map(lambda s: _fits(_sendable(s), limit))


TEXT = free_text()
CAPTION = st.one_of(st.none(), free_text(MAX_CAPTION))


@st.composite
def command(draw: st.DrawFn) -> str:
    name = draw(
        st.one_of(
            st.sampled_from(KNOWN_COMMANDS),
            st.from_regex(r"[a-z0-9_]{1,32}", fullmatch=True),
            st.sampled_from(["START", "start_", "Start", "тест", "help@"]),
        )
    )
    addressee = draw(st.sampled_from(["", "", "", "@trt_demo_bot", "@other_bot"]))
    if name == "topup":
        args = draw(topup_args())
    else:
        args = draw(st.lists(PIECE, max_size=6).map(" ".join))
    return _fits(f"/{name}{addressee} {args}".rstrip(), MAX_TEXT)


@st.composite
def topup_args(draw: st.DrawFn) -> str:
    """``/topup <user> <amount> [reason]`` with plausible and odd parts (only the admin may use it)."""
    target = draw(
        st.one_of(
            st.sampled_from([str(uid) for uid in USER_IDS]),
            st.sampled_from(["0", "-7002", "7002.0", "9" * 23, "²", "١٢٣", "@ann", "٧٠٠٢"]),
            PLAIN,
        )
    )
    amount = draw(
        st.one_of(
            st.sampled_from(["5", "10.50", "0.01", "1000", "1e3", "-5", "0", "nan", "inf", "5,5"]),
            st.sampled_from(["1" * 30, "٥", "½", "10.505", " ", "0x10"]),
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        )
    )
    reason = draw(st.lists(PIECE, max_size=4).map(" ".join))
    return " ".join(part for part in (target, amount, reason) if part)


# ---- callback data ----------------------------------------------------------------------------

ARG = st.one_of(
    st.from_regex(r"[0-9]{1,40}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_.~-]{1,40}", fullmatch=True),
    st.sampled_from(["0", "1", "-1", "ru", "en", "zz", "00", "1.5", "~"]),
    # Around SQLite's 64-bit integers: a button's number goes into a query.
    st.sampled_from(["9223372036854775807", "9223372036854775808", "9" * 40, "1" + "0" * 30]),
)


@st.composite
def codec_payload(draw: st.DrawFn) -> str:
    """A well-formed payload of a registered action with random arguments (at most 64 bytes)."""
    action = draw(st.sampled_from(CALLBACK_ACTIONS))
    args = draw(st.lists(ARG, max_size=4))
    while True:
        try:
            return codec.encode(action, *args)
        except codec.CallbackTooLong:
            args = args[:-1]


def _in_callback_limit(data: str) -> bool:
    return 1 <= len(data.encode()) <= codec.MAX_BYTES


GARBAGE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=64),
    st.builds(lambda a, b: f"{a}|{b}", st.sampled_from(["1", "2", "0", ""]), PLAIN),
    st.sampled_from(["1|", "1||", "1|go|", "|", "1|menu|" + "x" * 57, "1|opt|a|b|c|d|e|f|g"]),
).filter(_in_callback_limit)
CALLBACK_DATA = st.one_of(codec_payload(), codec_payload(), GARBAGE)

# ---- media ------------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + b"\x10\x80\xf0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


MEDIA_KINDS = ("photo", "document", "audio", "voice", "video", "sticker", "location")
MIME_TYPES = ("image/png", "image/jpeg", "audio/mpeg", "video/mp4", "application/pdf", "text/plain")

# ---- actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    who: int
    text: str


@dataclass(frozen=True)
class Tap:
    """A callback query with any data, attached to the user's newest bot message."""

    who: int
    data: str


@dataclass(frozen=True)
class TapShown:
    """A press on one of the buttons the bot shows in the user's last few messages."""

    who: int
    pick: int


@dataclass(frozen=True)
class Upload:
    who: int
    kind: str
    caption: str | None
    data: bytes
    number: int  # width, duration or a coordinate seed, by kind
    name: str
    mime: str


@dataclass(frozen=True)
class Journey:
    """Forward through the menus: each step presses a forward button of the current screen (or
    answers a text question with ``texts``), e.g. Create → category → model → Start → … → Confirm."""

    who: int
    picks: tuple[int, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class TopUp:
    """The admin credits a user with well-formed arguments, so that paid confirms can succeed."""

    target: int
    amount: str


@dataclass(frozen=True)
class DoubleTap:
    """Two presses of one shown button at once, as an impatient thumb does."""

    who: int
    pick: int


Action = Say | Tap | TapShown | Upload | Journey | TopUp | DoubleTap
WHO = st.sampled_from(USER_IDS)
# How deep a button leads, by codec action (menu → catalog → model → wizard → confirm; history).
# A journey presses the deepest buttons of a screen: "Back" (e.g. ``cat`` on a model card) is
# shallower than that screen's way forward.
DEPTH = {"gen": 0, "hist": 0, "bal": 0, "cat": 1, "job": 1, "mdl": 2, "again": 2, "hshow": 2}
DEPTH |= {"run": 3, "opt": 4, "skip": 4, "done": 4, "edi": 4, "go": 5}

ACTIONS: st.SearchStrategy[Action] = st.one_of(
    st.builds(Say, WHO, TEXT),
    st.builds(Say, WHO, command()),
    st.builds(Tap, WHO, CALLBACK_DATA),
    st.builds(TapShown, WHO, st.integers(0, 40)),
    st.builds(
        Journey,
        WHO,
        st.lists(st.integers(0, 40), min_size=1, max_size=10).map(tuple),
        st.lists(TEXT, min_size=1, max_size=3).map(tuple),
    ),
    st.builds(
        Journey,
        WHO,
        st.lists(st.integers(0, 40), min_size=4, max_size=10).map(tuple),
        st.lists(TEXT, min_size=1, max_size=3).map(tuple),
    ),
    st.builds(TopUp, WHO, st.sampled_from(["5", "12.34", "100", "1000"])),
    st.builds(DoubleTap, WHO, st.integers(0, 40)),
    st.builds(
        Upload,
        WHO,
        st.sampled_from(MEDIA_KINDS),
        CAPTION,
        st.binary(max_size=2048),
        st.integers(0, 3600),
        free_text(60),
        st.sampled_from(MIME_TYPES),
    ),
)


@dataclass(frozen=True)
class Persona:
    user_id: int
    first_name: str
    language_code: str | None


PERSONAS = st.tuples(
    *(
        st.builds(
            Persona,
            st.just(uid),
            free_text(64),
            st.sampled_from(["en", "ru", "uk", "he", "ar", "zz", None]),
        )
        for uid in USER_IDS
    )
)

# ---- running ----------------------------------------------------------------------------------


class NoReply(AssertionError):
    pass


async def _reply_to(user: EmulatedUser, sent: ChatMessage, what: str) -> None:
    """Wait until the bot posts anything after ``sent`` in this chat."""
    try:
        await user.wait_for(lambda m: m.message_id > sent.message_id, timeout=REPLY_TIMEOUT)
    except TimeoutError as exc:
        raise NoReply(f"no reply to {what}: {exc}") from None


async def _ensure_bot_message(user: EmulatedUser) -> None:
    """A tap needs a bot message to sit on: like a real chat, it starts with /start."""
    if not user.messages:
        sent = await user.send("/start")
        await _reply_to(user, sent, "/start")


async def _upload(user: EmulatedUser, action: Upload) -> ChatMessage:
    kind, number = action.kind, action.number
    if kind == "photo":
        side = 1 + number % 64
        return await user.send_photo(png(side, 1 + (number // 64) % 64), caption=action.caption)
    if kind == "document":
        data = action.data or b"\x00"
        return await user.send_document(data, action.name, action.mime, caption=action.caption)
    if kind == "audio":
        return await user.send_audio(action.data or b"ID3", duration=number, caption=action.caption)
    if kind == "voice":
        return await user.send_voice(action.data or b"OggS", duration=number)
    if kind == "video":
        return await user.send_video(
            action.data or b"\x00\x00\x00\x18ftypmp42",
            width=1 + number % 4000,
            height=1 + number % 3000,
            duration=number,
            caption=action.caption,
        )
    if kind == "sticker":
        return await user.send_sticker(action.name[:8])
    return await user.send_location((number % 181) - 90, (number * 7 % 361) - 180)


async def _tap(
    emu: TelegramEmulator, user: EmulatedUser, data: str, message_id: int | None
) -> None:
    query_id = await user.press_data(data, message_id=message_id)
    try:
        await emu.wait_callback_answer(query_id, timeout=REPLY_TIMEOUT)
    except TimeoutError:
        raise NoReply(f"the callback query {data!r} was never answered") from None


def _buttons(messages: list[ChatMessage]) -> list[tuple[str, int]]:
    return [
        (button.callback_data, message.message_id)
        for message in messages
        for row in message.buttons
        for button in row
        if button.callback_data
    ]


async def _next_screen(user: EmulatedUser, before: dict[int, tuple[object, object]]) -> bool:
    """Wait until the press changed a screen or brought a new one; False if it changed nothing
    (the same notice again, a double tap): then the journey has nowhere further to go."""
    try:
        await user.wait_for(
            lambda m: before.get(m.message_id) != (m.content, m.buttons), timeout=SCREEN_TIMEOUT
        )
    except TimeoutError:
        return False
    return True


def _deepest(buttons: list[tuple[str, int]]) -> list[tuple[str, int]]:
    def depth(data: str) -> int:
        return DEPTH.get((codec.decode(data) or codec.Callback("")).action, -1)

    deepest = max((depth(data) for data, _ in buttons), default=-1)
    return [(data, at) for data, at in buttons if deepest >= 0 and depth(data) == deepest]


async def _journey(
    emu: TelegramEmulator, user: EmulatedUser, action: Journey, jump: Callable[[], None]
) -> None:
    texts = iter(action.texts * len(action.picks))
    for pick in action.picks:
        jump()
        with_buttons = [m for m in user.messages if m.buttons]
        forward = _deepest(_buttons(with_buttons[-1:]))
        if forward:
            data, message_id = forward[pick % len(forward)]
            before = {m.message_id: (m.content, m.buttons) for m in user.messages}
            # Confirm is where a double tap could charge twice: sometimes tap it twice at once.
            taps = 2 if pick % 2 and data.startswith(codec.encode("go")) else 1
            await asyncio.gather(*(_tap(emu, user, data, message_id) for _ in range(taps)))
            if not await _next_screen(user, before):
                return
        elif pick % 4 == 0:  # maybe a question for a picture: send one
            sent = await user.send_photo(png(1 + pick, 1 + pick % 7))
            await _reply_to(user, sent, "a photo answering a question")
        else:  # a question typed as text (a prompt), or no way forward: say something
            text = next(texts)
            sent = await user.send(text)
            await _reply_to(user, sent, f"the answer {text[:80]!r}")


async def perform(emu: TelegramEmulator, action: Action, jump: Callable[[], None]) -> None:
    """Do one action as its user and wait for the bot's answer to it."""
    if isinstance(action, TopUp):
        admin = emu.user(ADMIN_ID)
        jump()
        text = f"/topup {action.target} {action.amount} fuzz"
        sent = await admin.send(text)
        await _reply_to(admin, sent, text)
        return
    user = emu.user(action.who)
    jump()  # a person's pace: anti-flood never drops anything in these scenarios
    if isinstance(action, Journey):
        await _ensure_bot_message(user)
        await _journey(emu, user, action, jump)
    elif isinstance(action, Say):
        sent = await user.send(action.text)
        await _reply_to(user, sent, f"the message {action.text[:80]!r}")
    elif isinstance(action, Upload):
        sent = await _upload(user, action)
        await _reply_to(user, sent, f"a {action.kind} with caption {action.caption!r:.80}")
    else:
        await _ensure_bot_message(user)
        if isinstance(action, Tap):
            await _tap(emu, user, action.data, None)
            return
        shown = _buttons(user.messages[-3:])  # older screens too: stale buttons are pressed
        if not shown:
            return
        data, message_id = shown[action.pick % len(shown)]
        if isinstance(action, DoubleTap):
            await asyncio.gather(*(_tap(emu, user, data, message_id) for _ in range(2)))
        else:
            await _tap(emu, user, data, message_id)
