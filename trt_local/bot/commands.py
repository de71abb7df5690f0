"""The command lists Telegram shows in its menu: everyone's, and the admins' (in their chats)."""

from __future__ import annotations

from telegram import Bot

from trt_local.bot.admin_alerts import publish_admin_commands

COMMANDS = {
    "en": [
        ("start", "Main menu"),
        ("balance", "Balance and free generations"),
        ("history", "My generations"),
        ("invite", "Invite friends"),
        ("promo", "Enter a promo code"),
        ("help", "What the bot does"),
        ("language", "Change the language"),
        ("cancel", "Cancel the current action"),
        ("paysupport", "Payment support and refunds"),
        ("terms", "Terms of use"),
    ],
    "ru": [
        ("start", "Главное меню"),
        ("balance", "Баланс и бесплатные генерации"),
        ("history", "Мои генерации"),
        ("invite", "Пригласить друзей"),
        ("promo", "Ввести промокод"),
        ("help", "Что умеет бот"),
        ("language", "Сменить язык"),
        ("cancel", "Отменить текущее действие"),
        ("paysupport", "Вопросы об оплате и возвраты"),
        ("terms", "Условия использования"),
    ],
}

# Never in the public list: shown only in admins' own chats (BotCommandScopeChat).
ADMIN_COMMANDS = {
    "en": [
        ("admin", "Admin panel"),
        ("user", "A user's card: /user <id|@name>"),
        ("block", "Block a user: /block <id>"),
        ("unblock", "Unblock a user: /unblock <id>"),
        ("topup", "Credit a payment: /topup <id> <amount>"),
        ("refund_stars", "Refund a Stars payment: /refund_stars <number>"),
        ("error", "An error's traceback: /error <id>"),
        ("export", "CSV: /export users|payments|ledger"),
        ("promo_new", "New promo code"),
        ("promo_list", "Promo codes"),
        ("promo_off", "Switch a promo code off"),
    ],
    "ru": [
        ("admin", "Панель администратора"),
        ("user", "Карточка: /user <id|@имя>"),
        ("block", "Заблокировать: /block <id>"),
        ("unblock", "Разблокировать: /unblock <id>"),
        ("topup", "Зачислить платёж: /topup <id> <сумма>"),
        ("refund_stars", "Вернуть оплату звёздами: /refund_stars <номер>"),
        ("error", "Трейсбек ошибки: /error <код>"),
        ("export", "CSV: /export users|payments|ledger"),
        ("promo_new", "Новый промокод"),
        ("promo_list", "Промокоды"),
        ("promo_off", "Отключить промокод"),
    ],
}
OWNER_COMMANDS = {
    "en": [("admin_add", "Make an admin: /admin_add <id>"), ("admin_remove", "Remove an admin")],
    "ru": [("admin_add", "Сделать админом: /admin_add <id>"), ("admin_remove", "Снять админа")],
}


async def publish_for_admin(
    bot: Bot, user_id: int, *, language: str, admin: bool, owner: bool
) -> None:
    """Give one admin (or former admin: ``admin`` False) their command list."""
    lang = language if language in COMMANDS else "en"
    extra = [*ADMIN_COMMANDS[lang], *(OWNER_COMMANDS[lang] if owner else [])] if admin else []
    await publish_admin_commands(bot, user_id, language=lang, public=COMMANDS[lang], admin=extra)
