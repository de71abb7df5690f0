"""Referrals and the welcome bonus: who invited whom, and what each new user and inviter gets.

- Every user has a short random code (made when first needed, kept in ``users.referral_code``);
  their invite link is ``https://t.me/<bot>?start=ref_<code>``.
- :meth:`ReferralService.attribute` ties a user seen for the first time to the inviter whose code
  they came with — never to themselves, never twice — and credits both in one transaction:
  ``referral_free`` free generations (free grants of kind ``referral``) and/or
  ``referral_bonus_minor`` money (ledger kind ``referral``); refs ``ref:<invited>:in`` for the
  invited user, ``ref:<invited>:out`` for the inviter. Whether the user is new is the caller's
  knowledge (``UserView.is_new``: the update that created the user row).
- :meth:`ReferralService.welcome` runs inside the transaction that creates a user (the
  ``on_created`` hook of ``UserService``): ``welcome_bonus_minor`` money (ledger kind ``bonus``)
  and ``welcome_free`` free generations (kind ``welcome``), ref ``welcome:<user>``.
- :meth:`ReferralService.commission_for_topup` is for the top-up credit transactions (Stars,
  manual transfers): ``referral_commission_pct`` % of an invited user's top-up goes to the inviter.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import free_grants, referrals
from trt_local.storage.db import Database
from trt_local.storage.ledger import post
from trt_local.storage.referrals import ReferralsRepo

log = logging.getLogger("trt.referrals")

DEEP_LINK_PREFIX = "ref_"
# Lower case and digits without look-alikes (0/o, 1/l): people retype links from screenshots.
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
CODE_LENGTH = 8
_CODE = re.compile(r"^[a-z0-9]{4,32}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_from_start_payload(payload: str) -> str | None:
    """The referral code in a ``/start`` deep-link payload (``ref_<code>``), if it is one."""
    if not payload.startswith(DEEP_LINK_PREFIX):
        return None
    code = payload[len(DEEP_LINK_PREFIX) :]
    return code if _CODE.match(code) else None


@dataclass(frozen=True, slots=True)
class ReferralBonus:
    """An attribution that happened; each side got ``free_generations`` and ``amount_minor``."""

    referrer_id: int
    referred_id: int
    free_generations: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Commission:
    referrer_id: int
    amount_minor: int
    balance_minor: int  # the inviter's balance after it


# ReferralService.commission_for_topup, as the top-up services call it inside their credit.
CommissionHook = Callable[
    [aiosqlite.Connection, int, str, int, float], Awaitable[Commission | None]
]


@dataclass(frozen=True, slots=True)
class Gift:
    amount_minor: int
    free_generations: int


@dataclass(frozen=True, slots=True)
class InviteStats:
    code: str
    invited: int
    earned_minor: int
    earned_free: int


class ReferralService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        *,
        clock: Callable[[], float],
        make_code: Callable[[], str] = new_code,
    ) -> None:
        self._db = db
        self._repo = ReferralsRepo(db)
        self._settings = settings
        self._clock = clock
        self._make_code = make_code

    async def code_for(self, user_id: int) -> str:
        """The user's referral code, made and stored on first use."""
        code = await self._repo.code_of(user_id)
        if code is not None:
            return code
        for _ in range(10):
            # False: the random code belongs to someone else; any other outcome stores one
            # (ours, or a concurrent call's), which is read back below.
            if await self._repo.set_code(user_id, self._make_code()):
                break
        code = await self._repo.code_of(user_id)
        if code is None:
            raise LookupError(f"no referral code for user {user_id}")
        return code

    async def stats(self, user_id: int) -> InviteStats:
        """What the Invite friends screen shows."""
        code = await self.code_for(user_id)
        money, free = await self._repo.earned(user_id)
        return InviteStats(code, await self._repo.invited_count(user_id), money, free)

    async def attribute(
        self, new_user_id: int, code: str, now: float | None = None
    ) -> ReferralBonus | None:
        """Credit a new user and their inviter; None (nothing done) for an unknown or own code,
        a blocked inviter or user, or a user already attributed."""
        when = self._clock() if now is None else now
        settings = self._settings.money_in
        free, money = settings.referral_free, settings.referral_bonus_minor
        async with self._db.transaction() as tx:
            inviter = await referrals.find_by_code_tx(tx, code)
            if inviter is None or inviter.blocked or inviter.user_id == new_user_id:
                return None
            async with tx.execute("SELECT blocked FROM users WHERE id = ?", (new_user_id,)) as cur:
                user = await cur.fetchone()
            if user is None or user[0]:
                return None
            if not await referrals.insert_tx(
                tx, referred_id=new_user_id, referrer_id=inviter.user_id, now=when
            ):
                return None
            for user_id, side in ((new_user_id, "in"), (inviter.user_id, "out")):
                ref = f"ref:{new_user_id}:{side}"
                if money:
                    await post(
                        tx,
                        user_id=user_id,
                        amount_minor=money,
                        kind="referral",
                        ref=ref,
                        now=when,
                        reason=f"invited user {new_user_id}",
                    )
                if free:
                    await free_grants.grant(
                        tx, user_id=user_id, amount=free, kind="referral", ref=ref, now=when
                    )
        log.info("user %s joined by the invitation of user %s", new_user_id, inviter.user_id)
        return ReferralBonus(inviter.user_id, new_user_id, free, money)

    async def commission_for_topup(
        self,
        tx: aiosqlite.Connection,
        user_id: int,
        payment_ref: str,
        amount_minor: int,
        now: float,
    ) -> Commission | None:
        """Credit the inviter of ``user_id`` their share of a top-up, in the caller's transaction.

        Call it inside the transaction that credits the top-up (Stars ``successful_payment``, an
        approved transfer), with that payment's own unique ref: the ledger row (kind
        ``referral``, ref ``commission:<payment_ref>``) is written at most once per ref. Returns
        None when nothing is due: no inviter, a blocked inviter, a 0 % setting, a share under one
        minor unit, or this ref already credited. Tell the inviter after the commit.
        """
        pct = self._settings.money_in.referral_commission_pct
        if pct <= 0 or amount_minor <= 0:
            return None
        share = amount_minor * pct // 100  # rounded down: never more than the percentage
        inviter = await referrals.referrer_of_tx(tx, user_id)
        if share <= 0 or inviter is None or inviter.blocked:
            return None
        after = await post(
            tx,
            user_id=inviter.user_id,
            amount_minor=share,
            kind="referral",
            ref=f"commission:{payment_ref}",
            now=now,
            reason=f"{pct}% of a top-up by user {user_id}",
        )
        if after is None:
            return None
        return Commission(inviter.user_id, share, after)

    async def welcome(self, tx: aiosqlite.Connection, user_id: int, now: float) -> None:
        """The welcome bonus, inside the transaction that creates the user (once, by its ref)."""
        settings = self._settings.money_in
        ref = f"welcome:{user_id}"
        if settings.welcome_bonus_minor:
            await post(
                tx,
                user_id=user_id,
                amount_minor=settings.welcome_bonus_minor,
                kind="bonus",
                ref=ref,
                now=now,
                reason="welcome bonus",
            )
        if settings.welcome_free:
            await free_grants.grant(
                tx, user_id=user_id, amount=settings.welcome_free, kind="welcome", ref=ref, now=now
            )

    async def welcome_given(self, user_id: int) -> Gift:
        """The welcome bonus this user received (zero when there was none)."""
        money, free = await self._repo.welcome_given(user_id)
        return Gift(money, free)
