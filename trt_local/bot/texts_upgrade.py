"""Texts of the paid upgrade of a finished Veo video (1080p / 4K)."""

from __future__ import annotations

from trt_local.bot.texts import register

RU: dict[str, str] = {
    "upgrade.btn.1080": "🖥 1080p — {price}",
    "upgrade.btn.4k": "🖥 4K — {price}",
    "upgrade.free": "бесплатно",
    "upgrade.confirm": (
        "<b>{title}</b>\nТо же видео в {resolution}: отдельная задача, готово через {minutes} мин. "
        "Если не получится, деньги вернутся на баланс."
    ),
    "upgrade.too_late": "Поздно: Kie хранит видео 14 дней, это уже удалено.",
    "upgrade.not_offered": "Это видео нельзя улучшить.",
}

EN: dict[str, str] = {
    "upgrade.btn.1080": "🖥 1080p — {price}",
    "upgrade.btn.4k": "🖥 4K — {price}",
    "upgrade.free": "free",
    "upgrade.confirm": (
        "<b>{title}</b>\nThe same video in {resolution}: a job of its own, ready in about "
        "{minutes} min. If it fails, the money goes back to your balance."
    ),
    "upgrade.too_late": "Too late: Kie keeps videos for 14 days and this one is gone.",
    "upgrade.not_offered": "This video cannot be upgraded.",
}

register("ru", RU)
register("en", EN)
