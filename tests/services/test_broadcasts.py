"""Broadcasts as a service on a real SQLite file: audiences, drafts, and a sender that reaches
every recipient once through pauses, RetryAfter, network errors, blocks and restarts."""

from __future__ import annotations

import pytest

from trt_local.core.broadcast import (
    Audience,
    AudienceKind,
    BroadcastInvalid,
    BroadcastProblem,
    BroadcastState,
    BroadcastStatus,
    RecipientStatus,
)
from trt_local.services.billing import Billing
from trt_local.services.broadcast_port import DeliveryError, RecipientGone, SendRefused
from trt_local.services.broadcast_sender import SenderLimits
from trt_local.services.broadcasts import BroadcastService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserView
from trt_local.storage.broadcasts import BroadcastsRepo
from trt_local.storage.db import Database
from trt_local.storage.users import UsersRepo

from .broadcast_port import FakeBroadcastPort
from .conftest import MakeUser
from .helpers import FakeClock

ADMIN = 1
DAY = 86_400.0
ALL = Audience(AudienceKind.ALL)


def service(
    db: Database, port: FakeBroadcastPort, clock: FakeClock, **limits: float
) -> BroadcastService:
    return BroadcastService(
        db,
        port,
        clock=clock,
        sleep=clock.sleep,
        limits=SenderLimits(**limits),  # type: ignore[arg-type]
    )


async def users(make_user: MakeUser, ids: range) -> None:
    for user_id in ids:
        await make_user(user_id)


async def started(svc: BroadcastService, text: str = "Hello <b>all</b>", **kw: object) -> int:
    draft = await svc.create(ADMIN, text, **kw)  # type: ignore[arg-type]
    await svc.send(ADMIN, draft.id)
    return draft.id


async def transfer(
    transfers: TransferService, user: UserView, *, approve: bool, unique: str
) -> None:
    """A bank transfer as the bot takes it: the user's proof, then an admin's decision."""
    await transfers.start(user, 15_000)
    record = await transfers.submit_proof(user, 15_000, f"file-{unique}", unique, "")
    if approve:
        assert (await transfers.approve(ADMIN, record.id)).applied
    else:
        await transfers.reject(ADMIN, record.id, "no such transfer")


async def test_audiences_pick_the_right_users(
    db: Database,
    clock: FakeClock,
    make_user: MakeUser,
    billing: Billing,
    settings: RuntimeSettings,
) -> None:
    now = clock()
    for user_id in range(101, 111):
        await make_user(user_id)
    await make_user(104, balance=500)  # a top-up: paid, and money on the balance
    await billing.adjust(ADMIN, 105, 100, "goodwill")  # money, but never paid
    await make_user(108, balance=500)
    await UsersRepo(db).set_flags(108, blocked=True)  # blocked by an admin: nowhere
    await settings.set_operator(payment_details="Card 2200 0000 0000 0000")
    transfers = TransferService(db, settings, clock=clock)
    await transfer(transfers, await make_user(106), approve=True, unique="AQAD6")
    await transfer(transfers, await make_user(107), approve=False, unique="AQAD7")
    await db.write("UPDATE users SET first_seen = ?, last_seen = ?", (now - 60 * DAY,) * 2)
    await db.write("UPDATE users SET last_seen = ? WHERE id = 102", (now - 20 * DAY,))
    await db.write(
        "UPDATE users SET first_seen = ?, last_seen = ? WHERE id = 103", (now - 3 * DAY, now - DAY)
    )
    # 109 blocked the bot after its last message; 110 wrote to the bot again afterwards.
    await db.write("UPDATE users SET bot_blocked_at = ? WHERE id = 109", (now - DAY,))
    await db.write(
        "UPDATE users SET bot_blocked_at = ?, last_seen = ? WHERE id = 110",
        (now - 2 * 3600, now - 3600),
    )
    port = FakeBroadcastPort(clock)
    svc = service(db, port, clock)
    sizes = {audience: size for audience, size in await svc.audiences()}
    assert sizes == {
        ALL: 8,  # 101-107 and 110
        Audience(AudienceKind.ACTIVE, 7): 2,  # 103, 110
        Audience(AudienceKind.ACTIVE, 30): 3,  # 102, 103, 110
        Audience(AudienceKind.PAID): 2,  # 104 (top-up), 106 (approved transfer)
        Audience(AudienceKind.BALANCE): 3,  # 104, 105, 106
    }
    assert await svc.audience_size(Audience(AudienceKind.JOINED, 5)) == 1  # 103

    broadcast_id = await started(svc, audience=Audience(AudienceKind.PAID))
    assert set(await BroadcastsRepo(db).recipients(broadcast_id)) == {104, 106}
    await port.wait_until(lambda: bool(port.reports))
    assert sorted(port.sent) == [104, 106]


