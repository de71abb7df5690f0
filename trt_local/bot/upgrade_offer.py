"""Which paid upgrades a finished job offers (a Veo 720p video: 1080p and 4K), and their buttons.

An upgrade is a job of its own of a follow-up catalog model (``follow_up: true``: never in a
menu), created through the same confirm as any job: its ``ref`` is derived from the source job and
the upgrade, so a second press of the same button finds the first job instead of charging again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import InlineKeyboardButton

from trt_local.bot.keyboards import button
from trt_local.bot.texts import t
from trt_local.core.errors import ModelUnavailable
from trt_local.core.money import format_money
from trt_local.services.ports import JobView
from trt_local.services.registry import Services

# Button argument → follow-up catalog id; in the order the buttons show.
UPGRADES: Mapping[str, str] = {"1080": "veo3.1-1080p", "4k": "veo3.1-4k"}
RESOLUTION = {"1080": "1080p", "4k": "4K"}
MINUTES = {"1080": "1–3", "4k": "5–10"}  # docs.kie.ai/veo3-api/get-veo-3-*-video
# Kie keeps generated media 14 days and record-info answers only for records that young (API.md
# §8; record-info's 422 "Temporarily supports records within 14 days"): an older video is gone.
RETENTION_S = 14 * 24 * 3600


def upgradable(job: JobView) -> bool:
    """A delivered 720p video the family marked upgradable (not a fallback-model video)."""
    extras = job.result_extras
    return (
        bool(job.task_id)
        and extras.get("upgradable") is True
        and str(extras.get("resolution", "")).lower() == "720p"
    )


def too_late(job: JobView, now: float) -> bool:
    """Whether Kie has deleted the source video (counted from when its task was created)."""
    started = job.started_at if job.started_at is not None else job.created_at
    return now - started > RETENTION_S


def upgrade_ref(user_id: int, job_id: int, which: str) -> str:
    """The confirm ref of one upgrade of one job: the same for every press of its button."""
    return f"{user_id}-up{job_id}-{which}"


def upgrade_values(job: JobView) -> dict[str, Any]:
    """The follow-up job's input: the source video's Kie task and its (only) video."""
    return {"taskId": job.task_id, "index": 0}


async def upgrade_rows(services: Services, job: JobView, lang: str) -> list[list[Any]]:
    """The upgrade buttons under a finished job ("1080p — N ₽", "4K — N ₽"), or none."""
    if not upgradable(job) or too_late(job, services.clock()):
        return []
    user = await services.users.get(job.user_id)
    if user is None:
        return []
    currency = services.settings.prices.currency
    row: list[InlineKeyboardButton] = []
    for which, model_id in UPGRADES.items():
        try:
            quote = await services.generation.quote(user, model_id, upgrade_values(job))
        except ModelUnavailable:
            continue  # switched off by the admin
        price = (
            format_money(quote.price_minor, currency, lang)
            if quote.price_minor
            else t(lang, "upgrade.free")
        )
        row.append(button(t(lang, f"upgrade.btn.{which}", price=price), "vup", job.id, which))
    return [row] if row else []
