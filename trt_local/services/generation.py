"""Generation use cases for the bot and the dashboard: quote, confirm, history, repeat, refund.

``confirm`` is where money moves in: in ONE transaction it re-quotes, checks the caps from the
database, writes the job and charges it (or uses a free generation). The confirm button's ``ref``
is the job's unique key and the charge's ledger ref, so repeated or concurrent taps create one job
and one charge; the repeats get the same job back marked ``duplicate``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from trt_local.core import crashpoints
from trt_local.core.crashpoints import crash_point
from trt_local.core.errors import JobLimitReached, ModelUnavailable, PriceChanged
from trt_local.core.jobs import MAX_QUEUE_WAIT_S, JobStatus
from trt_local.core.model_spec import ModelSpec
from trt_local.core.pricing import PriceSeen, Quote, QuoteBasis, quota_day, quote
from trt_local.core.validation import build_kie_input, check_media_duration
from trt_local.services.job_views import as_duplicate, to_view
from trt_local.services.ports import FailureReason, JobView
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.settlement import Settlement
from trt_local.services.users import UserView
from trt_local.storage import free_grants, free_usage
from trt_local.storage.confirm_facts import confirm_facts_tx
from trt_local.storage.db import Database
from trt_local.storage.jobs import (
    JobsRepo,
    NewJob,
    by_ref_tx,
    dump_json,
    get_tx,
    insert,
    update_tx,
)
from trt_local.storage.ledger import post

log = logging.getLogger("trt.jobs")

MAX_REF_LENGTH = 64
# Kie deletes uploaded files after about 24 h (kie/API.md §8: "plan for a 24 h lifetime"). A job's
# uploads are older than the job (uploaded before the confirm), and a repeat may wait in the queue
# and at Kie before Kie fetches them: past 20 h the files are asked for again, 4 h to spare.
MEDIA_REUSE_MAX_AGE_S = 20 * 3600


@dataclass(frozen=True, slots=True)
class Repeat:
    """What "generate again" starts from: the same model and values as an earlier job."""

    model_id: str
    values: Mapping[str, object]
    media_seconds: float | None
    dropped: tuple[str, ...] = ()  # media inputs too old to reuse: the user sends them again


def _nothing() -> None:
    return None


class GenerationService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        settlement: Settlement,
        *,
        clock: Callable[[], float],
        wake: Callable[[], None] = _nothing,
    ) -> None:
        self._db = db
        self._settings = settings
        self._settlement = settlement
        self._jobs = JobsRepo(db)
        self._free = free_usage.FreeUsageRepo(db)
        self._grants = free_grants.FreeGrantsRepo(db)
        self._clock = clock
        self._wake = wake

    def model_for(self, user: UserView, model_id: str) -> ModelSpec:
        """The model if this user may run it (admins may run supported but disabled models)."""
        model = self._settings.catalog().get(model_id)
        if model is None or not model.supported or not (model.enabled or user.is_admin):
            raise ModelUnavailable(model_id)
        return model

    async def quote(
        self,
        user: UserView,
        model_id: str,
        values: Mapping[str, object],
        media_seconds: float | None = None,
    ) -> Quote:
        """The price this user would pay now; the same computation the charge uses."""
        model = self.model_for(user, model_id)
        prices = self._settings.prices
        used = await self._free.used(user.id, quota_day(self._clock(), prices))
        return quote(
            model,
            values,
            is_admin=user.is_admin,
            free_used_today=used,
            bonus_free=await self._grants.count(user.id),
            settings=prices,
            media_seconds=media_seconds,
        )

    async def free_left(self, user_id: int) -> int:
        """Free generations this user has left today (for the balance screen)."""
        prices = self._settings.prices
        used = await self._free.used(user_id, quota_day(self._clock(), prices))
        return max(0, prices.free_per_day - used)

    async def confirm(
        self,
        *,
        user: UserView,
        chat_id: int,
        model_id: str,
        values: Mapping[str, object],
        ref: str,
        status_message_id: int | None = None,
        media_seconds: float | None = None,
        expected: PriceSeen | None = None,
    ) -> JobView:
        """Create and pay for a job, or return the job this ``ref`` already made.

        ``expected`` is the price the user saw: if the price now differs (prices changed, the
        free quota was used meanwhile), ``PriceChanged`` is raised instead of charging another.
        Raises ``InsufficientFunds``, ``JobLimitReached``, ``ModelUnavailable``, ``InputError`` or
        ``PriceChanged``; then nothing was written and nothing was charged.
        """
        if not ref or len(ref) > MAX_REF_LENGTH:
            raise ValueError("a confirm ref must be 1 to 64 characters")
        now = self._clock()
        async with self._db.transaction() as tx:
            existing = await by_ref_tx(tx, ref)
            if existing is not None:
                if existing.user_id != user.id:
                    raise ValueError("this confirm ref belongs to another user's job")
                return as_duplicate(to_view(existing))
            model = self.model_for(user, model_id)
            kie_input = build_kie_input(model, values)
            if media_seconds is not None:
                check_media_duration(model, media_seconds)
            prices = self._settings.prices
            day = quota_day(now, prices)
            facts = await confirm_facts_tx(tx, user.id, day)
            priced = quote(
                model,
                values,
                is_admin=user.is_admin,
                free_used_today=facts.free_used,
                bonus_free=facts.bonus_free,
                settings=prices,
                media_seconds=media_seconds,
            )
            if expected is not None and PriceSeen.of(priced) != expected:
                raise PriceChanged(expected.price_minor, priced.price_minor)
            self._check_caps(facts.open_jobs)
            record = await insert(
                tx,
                NewJob(
                    ref=ref,
                    user_id=user.id,
                    chat_id=chat_id,
                    model_id=model.id,
                    title=model.title,
                    category=model.category.id,
                    output=model.output,
                    params={
                        name: value
                        for name, value in values.items()
                        if value is not None and model.input(name) is not None
                    },
                    kie_input=kie_input,
                    media_seconds=media_seconds,
                    price_minor=priced.price_minor,
                    basis=priced.basis,
                    free_day=day if priced.basis is QuoteBasis.FREE else None,
                    free_source=(
                        ("bonus" if priced.uses_bonus else "daily")
                        if priced.basis is QuoteBasis.FREE
                        else None
                    ),
                    credits=priced.credits,
                    deadline_at=now
                    + self._settings.timing(model.output).deadline_s
                    + MAX_QUEUE_WAIT_S,
                    status_message_id=status_message_id,
                    created_at=now,
                ),
            )
            if priced.basis is QuoteBasis.PAID and priced.price_minor > 0:
                # Raises InsufficientFunds (CHECK balance >= 0): the job insert rolls back with it.
                await post(
                    tx,
                    user_id=user.id,
                    amount_minor=-priced.price_minor,
                    kind="charge",
                    ref=ref,
                    now=now,
                    reason=f"job {record.id}: {model.id}",
                )
            elif priced.uses_bonus:
                await free_grants.grant(
                    tx, user_id=user.id, amount=-1, kind="job", ref=ref, now=now
                )
            elif priced.basis is QuoteBasis.FREE:
                await free_usage.consume_tx(tx, user.id, day)
        crash_point(crashpoints.AFTER_CONFIRM_COMMIT)
        log.info(
            "job %s confirmed: user %s, model %s, %s %d",
            record.id,
            user.id,
            model.id,
            priced.basis.value,
            priced.price_minor,
        )
        self._wake()
        return to_view(record)

    def _check_caps(self, open_jobs: int) -> None:
        # Only the per-user cap refuses; the global cap limits jobs at Kie at once and the rest
        # wait in the queue (the engine), so a busy evening never turns a paid confirm away.
        per_user = self._settings.per_user_job_cap
        if open_jobs >= per_user:
            raise JobLimitReached("user", per_user)

    # -- reading ------------------------------------------------------------------------------

    async def made_by(self, user: UserView, ref: str) -> bool:
        """Whether this confirm ref already made a job of this user."""
        record = await self._jobs.by_ref(ref)
        return record is not None and record.user_id == user.id

    async def get(self, job_id: int) -> JobView | None:
        record = await self._jobs.get(job_id)
        return None if record is None else to_view(record)

    async def history(
        self, user_id: int, offset: int = 0, limit: int = 10
    ) -> tuple[list[JobView], int]:
        """A user's jobs, newest first, and their total count (for paging)."""
        records, total = await self._jobs.history(user_id, max(0, offset), max(1, limit))
        return [to_view(record) for record in records], total

    async def recent(
        self, statuses: Iterable[JobStatus] | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[JobView]:
        """Jobs for the dashboard's table, newest first."""
        records = await self._jobs.recent(statuses, limit=limit, offset=offset)
        return [to_view(record) for record in records]

    async def counts_by_status(self) -> dict[JobStatus, int]:
        return await self._jobs.counts_by_status()

    async def again(self, job_id: int, user: UserView) -> Repeat:
        """The model and values of an earlier job of this user, to start a new confirm with.

        Uploaded media of a job older than ``MEDIA_REUSE_MAX_AGE_S`` are left out (Kie has
        deleted them or soon will); text and option values are kept.
        """
        record = await self._jobs.get(job_id)
        if record is None or (record.user_id != user.id and not user.is_admin):
            raise LookupError(f"no job {job_id} for user {user.id}")
        values = dict(record.params)
        seconds = record.media_seconds
        model = self._settings.base_catalog.get(record.model_id)
        dropped: tuple[str, ...] = ()
        if model is not None and self._clock() - record.created_at > MEDIA_REUSE_MAX_AGE_S:
            dropped = tuple(
                name for name in values if (spec := model.input(name)) is not None and spec.is_media
            )
            values = {name: value for name, value in values.items() if name not in dropped}
            if model.pricing.per in dropped:
                seconds = None
        return Repeat(record.model_id, MappingProxyType(values), seconds, dropped)

    # -- changing -----------------------------------------------------------------------------

    async def remember_file_ids(self, job_id: int, file_ids: Sequence[str]) -> None:
        """Keep the Telegram file ids of a (re)sent result for "show again"."""
        async with self._db.transaction() as tx:
            record = await get_tx(tx, job_id)
            if record is None:
                raise LookupError(f"no job {job_id}")
            result = {**record.result, "file_ids": list(file_ids)}
            await update_tx(
                tx, job_id, expect=tuple(JobStatus), now=self._clock(), result=dump_json(result)
            )

    async def fail_and_refund(self, job_id: int, reason: FailureReason, detail: str = "") -> bool:
        """Fail a stuck job and refund it (the dashboard's action); False if already finished."""
        failed = await self._settlement.fail_and_refund(job_id, reason, detail)
        if failed:
            self._wake()  # its slot under the global cap is free for a queued job
        return failed

    async def retry_delivery(self, job_id: int) -> bool:
        """Send a finished but undelivered result again now; False if it is not waiting."""
        moved = await self._jobs.update(
            job_id,
            expect=(JobStatus.SUCCEEDED,),
            now=self._clock(),
            next_poll_at=self._clock(),
            delivery_attempts=0,
        )
        if moved:
            self._wake()
        return moved
