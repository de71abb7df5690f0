"""An in-process Telegram Bot API emulator for ``trt demo`` and the end-to-end tests.

- ``TelegramEmulator`` (world.py): the Bot API in memory, plus the user side (``emu.user(id)``).
- ``EmulatorRequest`` (request.py): a python-telegram-bot request object routing to it, no sockets.
- ``EmulatorServer`` (http.py): the same over HTTP on 127.0.0.1; ``serve_forever`` for the CLI.
- ``faults``: scripted failures (``emu.inject("sendMessage", faults.retry_after(3))``).
- ``flood``: Telegram's flood rules, off unless ``emu.enforce_flood_limits()`` (429s counted in
  ``emu.flood_refusals``).

``EmulatorRequest`` (and ``BASE_URL``/``BASE_FILE_URL``) import python-telegram-bot, so they are
loaded lazily on first access: importing this package stays cheap.
"""

from typing import Any

from trt_local.emulator import faults
from trt_local.emulator.errors import ButtonNotFound, EmulatorError
from trt_local.emulator.http import EmulatorServer, serve_forever
from trt_local.emulator.records import (
    ApiCall,
    Button,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    PaymentOutcome,
    StarPayment,
    UploadedFile,
)
from trt_local.emulator.users import EmulatedUser
from trt_local.emulator.world import TelegramEmulator

__all__ = [
    "BASE_FILE_URL",
    "BASE_URL",
    "ApiCall",
    "Button",
    "ButtonNotFound",
    "CallbackAnswer",
    "ChatEvent",
    "ChatMessage",
    "EmulatedUser",
    "EmulatorError",
    "EmulatorRequest",
    "EmulatorServer",
    "PaymentOutcome",
    "StarPayment",
    "TelegramEmulator",
    "UploadedFile",
    "faults",
    "serve_forever",
]

_LAZY = frozenset({"EmulatorRequest", "BASE_URL", "BASE_FILE_URL"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from trt_local.emulator import request

        return getattr(request, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
