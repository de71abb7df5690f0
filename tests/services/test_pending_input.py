"""The question a feature asked a user (a promo code…): stored, answered once, lapsing."""

from __future__ import annotations

from trt_local.services.pending_input import TTL_S, PendingInput
from trt_local.storage.db import Database
from trt_local.storage.pending_input import PendingInputRepo

from .conftest import MakeUser
from .helpers import FakeClock


async def test_a_question_is_answered_once_and_lapses(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await make_user(500)
    pending = PendingInput(PendingInputRepo(db), clock=clock)
    await pending.expect(500, "promo")

    restarted = PendingInput(PendingInputRepo(db), clock=clock)  # a new process, same file
    assert await restarted.peek(500) == "promo"
    assert await restarted.take(500) == "promo"
    assert await restarted.take(500) is None

    await pending.expect(500, "promo")
    clock.advance(TTL_S)
    assert await pending.take(500) is None
    assert await db.scalar("SELECT COUNT(*) FROM bot_state") == 0  # a lapsed one is dropped too

    await pending.expect(500, "promo")
    await pending.clear(500)
    assert await pending.peek(500) is None
