"""Confirm charges the price the user saw or nothing; "again" drops uploads Kie no longer keeps."""

from __future__ import annotations

import pytest

from trt_local.core.errors import PriceChanged
from trt_local.core.pricing import PriceSeen, QuoteBasis
from trt_local.services.billing import Billing
from trt_local.services.generation import MEDIA_REUSE_MAX_AGE_S, GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock

FREE = "google/nano-banana"  # free while the daily quota lasts, then 315 kopecks
TALK = "infinitalk/from-audio"  # 4 credits per second of audio at 480p, at most 15 s
TALK_VALUES = {
    "image_url": "https://files.example/face.png",
    "audio_url": "https://files.example/voice.ogg",
    "prompt": "she says hello",
    "resolution": "480p",
}


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


@pytest.mark.parametrize(("age_h", "kept"), [(19, True), (21, False)])
async def test_again_keeps_uploads_only_while_kie_keeps_them(
    generation: GenerationService, clock: FakeClock, make_user: MakeUser, age_h: int, kept: bool
) -> None:
    assert 19 * 3600 < MEDIA_REUSE_MAX_AGE_S < 21 * 3600
    user = await make_user(31, balance=10_000)
    job = await generation.confirm(
        user=user, chat_id=31, model_id=TALK, values=TALK_VALUES, ref="t", media_seconds=7
    )
    assert job.price_minor == 2201  # 7 s, not the 15 s maximum
    clock.advance(age_h * 3600)

    repeat = await generation.again(job.id, user)

    media = {"image_url", "audio_url"}
    text_and_options = {k: v for k, v in TALK_VALUES.items() if k not in media}
    if kept:
        assert (dict(repeat.values), repeat.media_seconds, repeat.dropped) == (TALK_VALUES, 7, ())
    else:
        assert dict(repeat.values) == text_and_options
        assert (repeat.media_seconds, set(repeat.dropped)) == (None, media)
