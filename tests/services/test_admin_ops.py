"""Admin operations as services: the Stats overview by period, the rules on admin rights and
blocking (the same for the dashboard and Telegram), and the bounded error log."""

from __future__ import annotations

import pytest

from trt_local.kie import KieClient
from trt_local.logs import RedactingFormatter
from trt_local.services.admin import DASHBOARD_ACTOR, AdminRefused, AdminService, Refusal
from trt_local.services.billing import Billing
from trt_local.services.errors import ErrorLog
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stats import StatsService
from trt_local.services.users import UserService
from trt_local.storage.db import Database
from trt_local.storage.errors import ErrorsRepo
from trt_local.storage.ledger import post
from trt_local.storage.overview import Sums
from trt_local.storage.users import UsersRepo

from .conftest import MakeUser
from .helpers import API_KEY, FakeClock

DAY = 86_400.0
OWNER = 1


async def add_job(db: Database, ref: str, model: str, status: str, at: float) -> None:
    await db.write(
        "INSERT INTO jobs (ref, user_id, chat_id, model_id, category, output, params, kie_input, "
        "price_minor, basis, credits, status, deadline_at, created_at, updated_at) "
        "VALUES (?, 10, 10, ?, 'text_to_image', 'image', '{}', '{}', 0, 'free', '1', ?, ?, ?, ?)",
        (ref, model, status, at + 600, at, at),
    )


async def add_payment(
    db: Database, method: str, amount: int, status: str, decided: float | None
) -> None:
    at = decided or 0.0
    await db.write(
        "INSERT INTO payments (user_id, method, amount_minor, status, created_at, updated_at, "
        "decided_at) VALUES (10, ?, ?, ?, ?, ?, ?)",
        (method, amount, status, at, at, decided),
    )


async def test_the_overview_counts_each_period(
    db: Database,
    settings: RuntimeSettings,
    kie: KieClient,
    billing: Billing,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    now = clock.now  # 18:06 in Moscow: "today" began 18 hours ago
    for user_id, age in ((10, 40 * DAY), (11, 20 * DAY), (12, 3 * DAY), (13, 3600.0)):
        clock.now = now - age
        await make_user(user_id)
    clock.now = now
    await make_user(10)  # an old user back today: active, not new
    await billing.admin_topup(OWNER, 10, 1_000, "money")

    for ref, model, status, age in (
        ("j1", "model-a", "delivered", 3600.0),
        ("j2", "model-a", "failed", 7200.0),
        ("j3", "model-b", "delivered", 2 * DAY),
        ("j4", "model-c", "delivered", 10 * DAY),
        ("j5", "model-a", "failed", 40 * DAY),
    ):
        await add_job(db, ref, model, status, now - age)
    await add_payment(db, "stars", 100, "paid", now - 60)
    await add_payment(db, "transfer", 500, "approved", now - 5 * DAY)
    await add_payment(db, "stars", 200, "paid", now - 40 * DAY)
    await add_payment(db, "stars", 300, "refunded", now - 60)  # given back: not money in
    await add_payment(db, "transfer", 999, "pending", None)  # not approved yet
    async with db.transaction() as tx:
        await post(tx, user_id=10, amount_minor=511, kind="refund", ref="j2", now=now - 7000)
        await post(
            tx, user_id=10, amount_minor=-300, kind="payment_refund", ref="c-1", now=now - 50
        )

    stats = StatsService(db, settings, kie, clock=clock)
    overview = await stats.overview()
    users = overview.users
    assert (users.total, users.new, users.active_today) == (4, Sums(1, 2, 3), 2)
    jobs = overview.jobs
    assert (jobs.today, jobs.week, jobs.week_failed) == (2, 3, 1)
    assert (jobs.total, jobs.total_failed) == (5, 2)
    assert jobs.top_models == (("model-a", 2), ("model-b", 1), ("model-c", 1))
    assert overview.topups == {
        "stars": (Sums(100, 100, 100), 300),
        "transfer": (Sums(0, 500, 500), 500),
    }
    assert overview.refunds == {
        "refund": Sums(511, 511, 511),
        "payment_refund": Sums(300, 300, 300),
    }
    assert overview.queue.open == 0 and overview.currency == "RUB"
    # 1000 credits at $0.005 and 78.6 ₽/$: what they cost at Kie, in kopecks.
    assert stats.credits_value_minor(await stats.kie_credits()) == 39_300


async def test_only_owners_change_admin_rights_and_admins_are_not_blocked(
    db: Database,
    settings: RuntimeSettings,
    generation: GenerationService,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    users = UserService(UsersRepo(db), admin_ids=frozenset({OWNER}), clock=clock)
    admin = AdminService(db, users, generation, settings, clock=clock)
    for user_id in (OWNER, 20, 21):
        await make_user(user_id)

    await admin.set_admin(OWNER, 20, True)
    assert await users.admin_ids() == [OWNER, 20]
    with pytest.raises(AdminRefused) as refused:
        await admin.set_admin(20, 21, True)  # an added admin is not an owner
    assert refused.value.refusal is Refusal.NOT_OWNER
    for actor in (OWNER, DASHBOARD_ACTOR):
        with pytest.raises(AdminRefused) as refused:
            await admin.set_admin(actor, OWNER, False)
        assert refused.value.refusal is Refusal.OWNER
    with pytest.raises(AdminRefused) as refused:
        await admin.set_blocked(OWNER, 20, True)
    assert refused.value.refusal is Refusal.ADMIN

    await admin.set_blocked(OWNER, 21, True)
    promoted = await admin.set_admin(DASHBOARD_ACTOR, 21, True)  # the dashboard is an owner
    assert promoted.is_admin and not promoted.blocked  # an admin is never left blocked
    await admin.set_admin(OWNER, 20, False)
    assert await users.admin_ids() == [OWNER, 21]
    assert (await admin.find_user("@user21")) is None  # usernames, not names
    found = await admin.find_user("21")
    assert found is not None and found.id == 21


async def test_the_error_log_is_redacted_and_keeps_the_newest(
    db: Database, clock: FakeClock
) -> None:
    redact = RedactingFormatter([API_KEY]).redact
    errors = ErrorLog(ErrorsRepo(db, keep=3), redact=redact, clock=clock)
    for number in range(5):
        try:
            raise RuntimeError(f"failure {number} with key {API_KEY.lower()}")
        except RuntimeError as exc:
            await errors.record(
                f"00000{number}", source="job", place=f"job {number}", user_id=7, error=exc
            )
        clock.advance(1)
    kept = await errors.recent(10)
    assert [record.error_id for record in kept] == ["000004", "000003", "000002"]
    assert await errors.get("000001") is None
    record = await errors.get("000004")
    assert record is not None and record.summary == "RuntimeError: failure 4 with key ***"
    assert API_KEY.lower() not in record.traceback.lower() and "Traceback" in record.traceback
