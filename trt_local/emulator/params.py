"""Typed access to Bot API parameters as they travel: form strings.

Both Telegram transports (url-encoded forms and multipart) carry every value as a string: numbers as
digits, booleans as ``true``/``false``, nested objects (reply_markup, entities, media) as JSON. The
getters here decode them and answer malformed input the way Telegram does, with a 400.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trt_local.emulator.errors import bad_request
from trt_local.emulator.records import UploadedFile

_TRUE = {"true", "1", "True"}
_FALSE = {"false", "0", "False", ""}


class Params:
    """The parameters and uploaded files of one call."""

    __slots__ = ("files", "raw")

    def __init__(self, raw: Mapping[str, str], files: Mapping[str, UploadedFile]) -> None:
        self.raw = raw
        self.files = files

    def __contains__(self, name: str) -> bool:
        return name in self.raw

    def string(self, name: str, *, required: bool = False, empty_detail: str | None = None) -> str:
        value = self.raw.get(name)
        if value is None or (required and value == ""):
            if required:
                raise bad_request(empty_detail or f"{name} is empty")
            return ""
        return value

    def opt_str(self, name: str) -> str | None:
        return self.raw.get(name)

    def integer(self, name: str, *, required: bool = False, default: int = 0) -> int:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def opt_integer(self, name: str) -> int | None:
        if self.raw.get(name) in (None, ""):
            return None
        return self.integer(name)

    def number(self, name: str, *, default: float = 0.0) -> float:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise bad_request(f"invalid {name} specified")

    def decoded(self, name: str, *, what: str | None = None) -> Any:
        """The decoded JSON value, or None when absent."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A chat id: an integer, or an ``@username`` string."""
        value = self.raw.get(name, "")
        if value == "":
            raise bad_request("chat_id is empty")
        if value.startswith("@"):
            return value
        try:
            return int(value)
        except ValueError:
            raise bad_request("chat not found") from None
