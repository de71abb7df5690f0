"""The Balance screen's data: money, free generations and when they renew, movements by kind."""

from __future__ import annotations

from datetime import UTC, datetime

from trt_local.core.pricing import PriceSettings, next_quota_reset
from trt_local.services.account import AccountService, LineKind
from trt_local.services.billing import Billing
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import free_grants
from trt_local.storage.db import Database
from trt_local.storage.ledger import post

from .conftest import MakeUser
from .helpers import FakeClock

ADMIN = 1


def test_the_free_quota_renews_at_the_next_local_midnight() -> None:
    moscow = PriceSettings(timezone="Europe/Moscow")
    # 2025-06-15 23:30 in Moscow (20:30 UTC) → midnight of the 16th there, 21:00 UTC.
    now = datetime(2025, 6, 15, 20, 30, tzinfo=UTC).timestamp()
    assert next_quota_reset(now, moscow) == datetime(2025, 6, 15, 21, 0, tzinfo=UTC).timestamp()
    # 00:10 in Moscow (21:10 UTC the day before) → the midnight ending that Moscow day.
    now = datetime(2025, 6, 15, 21, 10, tzinfo=UTC).timestamp()
    assert next_quota_reset(now, moscow) == datetime(2025, 6, 16, 21, 0, tzinfo=UTC).timestamp()
    # Across a clock change: Berlin's midnight after 2025-03-29 is still 23:00 UTC.
    berlin = PriceSettings(timezone="Europe/Berlin")
    now = datetime(2025, 3, 29, 12, 0, tzinfo=UTC).timestamp()
    assert next_quota_reset(now, berlin) == datetime(2025, 3, 29, 23, 0, tzinfo=UTC).timestamp()


async def test_overview_reads_each_kind_of_movement(
    db: Database,
    settings: RuntimeSettings,
    generation: GenerationService,
    billing: Billing,
    make_user: MakeUser,
    clock: FakeClock,
) -> None:
    await make_user(301)
    await billing.admin_topup(ADMIN, 301, 2_000, "cash", ref="topup:1:2")
    await billing.admin_topup(ADMIN, 301, 3_000, "", ref="transfer:7")
    async with db.transaction() as tx:
        for kind, ref, amount, reason in (
            ("topup", "stars:ch-1", 5_000, "Telegram Stars, payment 1"),
            ("promo", "promo:SPRING:301", 700, "SPRING"),
            ("referral", "ref:302", 500, "invited user 302"),
            ("bonus", "welcome:301", 100, "welcome bonus"),
            ("payment_refund", "stars:ch-1", -5_000, ""),
        ):
            await post(
                tx, user_id=301, amount_minor=amount, kind=kind, ref=ref, now=clock(), reason=reason
            )
        await free_grants.grant(tx, user_id=301, amount=2, kind="promo", ref="g", now=clock())
    await billing.adjust(ADMIN, 301, -300, "typo")

    account = AccountService(db, settings, generation, clock=clock)
    overview = await account.overview(301)

    assert (overview.balance_minor, overview.free_left, overview.free_per_day) == (6_000, 5, 5)
    assert overview.bonus_free == 2
    # FakeClock starts at 18:06 in Moscow on 2025-06-15: renewal at 21:00 UTC that day.
    assert overview.free_renews_at == datetime(2025, 6, 15, 21, 0, tzinfo=UTC).timestamp()
    assert [(line.kind, line.amount_minor, line.detail) for line in overview.recent] == [
        (LineKind.ADJUST, -300, "typo"),
        (LineKind.STARS_REFUND, -5_000, ""),
        (LineKind.WELCOME, 100, ""),
        (LineKind.REFERRAL, 500, ""),
        (LineKind.PROMO, 700, "SPRING"),
        (LineKind.TOPUP_STARS, 5_000, ""),
        (LineKind.TOPUP_TRANSFER, 3_000, ""),
        (LineKind.TOPUP_ADMIN, 2_000, "cash"),
    ]
    page, total = await account.lines(301, offset=6, limit=6)
    assert total == 8 and [line.kind for line in page] == [
        LineKind.TOPUP_TRANSFER,
        LineKind.TOPUP_ADMIN,
    ]
