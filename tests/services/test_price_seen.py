"""Confirm charges the price the user saw, or nothing."""

from __future__ import annotations

import pytest

from trt_local.core.errors import PriceChanged
from trt_local.core.pricing import PriceSeen, QuoteBasis
from trt_local.services.billing import Billing
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database

from .conftest import MakeUser

FREE = "google/nano-banana"  # free while the daily quota lasts, then 315 kopecks


async def test_a_free_run_shown_as_free_is_not_charged_once_the_quota_is_gone(
    generation: GenerationService,
    settings: RuntimeSettings,
    billing: Billing,
    db: Database,
    make_user: MakeUser,
) -> None:
    user = await make_user(30, balance=5000)
    await settings.update_prices(free_per_day=1)
    shown = PriceSeen.of(await generation.quote(user, FREE, {"prompt": "a"}))
    assert shown == PriceSeen(0, QuoteBasis.FREE)
    # Meanwhile another confirm (another chat, another device) uses today's free generation.
    await generation.confirm(user=user, chat_id=30, model_id=FREE, values={"prompt": "b"}, ref="b")

    with pytest.raises(PriceChanged) as caught:
        await generation.confirm(
            user=user, chat_id=30, model_id=FREE, values={"prompt": "a"}, ref="a", expected=shown
        )

    assert (caught.value.shown_minor, caught.value.price_minor) == (0, 315)
    assert await db.scalar("SELECT COUNT(*) FROM jobs WHERE ref = 'a'") == 0
    assert await billing.balance(30) == 5000
    now = PriceSeen.of(await generation.quote(user, FREE, {"prompt": "a"}))
    job = await generation.confirm(
        user=user, chat_id=30, model_id=FREE, values={"prompt": "a"}, ref="a", expected=now
    )
    assert (job.price_minor, await billing.balance(30)) == (315, 5000 - 315)