async def test_everyone_once_blocked_ones_marked_and_skipped_next_time(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 41))
    port = FakeBroadcastPort(clock)
    port.plans = {7: [RecipientGone("Forbidden: bot was blocked by the user")]}
    port.plans[9] = [SendRefused("Bad Request: chat is read-only")]
    port.plans[21] = [RecipientGone("Forbidden: user is deactivated")]
    svc = service(db, port, clock)

    first = await started(svc)
    await port.wait_until(lambda: bool(port.reports))
    [report] = port.reports
    assert report.status is BroadcastStatus.DONE and report.finished_at is not None
    assert (report.total, report.sent, report.failed, report.blocked, report.left) == (
        40,
        37,
        1,
        2,
        0,
    )
    assert sorted(port.sent) == sorted(set(range(1, 41)) - {7, 9, 21})
    marks = await BroadcastsRepo(db).recipients(first)
    assert marks[7] is marks[21] is RecipientStatus.BLOCKED
    assert marks[9] is RecipientStatus.FAILED

    port.sent.clear()
    second = await started(svc, "Second")
    assert set(await BroadcastsRepo(db).recipients(second)) == set(range(1, 41)) - {7, 21}
    await port.wait_until(lambda: len(port.reports) == 2)
    assert 7 not in port.attempts[40:] and 9 in port.sent  # refused once is not blocked


async def test_retry_after_is_waited_out_and_network_errors_retried(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 11))
    port = FakeBroadcastPort(clock)
    port.plans = {
        3: [DeliveryError("429 Too Many Requests", retry_after=30.0)],
        4: [DeliveryError("network"), DeliveryError("network")],
        5: [DeliveryError("network")] * 3,
    }
    svc = service(db, port, clock)
    await started(svc)
    await port.wait_until(lambda: bool(port.reports))
    assert 30.0 in clock.sleeps  # the wait Telegram asked for
    assert {1.0, 2.0} <= set(clock.sleeps)  # growing pauses between network attempts
    assert sorted(port.sent) == [1, 2, 3, 4, 6, 7, 8, 9, 10]  # each once
    assert port.attempts.count(3) == 2 and port.attempts.count(5) == 3
    assert (port.reports[0].sent, port.reports[0].failed) == (9, 1)


async def test_pause_then_resume_reaches_everyone_once(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 21))
    port = FakeBroadcastPort(clock)
    port.hold(3, 4, 5, 6)  # the whole window waits on these
    svc = service(db, port, clock)
    broadcast_id = await started(svc)
    await port.wait_until(lambda: len(port.attempts) == 6)
    assert sorted(port.sent) == [1, 2]

    paused = await svc.pause(ADMIN, broadcast_id)  # returns once the sender is told
    assert paused.status is BroadcastStatus.PAUSED
    port.release()  # copies in flight finish and are marked, then the progress says "paused"
    await port.wait_until(
        lambda: port.shown[-1].status is BroadcastStatus.PAUSED and port.shown[-1].sent == 6
    )
    assert port.shown[-1].left == 14
    assert max(port.attempts) == 6  # nobody further was tried
    with pytest.raises(BroadcastState):
        await svc.pause(ADMIN, broadcast_id)

    await svc.resume(ADMIN, broadcast_id)
    await port.wait_until(lambda: bool(port.reports))
    assert sorted(port.sent) == list(range(1, 21))
    assert port.reports[0].status is BroadcastStatus.DONE


async def test_cancel_leaves_the_rest_unsent_and_reports(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 21))
    port = FakeBroadcastPort(clock)
    port.hold(5)
    svc = service(db, port, clock, window=1)
    broadcast_id = await started(svc)
    await port.wait_until(lambda: 5 in port.attempts)
    cancelled = await svc.cancel(ADMIN, broadcast_id)
    assert cancelled.status is BroadcastStatus.CANCELLED
    port.release()
    await port.wait_until(lambda: bool(port.reports))
    assert port.sent == [1, 2, 3, 4, 5] and max(port.attempts) == 5
    assert [r.status for r in port.reports] == [BroadcastStatus.CANCELLED]
    assert (port.reports[0].sent, port.reports[0].left) == (5, 15)
    with pytest.raises(BroadcastState):
        await svc.resume(ADMIN, broadcast_id)


async def test_a_stopped_broadcast_resumes_in_a_new_process_without_duplicates(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 31))
    port = FakeBroadcastPort(clock)
    port.hold(8, 9, 10, 11)
    first = service(db, port, clock, stop_grace_s=0.05)
    broadcast_id = await started(first)
    await port.wait_until(lambda: len(port.attempts) == 11)
    await first.stop()  # the held copies are cut off before Telegram took them
    record = await first.get(broadcast_id)
    assert record is not None and record.status is BroadcastStatus.SENDING
    assert (record.sent, record.left) == (7, 23)

    later = FakeBroadcastPort(clock)  # the restarted process
    second = service(db, later, clock)
    await second.start()
    await later.wait_until(lambda: bool(later.reports))
    assert sorted(port.sent + later.sent) == list(range(1, 31))
    assert later.reports[0].sent == 30
    await second.stop()


