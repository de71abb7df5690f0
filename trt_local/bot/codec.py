"""Callback data codec: ``<version>|<action>|<arg>…``, at most 64 bytes (Telegram's limit).

Decoding never raises: anything malformed, from another version, or forged returns ``None`` and the
caller shows the "stale button" answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
MAX_NUMBER = 2**63 - 1  # SQLite's largest integer: a bigger id or offset cannot reach a query
_TOKEN = re.compile(r"^[A-Za-z0-9_.~-]{1,40}$")


class CallbackTooLong(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Callback:
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default

    def number(self, index: int) -> int | None:
        """Argument ``index`` as a non-negative integer a query can take (an id, an offset);
        None if it is missing, not ASCII digits, or too big (forged data)."""
        return parse_number(self.arg(index))


def parse_number(text: str) -> int | None:
    """``text`` as a non-negative integer of at most 64 bits, or None."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_NUMBER else None


def encode(action: str, *args: str | int) -> str:
    parts = [VERSION, action, *(str(a) for a in args)]
    for part in parts[1:]:
        if not _TOKEN.match(part):
            raise ValueError(f"callback part {part!r} has characters outside [A-Za-z0-9_.~-]")
    data = "|".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackTooLong(f"callback data {data!r} is over {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> Callback | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split("|")
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    if not all(_TOKEN.match(part) for part in parts[1:]):
        return None
    return Callback(parts[1], tuple(parts[2:]))


def pattern(action: str) -> re.Pattern[str]:
    """A CallbackQueryHandler pattern for one action."""
    return re.compile(rf"^{VERSION}\|{re.escape(action)}(\||$)")
