"""Promo codes: admins create, list and switch them off; users redeem them once each.

A redemption is one transaction: the checks, ``uses + 1``, the redemption row and the credit (a
ledger row of kind ``promo`` or a free grant of kind ``promo``, both with the ref
``promo:<CODE>:<user>``). Either all of it is written or none of it. Twenty users racing for the
last use are serialized by the write transaction; ``CHECK (uses <= max_uses)`` refuses every
use past the limit, and that refusal is reported as "exhausted".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from trt_local.core.money_in import MAX_TOPUP_MINOR
from trt_local.core.promo import (
    MAX_FREE_GENERATIONS,
    MAX_USES,
    PromoInvalid,
    PromoProblem,
    PromoRefusal,
    PromoRefused,
    canonical_code,
    end_of_day,
)
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import free_grants, promo
from trt_local.storage.db import Database
from trt_local.storage.ledger import post
from trt_local.storage.promo import PromoRecord, PromoRepo

log = logging.getLogger("trt.promo")


@dataclass(frozen=True, slots=True)
class Redemption:
    """What a successful redemption credited, and the user's totals after it."""

    code: str
    amount_minor: int
    free_generations: int
    balance_minor: int
    bonus_free: int


class PromoService:
    def __init__(
        self, db: Database, settings: RuntimeSettings, *, clock: Callable[[], float]
    ) -> None:
        self._db = db
        self._repo = PromoRepo(db)
        self._settings = settings
        self._clock = clock

    async def create(
        self,
        admin_id: int,
        code: str,
        *,
        amount_minor: int = 0,
        free_generations: int = 0,
        max_uses: int | None = None,
        expires: date | None = None,
    ) -> PromoRecord:
        """A new active code; raises :class:`PromoInvalid` naming the problem."""
        name = canonical_code(code)
        if name is None:
            raise PromoInvalid(PromoProblem.BAD_CODE)
        if amount_minor < 0 or free_generations < 0 or not (amount_minor or free_generations):
            raise PromoInvalid(PromoProblem.NO_REWARD)
        if amount_minor > MAX_TOPUP_MINOR or free_generations > MAX_FREE_GENERATIONS:
            raise PromoInvalid(PromoProblem.TOO_LARGE)
        if max_uses is not None and not 1 <= max_uses <= MAX_USES:
            raise PromoInvalid(PromoProblem.BAD_MAX_USES)
        now = self._clock()
        expires_at = None
        if expires is not None:
            expires_at = end_of_day(expires, self._settings.prices.timezone)
            if expires_at <= now:
                raise PromoInvalid(PromoProblem.PAST_EXPIRY)
        record = PromoRecord(
            code=name,
            amount_minor=amount_minor,
            free_generations=free_generations,
            max_uses=max_uses,
            uses=0,
            expires_at=expires_at,
            active=True,
            created_by=admin_id,
            created_at=now,
        )
        if not await promo.insert(self._db, record):
            raise PromoInvalid(PromoProblem.DUPLICATE)
        log.info("admin %s created promo code %s", admin_id, name)
        return record

    async def codes(self) -> list[PromoRecord]:
        """Every code with its uses; active ones first."""
        return await self._repo.all()

    async def switch_off(self, admin_id: int, code: str) -> bool:
        """Stop a code from being redeemed; False when there is no such code."""
        name = canonical_code(code)
        done = name is not None and await self._repo.switch_off(name)
        if done:
            log.info("admin %s switched promo code %s off", admin_id, name)
        return done

    async def redeem(self, user_id: int, code: str, now: float | None = None) -> Redemption:
        """Credit the code's money and/or free generations; raises :class:`PromoRefused`."""
        when = self._clock() if now is None else now
        name = canonical_code(code)
        async with self._db.transaction() as tx:
            async with tx.execute("SELECT blocked FROM users WHERE id = ?", (user_id,)) as cur:
                user = await cur.fetchone()
            if user is None:
                raise LookupError(f"no user {user_id}")
            if user[0]:
                raise PromoRefused(PromoRefusal.BLOCKED)
            record = await promo.get_tx(tx, name) if name else None
            if record is None:
                raise PromoRefused(PromoRefusal.UNKNOWN)
            if not record.active:
                raise PromoRefused(PromoRefusal.OFF)
            if await promo.redeemed_tx(tx, record.code, user_id):
                raise PromoRefused(PromoRefusal.ALREADY_USED)
            if record.expires_at is not None and when >= record.expires_at:
                raise PromoRefused(PromoRefusal.EXPIRED)
            if not await promo.use_tx(tx, record.code, user_id, when):
                raise PromoRefused(PromoRefusal.EXHAUSTED)
            ref = f"promo:{record.code}:{user_id}"
            if record.amount_minor:
                await post(
                    tx,
                    user_id=user_id,
                    amount_minor=record.amount_minor,
                    kind="promo",
                    ref=ref,
                    now=when,
                    reason=record.code,
                )
            if record.free_generations:
                await free_grants.grant(
                    tx,
                    user_id=user_id,
                    amount=record.free_generations,
                    kind="promo",
                    ref=ref,
                    now=when,
                )
            async with tx.execute(
                "SELECT balance_minor, bonus_free FROM users WHERE id = ?", (user_id,)
            ) as cur:
                totals = await cur.fetchone()
        assert totals is not None
        log.info("user %s redeemed promo code %s", user_id, record.code)
        return Redemption(
            code=record.code,
            amount_minor=record.amount_minor,
            free_generations=record.free_generations,
            balance_minor=int(totals[0]),
            bonus_free=int(totals[1]),
        )
