"""Promo codes, the pure part: what a code may look like, why one is refused, when it expires.

    DomainError
    ├── PromoInvalid   an admin's new code is unusable (``problem``: bad code, duplicate, …)
    └── PromoRefused   a user's redemption is refused (``reason``: unknown, expired, …)

Codes are case-insensitive: they are stored and shown in upper case, and every lookup ignores case.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from trt_local.core.errors import DomainError

_CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
MAX_FREE_GENERATIONS = 1000  # per code and user: a typo guard
MAX_USES = 1_000_000


def canonical_code(text: str) -> str | None:
    """The stored form of a typed code (upper case), or None when it cannot be a code."""
    code = text.strip()
    return code.upper() if _CODE.match(code) else None


class PromoProblem(StrEnum):
    BAD_CODE = "bad_code"  # not 3-32 letters, digits, '-' or '_'
    DUPLICATE = "duplicate"  # a code with this name exists (in any case)
    NO_REWARD = "no_reward"  # neither money nor free generations
    TOO_LARGE = "too_large"  # money above the top-up ceiling or too many free generations
    BAD_MAX_USES = "bad_max_uses"
    PAST_EXPIRY = "past_expiry"  # the last valid day is already over


class PromoInvalid(DomainError):
    def __init__(self, problem: PromoProblem) -> None:
        self.problem = problem
        super().__init__(problem.value)


class PromoRefusal(StrEnum):
    UNKNOWN = "unknown"
    OFF = "off"  # switched off by an admin
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # max uses reached
    ALREADY_USED = "already_used"  # by this user
    BLOCKED = "blocked"  # the user is blocked


class PromoRefused(DomainError):
    def __init__(self, reason: PromoRefusal) -> None:
        self.reason = reason
        super().__init__(reason.value)


def end_of_day(day: date, timezone: str) -> float:
    """The moment ``day`` ends in ``timezone`` (a code valid through that day expires then)."""
    start_next = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
    return start_next.timestamp()


def last_valid_day(expires_at: float, timezone: str) -> date:
    """The inverse of :func:`end_of_day`: the day a code is valid through, for display."""
    moment = datetime.fromtimestamp(expires_at - 1, tz=ZoneInfo(timezone))
    return moment.date()
