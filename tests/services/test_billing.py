"""Admin money actions: each is one ledger row, never below zero, idempotent per ref."""

from __future__ import annotations

import pytest

from trt_local.core import InsufficientFunds
from trt_local.services.billing import Billing, InvariantViolation
from trt_local.storage.db import Database

from .conftest import MakeUser

ADMIN = 1


async def test_topup_credits_the_balance_and_logs_who_did_it(
    billing: Billing, make_user: MakeUser
) -> None:
    await make_user(110)

    change = await billing.admin_topup(ADMIN, 110, 25_000, "paid by bank transfer")

    assert (change.balance_minor, change.applied) == (25_000, True)
    [row] = await billing.ledger(110)
    assert (row.kind, row.amount_minor, row.actor_id, row.reason) == (
        "topup",
        25_000,
        ADMIN,
        "paid by bank transfer",
    )


async def test_the_same_action_ref_applies_once(billing: Billing, make_user: MakeUser) -> None:
    await make_user(111)

    first = await billing.admin_topup(ADMIN, 111, 500, "manual payment", ref="payment:7")
    second = await billing.admin_topup(ADMIN, 111, 500, "manual payment", ref="payment:7")

    assert (first.applied, second.applied) == (True, False)
    assert await billing.balance(111) == second.balance_minor == 500
    assert len(await billing.ledger(111)) == 1


async def test_adjust_never_takes_a_balance_below_zero(
    billing: Billing, make_user: MakeUser
) -> None:
    await make_user(112, balance=300)

    with pytest.raises(InsufficientFunds) as caught:
        await billing.adjust(ADMIN, 112, -500, "chargeback")
    assert caught.value.missing_minor == 200
    assert await billing.balance(112) == 300

    change = await billing.adjust(ADMIN, 112, -300, "chargeback")
    assert change.balance_minor == 0
    assert [row.kind for row in await billing.ledger(112)] == ["admin_adjust", "topup"]


async def test_adjust_refuses_bad_amounts_and_missing_reasons(
    billing: Billing, make_user: MakeUser
) -> None:
    await make_user(113, balance=300)

    with pytest.raises(ValueError, match="reason"):
        await billing.adjust(ADMIN, 113, 100, "  ")
    with pytest.raises(TypeError):
        await billing.adjust(ADMIN, 113, 1.5, "float money")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await billing.admin_topup(ADMIN, 113, 0)
    with pytest.raises(LookupError):
        await billing.adjust(ADMIN, 999, 100, "nobody")
    assert await billing.balance(113) == 300


async def test_ledger_pages_newest_first(billing: Billing, make_user: MakeUser) -> None:
    await make_user(114)
    for amount in (100, 200, 300):
        await billing.admin_topup(ADMIN, 114, amount)

    first_page = await billing.ledger(114, limit=2)
    second_page = await billing.ledger(114, limit=2, before_id=first_page[-1].id)

    assert [row.amount_minor for row in first_page + second_page] == [300, 200, 100]


async def test_invariant_violations_find_a_balance_changed_behind_the_ledger(
    billing: Billing, db: Database, make_user: MakeUser
) -> None:
    await make_user(115, balance=1000)
    await db.write("UPDATE users SET balance_minor = 5000 WHERE id = 115")

    assert await billing.invariant_violations() == [InvariantViolation(115, 5000, 1000)]

    await db.write("UPDATE users SET balance_minor = 1000 WHERE id = 115")
    assert await billing.invariant_violations() == []
