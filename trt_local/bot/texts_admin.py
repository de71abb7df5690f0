"""Texts of the admin panel and admin commands, ru and en.

Counts come after a colon ("новых: 5"), so no plural forms. Anything a user typed (names,
reasons, tracebacks) is HTML-escaped by the caller.
"""

from __future__ import annotations

from trt_local.bot.texts import register

RU = {
    "adm.not_allowed": "Недостаточно прав.",
    "adm.owners_only": "Это могут только владельцы бота (TRT_ADMIN_IDS).",
    "adm.title": "🛠 <b>Панель администратора</b>",
    "adm.role_owner": "Вы владелец бота.",
    "adm.role_admin": "Вы администратор.",
    "adm.btn.stats": "📊 Статистика",
    "adm.btn.users": "👥 Пользователи",
    "adm.btn.errors": "⚠️ Ошибки",
    "adm.btn.kie": "💳 Кредиты Kie",
    "adm.btn.export": "📤 Выгрузка",
    "adm.btn.broadcasts": "📣 Рассылки",
    "adm.btn.refresh": "🔄 Обновить",
    # Stats
    "adm.stats.title": "📊 <b>Статистика</b>",
    "adm.stats.users": (
        "<b>Пользователи</b>: всего {total}; новых сегодня: {today}, за 7 дней: {week}, "
        "за 30 дней: {month}; активных сегодня: {active}"
    ),
    "adm.stats.jobs": (
        "<b>Генерации</b>: сегодня {today}; за 7 дней {week} (с ошибкой: {week_failed}); "
        "всего {total} (с ошибкой: {total_failed})"
    ),
    "adm.stats.top": "Популярные модели за 30 дней: {models}",
    "adm.stats.top_none": "За 30 дней генераций не было.",
    "adm.stats.topups": "<b>Пополнения</b> (сегодня / 7 дней / 30 дней / всего):",
    "adm.stats.topups_none": "<b>Пополнения</b>: пока не было.",
    "adm.stats.method.stars": "Telegram Stars",
    "adm.stats.method.transfer": "Переводы",
    "adm.stats.refunds": "<b>Возвраты</b> (сегодня / 7 дней / 30 дней):",
    "adm.stats.refund.refund": "за генерации",
    "adm.stats.refund.payment_refund": "платежей Stars",
    "adm.stats.queue": (
        "<b>Очередь</b>: ждут {queued}, генерируются {running}, отправляются {delivering}"
    ),
    "adm.stats.credits": "<b>Кредиты Kie</b>: {credits} (≈ {value})",
    "adm.stats.credits_unknown": "<b>Кредиты Kie</b>: не удалось узнать ({problem})",
    # Users
    "adm.users.ask": "👥 Пришлите id пользователя или @username.",
    "adm.users.recent": "Недавно заходили:",
    "adm.users.not_found": "Пользователь {query} не найден. Пришлите другой id или @username.",
    "adm.user.usage": "Использование: /user &lt;id или @username&gt;",
    "adm.card.title": "👤 <b>{name}</b>{handle} · id <code>{id}</code>",
    "adm.card.balance": "Баланс: {balance} · бесплатных сегодня: {free_left} · подарено: {bonus}",
    "adm.card.referrer": "Пригласил: {referrer}",
    "adm.card.no_referrer": "Пригласил: никто",
    "adm.card.counts": "Генераций: {jobs} · платежей: {payments}",
    "adm.card.blocked": "🚫 Заблокирован",
    "adm.card.active": "Не заблокирован",
    "adm.card.owner": "⭐ Владелец",
    "adm.card.admin": "⭐ Администратор",
    "adm.card.ledger": "<b>Последние операции</b>:",
    "adm.card.ledger_none": "Операций нет.",
    "adm.card.ledger_row": "{when} {amount} {kind} — {reason} ({actor})",
    "adm.actor.bot": "бот",
    "adm.actor.dashboard": "панель",
    "adm.actor.admin": "админ {id}",
    "adm.btn.adjust": "± Изменить баланс",
    "adm.btn.block": "🚫 Заблокировать",
    "adm.btn.unblock": "✅ Разблокировать",
    "adm.btn.make_admin": "⭐ Сделать админом",
    "adm.btn.remove_admin": "Снять права админа",
    "adm.btn.card": "👤 Карточка",
    "adm.blocked": "Пользователь {id} заблокирован.",
    "adm.unblocked": "Пользователь {id} разблокирован.",
    "adm.made_admin": "Пользователь {id} теперь администратор.",
    "adm.removed_admin": "Пользователь {id} больше не администратор.",
    "adm.refused.admin": "Администратора нельзя заблокировать: сначала снимите права.",
    "adm.refused.owner": "Владелец указан в TRT_ADMIN_IDS: права снимаются только там.",
    "adm.refused.not_owner": "Это могут только владельцы бота (TRT_ADMIN_IDS).",
    "adm.unknown_user": "Пользователь {id} ещё не писал боту.",
    "adm.id_usage": "Использование: /{command} &lt;id&gt;",
    # Adjust
    "adm.adjust.ask": (
        "Баланс {name}: {balance}.\nПришлите сумму изменения: +100 — начислить, -25,50 — списать."
    ),
    "adm.adjust.bad_amount": "Это не сумма. Пример: +100 или -25,50. Пришлите ещё раз.",
    "adm.adjust.below_zero": "Баланс не может стать меньше нуля: сейчас {balance}. Пришлите другую сумму.",
    "adm.adjust.ask_reason": (
        "Изменение: {amount}. Теперь пришлите причину — она обязательна и попадёт в журнал."
    ),
    "adm.adjust.done": "Готово: {amount} пользователю {id}. Баланс: {balance}.\nПричина: {reason}",
    "adm.adjust.already": "Это изменение уже сделано, повторно не выполняю. Баланс: {balance}.",
    "adm.adjust.refused": "Отказано: баланс не может стать меньше нуля (сейчас {balance}).",
    # Errors
    "adm.errors.title": "⚠️ <b>Последние ошибки</b>",
    "adm.errors.none": "⚠️ Ошибок не было.",
    "adm.errors.row": "<code>{error_id}</code> {when} · {place}{user} — {summary}",
    "adm.errors.user": " · пользователь {id}",
    "adm.error.usage": "Использование: /error &lt;код ошибки&gt;",
    "adm.error.unknown": "Ошибки {error_id} нет (хранятся последние 1000).",
    "adm.error.detail": "⚠️ <b>Ошибка {error_id}</b>\n{when} · {place}{user}\n<b>{summary}</b>",
    # Kie credits
    "adm.kie.title": "💳 <b>Кредиты Kie</b>",
    "adm.kie.credits": "Остаток: {credits} (≈ {value} по курсу Kie)",
    "adm.kie.unknown": "Остаток узнать не удалось: {problem}",
    "adm.kie.threshold": "Предупреждать, когда меньше: {threshold}",
    "adm.kie.threshold_default": "(по умолчанию: 10 запусков самой дорогой модели)",
    "adm.kie.threshold_custom": "(задано администратором)",
    "adm.kie.low": "⚠️ Предупреждение отправлено {when}: оставалось {credits}.",
    "adm.kie.ok": "Предупреждений нет.",
    "adm.btn.threshold": "✏️ Изменить порог",
    "adm.kie.ask_threshold": (
        "Пришлите новый порог в кредитах (например, 500) или слово «default» — "
        "вернуть значение по умолчанию."
    ),
    "adm.kie.bad_threshold": "Нужно число кредитов от 0 до 10 000 000 или «default».",
    "adm.kie.threshold_set": "Порог предупреждения: {threshold}.",
    "adm.kie.alert": (
        "⚠️ Кредиты Kie заканчиваются: осталось {credits} (≈ {value}), порог — {threshold}. "
        "Пополните счёт на kie.ai."
    ),
    # Export
    "adm.export.title": "📤 <b>Выгрузка в CSV</b>\nВыберите, что выгрузить:",
    "adm.export.users": "Пользователи",
    "adm.export.payments": "Платежи",
    "adm.export.ledger": "Журнал операций",
    "adm.export.usage": "Использование: /export users|payments|ledger",
    "adm.export.caption": "{what}: строк {count}.",
    "adm.export.too_big": "Файл получился больше 50 МБ — Telegram его не примет. Используйте trt backup.",
}

