"""Suno tracks through the engine: each track is a part of its own, with its title, length and cover.

The cover rides along as the thumbnail only when Telegram takes it (a JPEG under 200 kB, at most
320×320, per the Bot API's sendAudio ``thumbnail``); any other cover is dropped, never the track.
"""

from __future__ import annotations

import pytest

from trt_local.core import Catalog
from trt_local.core.catalog import load_catalog
from trt_local.core.jobs import JobStatus, OutputKind
from trt_local.kie import sandbox_suno
from trt_local.services.delivery import fits_thumbnail
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import ResultFile

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, run_until, status_is

SUNO = {
    "id": "V5",
    "title": "Suno V5 (music)",
    "category": "audio",
    "endpoint": "suno",
    "inputs": [
        {"name": "prompt", "type": "string", "required": True, "max_length": 500},
        {"name": "customMode", "type": "bool", "required": True, "default": False},
        {"name": "instrumental", "type": "bool", "required": True, "default": False},
        {"name": "style", "type": "string", "required": False},
        {"name": "title", "type": "string", "required": False},
    ],
    "output": "audio",
    "pricing": {"unit": "run", "base_credits": 12, "by": [], "per": None, "confidence": "high"},
    "free": False,
    "doc_status": "listed",
}
SONG = {"prompt": "a calm song about rain", "customMode": False, "instrumental": False}


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog([SUNO])


def resized(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG claiming other dimensions in its frame header (all a size check reads)."""
    at = jpeg.index(b"\xff\xc0") + 5  # marker, length (2), precision (1), then height, width
    return jpeg[:at] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + jpeg[at + 4 :]


async def delivered_tracks(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> list[ResultFile]:
    user = await make_user(70, balance=5000)
    job = await generation.confirm(
        user=user, chat_id=user.id, model_id="V5", values=SONG, ref="tracks-70"
    )
    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    assert [len(item.files) for item in notifier.delivered] == [1, 1]  # one send per track
    return [item.files[0] for item in notifier.delivered]


async def test_each_track_goes_out_with_its_title_length_and_cover(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    files = await delivered_tracks(generation, engine, clock, notifier, make_user)

    assert [f.kind for f in files] == [OutputKind.AUDIO, OutputKind.AUDIO]
    assert [f.title for f in files] == ["A calm song about", "A calm song about"]
    assert [f.duration_s for f in files] == [2.0, 2.0]
    assert [f.thumbnail for f in files] == [sandbox_suno.cover(1), sandbox_suno.cover(2)]


@pytest.mark.parametrize(
    "cover",
    [
        resized(sandbox_suno.cover(1), 640, 640),  # a real Suno cover may be this big
        sandbox_suno.cover(1) + bytes(200 * 1024),  # over 200 kB
        b"\x89PNG\r\n\x1a\n" + bytes(64),  # not a JPEG
    ],
    ids=["640x640", "over-200kB", "png"],
)
async def test_a_cover_telegram_would_not_take_is_left_out_not_the_track(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
    cover: bytes,
) -> None:
    monkeypatch.setattr(sandbox_suno, "cover", lambda n: cover)

    files = await delivered_tracks(generation, engine, clock, notifier, make_user)

    assert [f.thumbnail for f in files] == [None, None]
    assert all(f.title and f.content for f in files)


def test_the_shipped_sandbox_covers_fit_telegram() -> None:
    assert fits_thumbnail(sandbox_suno.cover(1)) and fits_thumbnail(sandbox_suno.cover(2))
    assert fits_thumbnail(resized(sandbox_suno.cover(1), 320, 180))
    assert not fits_thumbnail(resized(sandbox_suno.cover(1), 321, 200))