async def test_only_one_broadcast_is_sent_at_a_time(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 6))
    port = FakeBroadcastPort(clock)
    port.hold(1)
    svc = service(db, port, clock, window=1)
    first = await started(svc)
    other = await svc.create(ADMIN, "Another")
    with pytest.raises(BroadcastState) as refused:
        await svc.send(ADMIN, other.id)
    assert refused.value.busy
    draft = await svc.get(other.id)
    assert draft is not None and draft.status is BroadcastStatus.DRAFT  # nothing written
    assert await BroadcastsRepo(db).recipients(other.id) == {}
    port.release()
    await port.wait_until(lambda: bool(port.reports))
    assert port.reports[0].id == first
    await svc.send(ADMIN, other.id)
    await port.wait_until(lambda: len(port.reports) == 2)


async def test_copies_refused_in_a_row_pause_the_broadcast(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 21))
    port = FakeBroadcastPort(clock)
    port.plans = {
        user: [SendRefused("Bad Request: wrong file identifier")] for user in range(1, 21)
    }
    svc = service(db, port, clock, failures_in_a_row=3, window=1)
    broadcast_id = await started(svc)
    await port.wait_until(lambda: any(r.status is BroadcastStatus.PAUSED for r in port.shown))
    record = await svc.get(broadcast_id)
    assert record is not None and record.status is BroadcastStatus.PAUSED
    assert (record.failed, record.left) == (3, 17)
    assert port.reports == []


async def test_progress_is_shown_at_most_every_few_seconds(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 31))
    port = FakeBroadcastPort(clock, step_s=1.0)
    svc = service(db, port, clock, progress_every_s=3.0, window=1)
    await started(svc)
    await port.wait_until(lambda: bool(port.reports))
    assert 3 <= len(port.shown) <= 11  # 30 copies of 1 s each, one edit per 3 s at most
    assert port.shown[0].sent == 0
    assert [r.sent for r in port.shown] == sorted(r.sent for r in port.shown)


async def test_drafts_are_checked_and_previewed_before_they_are_kept(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await make_user(5)
    port = FakeBroadcastPort(clock)
    svc = service(db, port, clock)
    with pytest.raises(BroadcastInvalid) as bad:
        await svc.compose(ADMIN, "Hello <b>world", preview_chat=ADMIN)
    assert bad.value.problem is BroadcastProblem.BAD_HTML and "never closed" in bad.value.detail
    assert await svc.draft_of(ADMIN) is None and port.previews == []

    draft = await svc.compose(ADMIN, "Hello <b>world</b>", preview_chat=ADMIN)
    assert port.previews[-1][1].text == "Hello <b>world</b>"
    port.refuse_previews = "Bad Request: can't parse entities"
    with pytest.raises(BroadcastInvalid) as refused:
        await svc.compose(ADMIN, "<i>changed</i>", preview_chat=ADMIN)
    assert refused.value.problem is BroadcastProblem.REFUSED
    kept = await svc.draft_of(ADMIN)
    assert kept is not None and kept.id == draft.id and kept.text == "Hello <b>world</b>"
    port.refuse_previews = None

    for line in (("Go", "http://example.com"), ("Go", "https://"), ("", "https://a.io")):
        with pytest.raises(BroadcastInvalid):
            await svc.set_button(draft.id, line, preview_chat=ADMIN)
    draft = await svc.set_button(draft.id, (" Open ", "https://example.com/x"), preview_chat=ADMIN)
    assert draft.button == ("Open", "https://example.com/x")
    assert port.previews[-1][1].button == ("Open", "https://example.com/x")

    draft = await svc.set_audience(draft.id, Audience(AudienceKind.PAID))
    with pytest.raises(BroadcastInvalid) as nobody:
        await svc.send(ADMIN, draft.id)
    assert nobody.value.problem is BroadcastProblem.NOBODY
    await svc.set_audience(draft.id, ALL)
    await svc.send(ADMIN, draft.id)
    with pytest.raises(BroadcastState):
        await svc.set_audience(draft.id, ALL)
    await port.wait_until(lambda: bool(port.reports))
    assert port.sent == [5]


async def test_a_bug_in_a_send_pauses_the_broadcast_instead_of_losing_it(
    db: Database, clock: FakeClock, make_user: MakeUser
) -> None:
    await users(make_user, range(1, 11))
    port = FakeBroadcastPort(clock)
    port.plans = {3: [RuntimeError("a bug in the bot")]}
    svc = service(db, port, clock, window=1)
    broadcast_id = await started(svc)
    await port.wait_until(lambda: bool(port.shown) and port.shown[-1].status.value == "paused")
    assert (await BroadcastsRepo(db).recipients(broadcast_id))[3] is RecipientStatus.PENDING
    assert port.sent == [1, 2]
    await svc.resume(ADMIN, broadcast_id)
    await port.wait_until(lambda: bool(port.reports))
    assert sorted(port.sent) == list(range(1, 11))