EN = {
    "adm.not_allowed": "Not allowed.",
    "adm.owners_only": "Only the bot's owners (TRT_ADMIN_IDS) can do that.",
    "adm.title": "🛠 <b>Admin panel</b>",
    "adm.role_owner": "You are an owner of this bot.",
    "adm.role_admin": "You are an admin.",
    "adm.btn.stats": "📊 Stats",
    "adm.btn.users": "👥 Users",
    "adm.btn.errors": "⚠️ Errors",
    "adm.btn.kie": "💳 Kie credits",
    "adm.btn.export": "📤 Export",
    "adm.btn.broadcasts": "📣 Broadcasts",
    "adm.btn.refresh": "🔄 Refresh",
    # Stats
    "adm.stats.title": "📊 <b>Stats</b>",
    "adm.stats.users": (
        "<b>Users</b>: {total} in all; new today: {today}, in 7 days: {week}, "
        "in 30 days: {month}; active today: {active}"
    ),
    "adm.stats.jobs": (
        "<b>Generations</b>: today {today}; 7 days {week} (failed: {week_failed}); "
        "all time {total} (failed: {total_failed})"
    ),
    "adm.stats.top": "Top models, last 30 days: {models}",
    "adm.stats.top_none": "No generations in the last 30 days.",
    "adm.stats.topups": "<b>Top-ups</b> (today / 7 days / 30 days / all time):",
    "adm.stats.topups_none": "<b>Top-ups</b>: none yet.",
    "adm.stats.method.stars": "Telegram Stars",
    "adm.stats.method.transfer": "Transfers",
    "adm.stats.refunds": "<b>Refunds</b> (today / 7 days / 30 days):",
    "adm.stats.refund.refund": "for generations",
    "adm.stats.refund.payment_refund": "of Stars payments",
    "adm.stats.queue": (
        "<b>Queue</b>: {queued} waiting, {running} generating, {delivering} being sent"
    ),
    "adm.stats.credits": "<b>Kie credits</b>: {credits} (≈ {value})",
    "adm.stats.credits_unknown": "<b>Kie credits</b>: could not be read ({problem})",
    # Users
    "adm.users.ask": "👥 Send a user id or @username.",
    "adm.users.recent": "Seen lately:",
    "adm.users.not_found": "No user {query}. Send another id or @username.",
    "adm.user.usage": "Usage: /user &lt;id or @username&gt;",
    "adm.card.title": "👤 <b>{name}</b>{handle} · id <code>{id}</code>",
    "adm.card.balance": "Balance: {balance} · free today: {free_left} · granted: {bonus}",
    "adm.card.referrer": "Invited by: {referrer}",
    "adm.card.no_referrer": "Invited by: nobody",
    "adm.card.counts": "Generations: {jobs} · payments: {payments}",
    "adm.card.blocked": "🚫 Blocked",
    "adm.card.active": "Not blocked",
    "adm.card.owner": "⭐ Owner",
    "adm.card.admin": "⭐ Admin",
    "adm.card.ledger": "<b>Latest ledger rows</b>:",
    "adm.card.ledger_none": "No ledger rows.",
    "adm.card.ledger_row": "{when} {amount} {kind} — {reason} ({actor})",
    "adm.actor.bot": "bot",
    "adm.actor.dashboard": "dashboard",
    "adm.actor.admin": "admin {id}",
    "adm.btn.adjust": "± Adjust balance",
    "adm.btn.block": "🚫 Block",
    "adm.btn.unblock": "✅ Unblock",
    "adm.btn.make_admin": "⭐ Make admin",
    "adm.btn.remove_admin": "Remove admin rights",
    "adm.btn.card": "👤 User card",
    "adm.blocked": "User {id} is blocked.",
    "adm.unblocked": "User {id} is unblocked.",
    "adm.made_admin": "User {id} is an admin now.",
    "adm.removed_admin": "User {id} is no longer an admin.",
    "adm.refused.admin": "Admins cannot be blocked: remove their admin rights first.",
    "adm.refused.owner": "This owner is listed in TRT_ADMIN_IDS: remove them there.",
    "adm.refused.not_owner": "Only the bot's owners (TRT_ADMIN_IDS) can do that.",
    "adm.unknown_user": "User {id} has not talked to the bot yet.",
    "adm.id_usage": "Usage: /{command} &lt;id&gt;",
    # Adjust
    "adm.adjust.ask": (
        "Balance of {name}: {balance}.\nSend the change: +100 to add, -25.50 to take."
    ),
    "adm.adjust.bad_amount": "That is not an amount. Example: +100 or -25.50. Send it again.",
    "adm.adjust.below_zero": "The balance cannot go below zero: it is {balance}. Send another amount.",
    "adm.adjust.ask_reason": (
        "Change: {amount}. Now send the reason: it is required and goes into the ledger."
    ),
    "adm.adjust.done": "Done: {amount} for user {id}. Balance: {balance}.\nReason: {reason}",
    "adm.adjust.already": "This change was already made; not making it again. Balance: {balance}.",
    "adm.adjust.refused": "Refused: the balance cannot go below zero (it is {balance}).",
    # Errors
    "adm.errors.title": "⚠️ <b>Latest errors</b>",
    "adm.errors.none": "⚠️ No errors.",
    "adm.errors.row": "<code>{error_id}</code> {when} · {place}{user} — {summary}",
    "adm.errors.user": " · user {id}",
    "adm.error.usage": "Usage: /error &lt;error id&gt;",
    "adm.error.unknown": "No error {error_id} (the latest 1000 are kept).",
    "adm.error.detail": "⚠️ <b>Error {error_id}</b>\n{when} · {place}{user}\n<b>{summary}</b>",
    # Kie credits
    "adm.kie.title": "💳 <b>Kie credits</b>",
    "adm.kie.credits": "Left: {credits} (≈ {value} at Kie's rate)",
    "adm.kie.unknown": "Could not read the balance: {problem}",
    "adm.kie.threshold": "Alert below: {threshold}",
    "adm.kie.threshold_default": "(the default: 10 runs of the dearest model)",
    "adm.kie.threshold_custom": "(set by an admin)",
    "adm.kie.low": "⚠️ Alert sent {when}: {credits} were left.",
    "adm.kie.ok": "No alert pending.",
    "adm.btn.threshold": "✏️ Change the threshold",
    "adm.kie.ask_threshold": (
        "Send the new threshold in credits (for example 500), or the word “default” to go back "
        "to the default."
    ),
    "adm.kie.bad_threshold": "Send a number of credits from 0 to 10 000 000, or “default”.",
    "adm.kie.threshold_set": "Alert threshold: {threshold}.",
    "adm.kie.alert": (
        "⚠️ Kie credits are running low: {credits} left (≈ {value}), the threshold is "
        "{threshold}. Top up at kie.ai."
    ),
    # Export
    "adm.export.title": "📤 <b>Export as CSV</b>\nChoose what to export:",
    "adm.export.users": "Users",
    "adm.export.payments": "Payments",
    "adm.export.ledger": "Ledger",
    "adm.export.usage": "Usage: /export users|payments|ledger",
    "adm.export.caption": "{what}: {count} rows.",
    "adm.export.too_big": "The file is over 50 MB, more than Telegram takes. Use trt backup.",
}

register("ru", RU)
register("en", EN)
