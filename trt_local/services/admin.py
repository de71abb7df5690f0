"""Admin operations shared by the terminal dashboard and the Telegram admin panel.

Finding users, looking at one user (balance, free generations left, ledger, jobs), blocking and
making admins, and browsing jobs. Money moves only through ``Billing`` and jobs only through
``GenerationService``: this service never writes either. Every change is logged with the actor;
``DASHBOARD_ACTOR`` stands for the operator at the terminal, who has no Telegram id and has an
owner's rights. The rules hold for every caller: only owners (``TRT_ADMIN_IDS``) grant or revoke
admin rights, an owner's rights cannot be revoked here, and an admin cannot be blocked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from trt_local.core.pricing import quota_day
from trt_local.services.generation import GenerationService
from trt_local.services.ports import JobView
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserService
from trt_local.storage import job_queries, user_queries
from trt_local.storage.db import Database
from trt_local.storage.job_queries import JobFilter, JobRow
from trt_local.storage.ledger import LedgerEntry, LedgerRepo
from trt_local.storage.user_queries import CardFacts, UserRow
from trt_local.storage.users import UsersRepo

log = logging.getLogger("trt.admin")

DASHBOARD_ACTOR = 0  # ledger actor_id and log name of the terminal operator
CARD_LEDGER_ROWS = 10


class Refusal(StrEnum):
    NOT_OWNER = "not_owner"  # only owners grant or revoke admin rights
    OWNER = "owner"  # an owner's rights come from the config and stay
    ADMIN = "admin"  # admins are not blocked (their rights go first)


class AdminRefused(Exception):
    """An admin action the rules do not allow; ``refusal`` says which rule."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    username: str | None
    name: str
    balance_minor: int
    free_left: int  # free generations left today
    blocked: bool
    is_admin: bool  # the stored flag or listed in the config
    admin_from_config: bool  # listed in TRT_ADMIN_IDS / config.toml: cannot be revoked here
    last_seen: float


@dataclass(frozen=True, slots=True)
class UserDetail:
    user: UserSummary
    ledger: tuple[LedgerEntry, ...]  # newest first
    jobs: tuple[JobView, ...]  # newest first
    jobs_total: int


@dataclass(frozen=True, slots=True)
class UserCard:
    """One user as the Telegram panel's card shows them."""

    user: UserSummary
    facts: CardFacts  # granted free generations, referrer, jobs and payments counted
    ledger: tuple[LedgerEntry, ...]  # newest first


class AdminService:
    def __init__(
        self,
        db: Database,
        users: UserService,
        generation: GenerationService,
        settings: RuntimeSettings,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        self._users = users
        self._repo = UsersRepo(db)
        self._ledger = LedgerRepo(db)
        self._generation = generation
        self._settings = settings
        self._clock = clock

    def _day(self) -> str:
        return quota_day(self._clock(), self._settings.prices)

    def _summary(self, row: UserRow) -> UserSummary:
        from_config = self._users.is_admin_id(row.id)
        name = " ".join(part for part in (row.first_name, row.last_name) if part)
        return UserSummary(
            id=row.id,
            username=row.username,
            name=name,
            balance_minor=row.balance_minor,
            free_left=max(0, self._settings.prices.free_per_day - row.free_used),
            blocked=row.blocked,
            is_admin=row.is_admin or from_config,
            admin_from_config=from_config,
            last_seen=row.last_seen,
        )

    # -- users ----------------------------------------------------------------------------------

    async def search_users(
        self, text: str, *, limit: int = 100, offset: int = 0
    ) -> list[UserSummary]:
        """Users by id, ``@username`` prefix or part of the name; most recently seen first."""
        rows = await user_queries.search(
            self._db, text, day=self._day(), limit=max(1, limit), offset=max(0, offset)
        )
        return [self._summary(row) for row in rows]

    async def user_count(self) -> int:
        return await user_queries.count(self._db)

    async def user(self, user_id: int) -> UserSummary | None:
        row = await user_queries.get(self._db, user_id, day=self._day())
        return None if row is None else self._summary(row)

    async def user_detail(
        self, user_id: int, *, ledger_limit: int = 50, jobs_limit: int = 20
    ) -> UserDetail | None:
        """One user with their newest ledger rows and jobs; None for an unknown id."""
        summary = await self.user(user_id)
        if summary is None:
            return None
        ledger = await self._ledger.entries(user_id, limit=ledger_limit)
        jobs, total = await self._generation.history(user_id, 0, jobs_limit)
        return UserDetail(summary, tuple(ledger), tuple(jobs), total)

    async def find_user(self, text: str) -> UserSummary | None:
        """The user with this id, or with this ``@username`` (exactly, any case)."""
        text = text.strip()
        if text.isdigit():
            return await self.user(int(text))
        name = text.removeprefix("@")
        if not name:
            return None
        row = await user_queries.by_username(self._db, name, day=self._day())
        return None if row is None else self._summary(row)

    async def user_card(
        self, user_id: int, *, ledger_rows: int = CARD_LEDGER_ROWS
    ) -> UserCard | None:
        summary = await self.user(user_id)
        if summary is None:
            return None
        facts = await user_queries.card_facts(self._db, user_id)
        ledger = await self._ledger.entries(user_id, limit=ledger_rows)
        return UserCard(summary, facts, tuple(ledger))

    def is_owner(self, actor_id: int) -> bool:
        return actor_id == DASHBOARD_ACTOR or self._users.is_owner(actor_id)

    async def set_blocked(self, actor_id: int, user_id: int, blocked: bool) -> UserSummary:
        """Block (the bot then refuses them) or unblock a user; LookupError if unknown,
        ``AdminRefused`` for an admin (the bot never refuses admins, so it would mean nothing)."""
        target = await self._require(user_id)
        if blocked and target.is_admin:
            raise AdminRefused(Refusal.ADMIN)
        await self._repo.set_flags(user_id, blocked=blocked)
        log.info("admin %s %s user %s", actor_id, "blocked" if blocked else "unblocked", user_id)
        return await self._require(user_id)

    async def set_admin(self, actor_id: int, user_id: int, admin: bool) -> UserSummary:
        """Grant or revoke admin rights stored in the database; only owners may, and an owner's
        rights (from the config) stay. Raises ``AdminRefused``, or LookupError if unknown."""
        if not self.is_owner(actor_id):
            raise AdminRefused(Refusal.NOT_OWNER)
        if not admin and self._users.is_owner(user_id):
            raise AdminRefused(Refusal.OWNER)
        await self._require(user_id)
        # A blocked user made admin is unblocked: the flag would only wait to surprise later.
        await self._repo.set_flags(user_id, is_admin=admin, blocked=False if admin else None)
        log.info(
            "admin %s %s admin rights of user %s",
            actor_id,
            "granted" if admin else "revoked",
            user_id,
        )
        return await self._require(user_id)

    async def _require(self, user_id: int) -> UserSummary:
        summary = await self.user(user_id)
        if summary is None:
            raise LookupError(f"no user {user_id}")
        return summary

    # -- jobs -----------------------------------------------------------------------------------

    async def jobs(
        self, wanted: JobFilter, *, before_id: int | None = None, limit: int = 100
    ) -> list[JobRow]:
        """A page of jobs matching ``wanted``, newest first; the next page is below the last id."""
        return await job_queries.page(self._db, wanted, before_id=before_id, limit=max(1, limit))
