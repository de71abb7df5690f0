"""The fixed, ordered list of model categories shown in the bot's menu.

Each category has the id used in the catalog file, a short stable ``key`` (≤ 8 ASCII chars) for
callback data, and its titles. The order here is the menu order.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_KEY_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    key: str
    title_ru: str
    title_en: str

    def title(self, lang: str) -> str:
        """The title in ``lang``; anything that is not Russian gets English."""
        return self.title_ru if lang.lower().startswith("ru") else self.title_en


CATEGORIES: tuple[Category, ...] = (
    Category("text-to-image", "t2i", "Картинка по описанию", "Text to image"),
    Category("image-edit", "iedit", "Редактирование фото", "Image editing"),
    Category("image-to-image", "i2i", "Картинка по образцу", "Image to image"),
    Category("upscale", "upscale", "Улучшение качества", "Upscale"),
    Category("tools", "tools", "Инструменты", "Tools"),
    Category("text-to-video", "t2v", "Видео по описанию", "Text to video"),
    Category("image-to-video", "i2v", "Оживить фото", "Image to video"),
    Category("video-edit", "vedit", "Обработка видео", "Video editing"),
    Category("avatar", "avatar", "Говорящий аватар", "Talking avatar"),
    Category("audio", "audio", "Музыка и озвучка", "Audio and voice"),
    Category("speech-to-text", "stt", "Расшифровка речи", "Speech to text"),
)

_BY_ID = {category.id: category for category in CATEGORIES}
_BY_KEY = {category.key: category for category in CATEGORIES}


def category_by_id(category_id: str) -> Category | None:
    return _BY_ID.get(category_id)


def category_by_key(key: str) -> Category | None:
    """The category for a callback-data key, or None for a stale or forged key."""
    return _BY_KEY.get(key)
