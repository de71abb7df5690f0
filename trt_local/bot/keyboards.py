"""Inline keyboards. Every screen below the menu has Back and Home."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from trt_local.bot import codec
from trt_local.bot.texts import LANGUAGE_NAMES, t

# Features add their entry to the main menu here (label key, callback action), in menu order.
MENU_ENTRIES: list[tuple[str, str]] = [
    ("btn.generate", "gen"),
    ("btn.history", "hist"),
    ("btn.balance", "bal"),
    ("btn.help", "help"),
    ("btn.language", "lang"),
]


def button(text: str, action: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=codec.encode(action, *args))


def nav_row(
    lang: str, back_action: str = "menu", *back_args: str | int
) -> list[InlineKeyboardButton]:
    return [
        button(t(lang, "btn.back"), back_action, *back_args),
        button(t(lang, "btn.home"), "menu"),
    ]


def main_menu(lang: str) -> InlineKeyboardMarkup:
    buttons = [button(t(lang, label), action) for label, action in MENU_ENTRIES]
    # The main action gets a row of its own; the rest go two by two.
    rows = [buttons[:1]] + [buttons[i : i + 2] for i in range(1, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def with_nav(
    rows: Sequence[Sequence[InlineKeyboardButton]],
    lang: str,
    back: str = "menu",
    *back_args: str | int,
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*map(list, rows), nav_row(lang, back, *back_args)])


def language_picker(lang: str) -> InlineKeyboardMarkup:
    row = [button(name, "setlang", code) for code, name in LANGUAGE_NAMES.items()]
    return with_nav([row], lang)
