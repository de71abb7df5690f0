"""Domain errors shared by every layer.

Each error carries data fields (codes, limits, amounts), never UI text: the bot and the dashboard
translate them. Messages passed to ``Exception`` are short English descriptions for logs; they never
contain user input, URLs or secrets.

    DomainError
    ├── InputError            a user-supplied value does not fit a model input (code + params)
    ├── AmountError           a money amount typed by a person is unusable (also a ValueError)
    ├── InsufficientFunds     balance too low for a price (missing_minor)
    ├── QuotaExceeded         the free daily quota is used up
    ├── JobLimitReached       too many unfinished jobs for one user
    ├── ModelUnavailable      unknown, disabled or unsupported model
    ├── PriceChanged          the price now differs from the one the user confirmed
    ├── InvalidTransition     a job status change the state machine forbids
    └── TransferRefused       a manual transfer step cannot be done (code + params)
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class DomainError(Exception):
    """Base class of every error raised by ``trt_local.core``."""


class InputErrorCode(StrEnum):
    """Why a value was rejected; the bot maps each code to a translated sentence."""

    EMPTY = "empty"
    TOO_LONG = "too_long"  # params: limit, length
    NOT_IN_ENUM = "not_in_enum"  # params: options
    NOT_BOOL = "not_bool"
    NOT_INT = "not_int"
    NOT_NUMBER = "not_number"
    OUT_OF_RANGE = "out_of_range"  # params: min, max (either may be None)
    BAD_URL = "bad_url"
    FORBIDDEN_URL = "forbidden_url"  # e.g. a Telegram file URL, which carries the bot token
    TOO_MANY_ITEMS = "too_many_items"  # params: limit
    WRONG_TYPE = "wrong_type"  # a typed value of the wrong Python type (programming error upstream)
    MISSING_REQUIRED = "missing_required"
    MEDIA_TOO_LONG = "media_too_long"  # params: limit_seconds


class InputError(DomainError):
    """A value for one model input is unusable; ``field`` names the input when known."""

    def __init__(
        self,
        code: InputErrorCode,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.code = code
        self.field = field
        self.params: Mapping[str, object] = MappingProxyType(dict(params or {}))
        where = f" ({field})" if field else ""
        super().__init__(f"{code.value}{where}")


class AmountErrorCode(StrEnum):
    EMPTY = "empty"
    INVALID = "invalid"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"  # params: max_minor


_AMOUNT_MESSAGES = {
    AmountErrorCode.EMPTY: "no amount given",
    AmountErrorCode.INVALID: "not an amount; write it like 150 or 150.50",
    AmountErrorCode.NEGATIVE: "the amount must not be negative",
    AmountErrorCode.TOO_MANY_DECIMALS: "the amount has more than 2 decimal places",
    AmountErrorCode.TOO_LARGE: "the amount is too large",
}


class AmountError(DomainError, ValueError):
    """A typed money amount cannot be used; ``code`` says why."""

    def __init__(self, code: AmountErrorCode, *, max_minor: int | None = None) -> None:
        self.code = code
        self.max_minor = max_minor
        super().__init__(_AMOUNT_MESSAGES[code])


class InsufficientFunds(DomainError):
    """The balance does not cover the price; ``missing_minor`` is the shortfall."""

    def __init__(self, missing_minor: int, *, balance_minor: int = 0, price_minor: int = 0) -> None:
        self.missing_minor = missing_minor
        self.balance_minor = balance_minor
        self.price_minor = price_minor
        super().__init__(f"insufficient funds: {missing_minor} minor units missing")


class QuotaExceeded(DomainError):
    """The user's free generations for today are used up."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"free quota of {limit} per day used up")


class JobLimitReached(DomainError):
    """The user has as many unfinished jobs as the per-user cap allows (``scope`` "user").

    The global cap never refuses: beyond it jobs wait in the queue (services.engine)."""

    def __init__(self, scope: str, limit: int) -> None:
        self.scope = scope
        self.limit = limit
        super().__init__(f"{scope} running-job limit of {limit} reached")


class ModelUnavailable(DomainError):
    """The model is unknown, disabled by an admin, or not runnable by this release."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        super().__init__(f"model unavailable: {model_id}")


class PriceChanged(DomainError):
    """The price now is not the one the user was shown (prices or the free quota changed)."""

    def __init__(self, shown_minor: int, price_minor: int) -> None:
        self.shown_minor = shown_minor
        self.price_minor = price_minor
        super().__init__(f"price changed from {shown_minor} to {price_minor} minor units")


class InvalidTransition(DomainError):
    """A job status change that the state machine does not allow."""

    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        super().__init__(f"job cannot go from {current} to {target}")


class TransferRefusal(StrEnum):
    OFF = "off"  # no payment details are configured
    OUT_OF_RANGE = "out_of_range"  # params: min_minor, max_minor
    BLOCKED = "blocked"
    ALREADY_SUBMITTED = "already_submitted"  # this screenshot was sent before
    NOT_FOUND = "not_found"  # no such transfer


class TransferRefused(DomainError):
    """A manual transfer cannot be started, submitted or decided; ``code`` says why."""

    def __init__(self, code: TransferRefusal, **params: int) -> None:
        self.code = code
        self.params: Mapping[str, int] = MappingProxyType(dict(params))
        super().__init__(f"transfer refused: {code.value}")
