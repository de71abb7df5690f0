"""A user's account as the Balance screen shows it: money, free generations, recent movements.

Each ledger row becomes a :class:`MoneyLine` whose :class:`LineKind` says what happened in words the
bot can translate (a Stars top-up, generation X, an admin adjustment with its reason…). The kind of
a top-up is read from its ref: ``stars:<charge>`` for Telegram Stars, ``transfer:…`` for an approved
manual transfer; any other top-up was an admin's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from trt_local.core.pricing import next_quota_reset
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database, Row

RECENT = 10


class LineKind(StrEnum):
    TOPUP_STARS = "topup_stars"
    TOPUP_TRANSFER = "topup_transfer"
    TOPUP_ADMIN = "topup_admin"  # detail: the admin's reason
    CHARGE = "charge"  # detail: the model's title
    REFUND = "refund"  # detail: the model's title
    PROMO = "promo"  # detail: the code
    REFERRAL = "referral"
    WELCOME = "welcome"
    ADJUST = "adjust"  # detail: the admin's reason
    STARS_REFUND = "stars_refund"


@dataclass(frozen=True, slots=True)
class MoneyLine:
    id: int
    kind: LineKind
    amount_minor: int
    detail: str  # untrusted text (a reason, a title, a code): escape before showing
    created_at: float


@dataclass(frozen=True, slots=True)
class AccountOverview:
    balance_minor: int
    free_left: int  # today's free generations left
    free_per_day: int
    free_renews_at: float  # the next local midnight in the configured time zone
    bonus_free: int  # granted free generations (promo codes, referrals), used after today's
    recent: tuple[MoneyLine, ...]  # newest first


def _line(row: Row) -> MoneyLine:
    kind, ref = str(row["kind"]), str(row["ref"])
    reason, title = str(row["reason"] or ""), str(row["title"] or "")
    what, detail = LineKind.ADJUST, reason
    if kind == "topup":
        if ref.startswith("stars:"):
            what, detail = LineKind.TOPUP_STARS, ""
        elif ref.startswith("transfer:"):
            what, detail = LineKind.TOPUP_TRANSFER, ""
        else:
            what = LineKind.TOPUP_ADMIN
    elif kind in ("charge", "refund"):
        what, detail = LineKind(kind), title
    elif kind == "promo":
        what = LineKind.PROMO
    elif kind == "referral":
        what, detail = LineKind.REFERRAL, ""
    elif kind == "bonus":
        what, detail = LineKind.WELCOME, ""
    elif kind == "payment_refund":
        what, detail = LineKind.STARS_REFUND, ""
    return MoneyLine(
        int(row["id"]), what, int(row["amount_minor"]), detail, float(row["created_at"])
    )


class AccountService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        generation: GenerationService,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        self._settings = settings
        self._generation = generation
        self._clock = clock

    async def overview(self, user_id: int) -> AccountOverview:
        row = await self._db.fetch_one(
            "SELECT balance_minor, bonus_free FROM users WHERE id = ?", (user_id,)
        )
        if row is None:
            raise LookupError(f"no user {user_id}")
        prices = self._settings.prices
        lines, _ = await self.lines(user_id, offset=0, limit=RECENT)
        return AccountOverview(
            balance_minor=int(row["balance_minor"]),
            free_left=await self._generation.free_left(user_id),
            free_per_day=prices.free_per_day,
            free_renews_at=next_quota_reset(self._clock(), prices),
            bonus_free=int(row["bonus_free"]),
            recent=tuple(lines),
        )

    async def lines(self, user_id: int, *, offset: int, limit: int) -> tuple[list[MoneyLine], int]:
        """One page of the user's money movements, newest first, and how many there are."""
        rows = await self._db.fetch_all(
            "SELECT l.id, l.kind, l.ref, l.amount_minor, l.reason, l.created_at, j.title "
            "FROM ledger l LEFT JOIN jobs j ON l.kind IN ('charge', 'refund') AND j.ref = l.ref "
            "WHERE l.user_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?",
            (user_id, limit, max(0, offset)),
        )
        total = await self._db.scalar("SELECT COUNT(*) FROM ledger WHERE user_id = ?", (user_id,))
        return [_line(row) for row in rows], int(total or 0)
