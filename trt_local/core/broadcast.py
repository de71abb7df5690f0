"""Broadcasts, the pure part: who receives one, what it may contain, the states it goes through.

    DomainError
    ├── BroadcastInvalid  the message, its button or its audience is unusable (``problem``)
    └── BroadcastState    the broadcast is not in a state that allows the action (``status``)

A broadcast is a text (Telegram HTML) or a photo with an HTML caption, with an optional URL
button under it. Its audience is one of :class:`AudienceKind`, two of them with a number of days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from trt_local.core.errors import DomainError
from trt_local.core.telegram_html import MAX_CAPTION, MAX_TEXT, HtmlProblem, utf16_len, visible_text

MAX_DAYS = 3650
ACTIVE_CHOICES = (7, 30)  # the "active in N days" audiences offered
MAX_BUTTON_TEXT = 64
MAX_URL = 2048
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z][a-z0-9-]+$")  # urlsplit lowercases it


class AudienceKind(StrEnum):
    ALL = "all"
    ACTIVE = "active"  # wrote to the bot in the last ``days`` days
    PAID = "paid"  # paid at least once (a top-up, a Stars payment, an approved transfer)
    BALANCE = "balance"  # has money on the balance
    JOINED = "joined"  # first wrote to the bot in the last ``days`` days


_WITH_DAYS = frozenset({AudienceKind.ACTIVE, AudienceKind.JOINED})


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"

    @property
    def finished(self) -> bool:
        return self in (BroadcastStatus.CANCELLED, BroadcastStatus.DONE)


class RecipientStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # Telegram refused this message for this chat, or kept failing
    BLOCKED = "blocked"  # the user blocked the bot (or the account is gone)


class BroadcastProblem(StrEnum):
    EMPTY = "empty"  # no text and no photo
    BAD_HTML = "bad_html"  # ``detail`` says what Telegram would refuse
    TOO_LONG = "too_long"  # ``limit``: 4096 for a text, 1024 for a caption
    BAD_BUTTON_TEXT = "bad_button_text"  # empty or over 64 characters
    BAD_URL = "bad_url"  # not an https:// address with a host
    BAD_DAYS = "bad_days"  # not a whole number from 1 to MAX_DAYS
    REFUSED = "refused"  # Telegram refused the preview; ``detail`` is its answer
    NOBODY = "nobody"  # the audience is empty


class BroadcastInvalid(DomainError):
    def __init__(self, problem: BroadcastProblem, detail: str = "", limit: int = 0) -> None:
        super().__init__(f"broadcast invalid: {problem.value}")
        self.problem = problem
        self.detail = detail
        self.limit = limit


class BroadcastState(DomainError):
    """The action does not fit the broadcast's status (or another one is being sent)."""

    def __init__(self, status: BroadcastStatus | None, *, busy: bool = False) -> None:
        what = "another broadcast is being sent" if busy else f"status {status}"
        super().__init__(f"broadcast not in a state for this: {what}")
        self.status = status
        self.busy = busy


@dataclass(frozen=True, slots=True)
class Audience:
    kind: AudienceKind
    days: int | None = None

    def __post_init__(self) -> None:
        if self.kind in _WITH_DAYS:
            if not isinstance(self.days, int) or not 1 <= self.days <= MAX_DAYS:
                raise BroadcastInvalid(BroadcastProblem.BAD_DAYS, limit=MAX_DAYS)
        elif self.days is not None:
            raise ValueError(f"the {self.kind} audience takes no days")

    @classmethod
    def parse(cls, kind: str, days: int | str | None = None) -> Audience | None:
        """From stored or callback values; None when they name no audience."""
        try:
            known = AudienceKind(kind)
            number = int(days) if days not in (None, "") else None
            return cls(known, number if known in _WITH_DAYS else None)
        except (ValueError, BroadcastInvalid):
            return None


def standard_audiences() -> tuple[Audience, ...]:
    """The audiences offered with their sizes (``joined`` needs a number of days first)."""
    return (
        Audience(AudienceKind.ALL),
        *(Audience(AudienceKind.ACTIVE, days) for days in ACTIVE_CHOICES),
        Audience(AudienceKind.PAID),
        Audience(AudienceKind.BALANCE),
    )


def parse_days(text: str) -> int:
    """A typed number of days; BroadcastInvalid(BAD_DAYS) unless 1..MAX_DAYS."""
    stripped = text.strip()
    if not stripped.isdigit() or not 1 <= int(stripped) <= MAX_DAYS:
        raise BroadcastInvalid(BroadcastProblem.BAD_DAYS, limit=MAX_DAYS)
    return int(stripped)


def check_content(text: str, *, photo: bool) -> str:
    """The visible text of a broadcast's text or caption; BroadcastInvalid if unusable."""
    if not text.strip() and not photo:
        raise BroadcastInvalid(BroadcastProblem.EMPTY)
    try:
        shown = visible_text(text)
    except HtmlProblem as problem:
        raise BroadcastInvalid(BroadcastProblem.BAD_HTML, problem.detail) from None
    if not shown.strip() and not photo:
        raise BroadcastInvalid(BroadcastProblem.EMPTY)
    limit = MAX_CAPTION if photo else MAX_TEXT
    if utf16_len(shown) > limit:
        raise BroadcastInvalid(BroadcastProblem.TOO_LONG, limit=limit)
    return shown


def check_button(text: str, url: str) -> tuple[str, str]:
    """A URL button's (text, url), trimmed; BroadcastInvalid unless the text is 1-64
    characters and the address is https:// with a host."""
    label, address = text.strip(), url.strip()
    if not label or len(label) > MAX_BUTTON_TEXT:
        raise BroadcastInvalid(BroadcastProblem.BAD_BUTTON_TEXT, limit=MAX_BUTTON_TEXT)
    if len(address) > MAX_URL or any(c.isspace() for c in address):
        raise BroadcastInvalid(BroadcastProblem.BAD_URL)
    try:
        parts = urlsplit(address)
        host = parts.hostname or ""
    except ValueError:
        raise BroadcastInvalid(BroadcastProblem.BAD_URL) from None
    if parts.scheme != "https" or not _HOST.match(host) or parts.username or parts.password:
        raise BroadcastInvalid(BroadcastProblem.BAD_URL)
    return label, address


def parse_button(line: str) -> tuple[str, str]:
    """``Button text | https://example.com`` as one typed line → checked (text, url)."""
    text, bar, url = line.rpartition("|")
    if not bar:
        raise BroadcastInvalid(BroadcastProblem.BAD_BUTTON_TEXT, limit=MAX_BUTTON_TEXT)
    return check_button(text, url)
