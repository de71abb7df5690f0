"""What the bot shows about past jobs: history pages, one job, "again", kept file ids."""

from __future__ import annotations

import pytest

from trt_local.core.jobs import JobStatus
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService

from .conftest import MakeUser
from .helpers import FakeClock, run_until, status_is

PAID = "nano-banana-pro"


async def test_history_pages_newest_first_with_the_total(
    generation: GenerationService, clock: FakeClock, make_user: MakeUser
) -> None:
    user = await make_user(120, balance=10_000)
    other = await make_user(121, balance=10_000)
    made = []
    for n in range(3):
        values = {"prompt": f"picture {n}"}
        job = await generation.confirm(
            user=user, chat_id=120, model_id=PAID, values=values, ref=f"h{n}"
        )
        made.append(job.id)
        clock.advance(1)
    await generation.confirm(
        user=other, chat_id=121, model_id=PAID, values={"prompt": "x"}, ref="o"
    )

    page, total = await generation.history(120, offset=0, limit=2)
    rest, _ = await generation.history(120, offset=2, limit=2)

    assert total == 3
    assert [job.id for job in page + rest] == made[::-1]
    assert page[0].params == {"prompt": "picture 2"}


async def test_again_returns_the_model_and_values_only_to_the_owner(
    generation: GenerationService, make_user: MakeUser
) -> None:
    user, stranger = await make_user(122, balance=5000), await make_user(123)
    admin = await make_user(124, admin=True)
    values = {"prompt": "a lighthouse", "aspect_ratio": "16:9"}
    job = await generation.confirm(user=user, chat_id=122, model_id=PAID, values=values, ref="a")

    repeat = await generation.again(job.id, user)

    assert (repeat.model_id, dict(repeat.values)) == (PAID, values)
    assert (await generation.again(job.id, admin)).model_id == PAID
    with pytest.raises(LookupError):
        await generation.again(job.id, stranger)
    again = await generation.confirm(
        user=user, chat_id=122, model_id=repeat.model_id, values=repeat.values, ref="a2"
    )
    assert again.price_minor == job.price_minor


async def test_delivered_file_ids_are_kept_and_can_be_replaced(
    generation: GenerationService, engine: Engine, clock: FakeClock, make_user: MakeUser
) -> None:
    user = await make_user(125, balance=5000)
    job = await generation.confirm(
        user=user, chat_id=125, model_id=PAID, values={"prompt": "a fox"}, ref="f"
    )

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    view = await generation.get(job.id)
    assert view is not None and view.result_file_ids == (f"tg-file-{job.id}-0",)

    await generation.remember_file_ids(job.id, ["resent-file-id"])

    view = await generation.get(job.id)
    assert view is not None and view.result_file_ids == ("resent-file-id",)
    assert view.status is JobStatus.DELIVERED
    assert await generation.counts_by_status() == {JobStatus.DELIVERED: 1}
    assert [item.id for item in await generation.recent([JobStatus.DELIVERED])] == [job.id]
    assert await generation.recent([JobStatus.FAILED]) == []
    assert await generation.get(10_000) is None
