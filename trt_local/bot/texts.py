"""User-facing texts in Russian and English. HTML parse mode: escape anything a user typed."""

from __future__ import annotations

from typing import Any

RU: dict[str, str] = {
    "menu.title": "Привет, {name}! Что сделаем?",
    "menu.back_title": "Главное меню.",
    "btn.help": "ℹ️ Помощь",
    "btn.language": "🌐 Язык / Language",
    "btn.back": "« Назад",
    "btn.home": "🏠 Меню",
    "help.body": (
        "<b>TRT</b> — бот для генерации картинок, видео и аудио нейросетями.\n\n"
        "Команды:\n"
        "/start — главное меню\n"
        "/help — эта справка\n"
        "/language — сменить язык\n"
        "/cancel — отменить текущее действие\n"
        "/reset — начать заново"
    ),
    "help.support": "\n\nПоддержка: {contact}",
    "lang.choose": "Выберите язык:",
    "lang.set": "Готово, язык: русский.",
    "cancel.done": "Отменено.",
    "reset.done": "Всё сброшено, начнём заново.",
    "fallback.command": "Такой команды нет. Вот меню:",
    "fallback.text": "Я понимаю кнопки меню и команды. Выберите действие:",
    "fallback.media": "Сейчас я не жду файлов. Выберите действие в меню:",
    "fallback.stale": "Эта кнопка устарела.",
    "flood.wait": "Слишком часто. Попробуйте через {seconds} с.",
    "error.generic": "Что-то пошло не так. Код ошибки: <code>{error_id}</code>. Попробуйте ещё раз.",
    "error.storage": (
        "Бот сейчас не может сохранить данные (хранилище заполнено или недоступно для записи), "
        "поэтому действие не выполнено и ничего не списано. Попробуйте позже. "
        "Код ошибки: <code>{error_id}</code>."
    ),
    "blocked": "Доступ к боту ограничен.",
}

EN: dict[str, str] = {
    "menu.title": "Hi, {name}! What shall we make?",
    "menu.back_title": "Main menu.",
    "btn.help": "ℹ️ Help",
    "btn.language": "🌐 Language / Язык",
    "btn.back": "« Back",
    "btn.home": "🏠 Menu",
    "help.body": (
        "<b>TRT</b> makes images, video and audio with AI models.\n\n"
        "Commands:\n"
        "/start — main menu\n"
        "/help — this help\n"
        "/language — change the language\n"
        "/cancel — cancel what you are doing\n"
        "/reset — start over"
    ),
    "help.support": "\n\nSupport: {contact}",
    "lang.choose": "Choose a language:",
    "lang.set": "Done, the language is English.",
    "cancel.done": "Cancelled.",
    "reset.done": "Everything is reset; let's start over.",
    "fallback.command": "I don't know that command. Here is the menu:",
    "fallback.text": "I understand menu buttons and commands. Choose an action:",
    "fallback.media": "I am not waiting for a file right now. Choose an action:",
    "fallback.stale": "This button is out of date.",
    "flood.wait": "Too often. Try again in {seconds} s.",
    "error.generic": "Something went wrong. Error id: <code>{error_id}</code>. Please try again.",
    "error.storage": (
        "The bot cannot save anything right now (its storage is full or read-only), so this was "
        "not done and nothing was charged. Please try again later. "
        "Error id: <code>{error_id}</code>."
    ),
    "blocked": "Your access to this bot is restricted.",
}

CATALOGS: dict[str, dict[str, str]] = {"ru": RU, "en": EN}
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def register(language: str, texts: dict[str, str]) -> None:
    """Feature modules add their own keys (keeps this file from becoming a dump)."""
    CATALOGS[language].update(texts)


def t(language: str, key: str, **params: Any) -> str:
    catalog = CATALOGS.get(language, EN)
    template = catalog.get(key) or EN.get(key) or key
    return template.format(**params) if params else template
