"""Texts of broadcasts (composing, audience, progress, report, history), ru and en.

Counts come after a colon ("Отправлено: 5"), so no plural forms are needed.
"""

from __future__ import annotations

from trt_local.bot.texts import register

RU = {
    "bc.not_allowed": "Недостаточно прав.",
    "bc.ask_text": (
        "📣 <b>Рассылка</b>\n\n"
        "Пришлите текст рассылки — можно с HTML: &lt;b&gt;жирный&lt;/b&gt;, &lt;i&gt;курсив&lt;/i&gt;, "
        '&lt;a href="https://…"&gt;ссылка&lt;/a&gt; — или фото с подписью.'
    ),
    "bc.ask_button": (
        "🔗 Пришлите кнопку одной строкой: <code>Текст кнопки | https://example.com</code>"
    ),
    "bc.ask_days": "Сколько дней? Пришлите число от 1 до {max}.",
    "bc.draft": (
        "📣 <b>Черновик рассылки #{id}</b>\n"
        "Выше — сообщение так, как его увидят пользователи.\n\n"
        "Кнопка: {button}\n"
        "Получатели: {audience} — {count}"
    ),
    "bc.no_button": "нет",
    "bc.choose_audience": "👥 Кому отправить? Число — сколько пользователей получат сейчас.",
    "bc.confirm": (
        "Отправить рассылку #{id}?\nПолучатели: {audience} — {count}.\n\n"
        "Она уйдёт в фоне; её можно поставить на паузу или отменить."
    ),
    "bc.progress": (
        "📣 <b>Рассылка #{id}</b> — {status}\n"
        "Отправлено: {sent}\nНе доставлено: {failed}\nЗаблокировали бота: {blocked}\n"
        "Осталось: {left} из {total}"
    ),
    "bc.status.draft": "черновик",
    "bc.status.sending": "отправляется",
    "bc.status.paused": "на паузе",
    "bc.status.cancelled": "отменена",
    "bc.status.done": "завершена",
    "bc.report.done": (
        "✅ <b>Рассылка #{id} завершена</b> за {duration}.\n"
        "Отправлено: {sent}\nНе доставлено: {failed}\nЗаблокировали бота: {blocked}\nВсего: {total}"
    ),
    "bc.report.cancelled": (
        "✖️ <b>Рассылка #{id} отменена</b>.\n"
        "Отправлено: {sent}\nНе доставлено: {failed}\nЗаблокировали бота: {blocked}\n"
        "Не отправлено: {left} из {total}"
    ),
    "bc.audience.all": "все пользователи",
    "bc.audience.active": "активные за {days} дн.",
    "bc.audience.paid": "платили хотя бы раз",
    "bc.audience.balance": "есть деньги на балансе",
    "bc.audience.joined": "пришли за последние {days} дн.",
    "bc.audience_row": "{label} · {count}",
    "bc.problem.empty": "Сообщение пустое. Пришлите текст или фото.",
    "bc.problem.bad_html": "Telegram не примет такой HTML: {detail}. Исправьте и пришлите снова.",
    "bc.problem.too_long": "Слишком длинно: не больше {limit} символов. Пришлите короче.",
    "bc.problem.bad_button_text": (
        "Нужна строка вида <code>Текст | https://example.com</code>; текст — до {limit} символов."
    ),
    "bc.problem.bad_url": "Адрес кнопки должен начинаться с https:// и вести на сайт.",
    "bc.problem.bad_days": "Нужно целое число от 1 до {limit}.",
    "bc.problem.refused": "Telegram отказался это отправить: {detail}. Исправьте и пришлите снова.",
    "bc.problem.nobody": "В этой аудитории сейчас никого нет.",
    "bc.busy": "Уже идёт другая рассылка: дождитесь её, поставьте на паузу или отмените.",
    "bc.stale": "Эта рассылка уже {status}.",
    "bc.gone": "Такой рассылки нет.",
    "bc.discarded": "Черновик удалён.",
    "bc.paused": "Пауза.",
    "bc.resumed": "Продолжаем.",
    "bc.cancelled": "Рассылка отменена.",
    "bc.started": "Рассылка пошла.",
    "bc.history.title": "🗂 <b>Последние рассылки</b>",
    "bc.history.row": "#{id} · {when} · {status} · {audience} · отправлено: {sent} из {total}",
    "bc.history.empty": "Рассылок ещё не было.",
    "bc.btn.button": "🔗 Кнопка",
    "bc.btn.no_button": "Убрать кнопку",
    "bc.btn.audience": "👥 Получатели",
    "bc.btn.text": "✏️ Изменить сообщение",
    "bc.btn.send": "📤 Отправить…",
    "bc.btn.discard": "🗑 Удалить черновик",
    "bc.btn.history": "🗂 Прошлые рассылки",
    "bc.btn.joined": "Пришли за N дней…",
    "bc.btn.confirm": "✅ Отправить: {count}",
    "bc.btn.pause": "⏸ Пауза",
    "bc.btn.resume": "▶️ Продолжить",
    "bc.btn.cancel": "✖️ Отменить рассылку",
    "bc.btn.new": "📣 Новая рассылка",
}

EN = {
    "bc.not_allowed": "Not allowed.",
    "bc.ask_text": (
        "📣 <b>Broadcast</b>\n\n"
        "Send the text of the broadcast — HTML works: &lt;b&gt;bold&lt;/b&gt;, &lt;i&gt;italic&lt;/i&gt;, "
        '&lt;a href="https://…"&gt;link&lt;/a&gt; — or a photo with a caption.'
    ),
    "bc.ask_button": "🔗 Send the button as one line: <code>Button text | https://example.com</code>",
    "bc.ask_days": "How many days? Send a number from 1 to {max}.",
    "bc.draft": (
        "📣 <b>Broadcast draft #{id}</b>\n"
        "Above is the message as users will see it.\n\n"
        "Button: {button}\n"
        "Audience: {audience} — {count}"
    ),
    "bc.no_button": "none",
    "bc.choose_audience": "👥 Who gets it? The number is how many users it reaches now.",
    "bc.confirm": (
        "Send broadcast #{id}?\nAudience: {audience} — {count}.\n\n"
        "It goes out in the background; you can pause or cancel it."
    ),
    "bc.progress": (
        "📣 <b>Broadcast #{id}</b> — {status}\n"
        "Sent: {sent}\nFailed: {failed}\nBlocked the bot: {blocked}\n"
        "Left: {left} of {total}"
    ),
    "bc.status.draft": "draft",
    "bc.status.sending": "sending",
    "bc.status.paused": "paused",
    "bc.status.cancelled": "cancelled",
    "bc.status.done": "done",
    "bc.report.done": (
        "✅ <b>Broadcast #{id} finished</b> in {duration}.\n"
        "Sent: {sent}\nFailed: {failed}\nBlocked the bot: {blocked}\nTotal: {total}"
    ),
    "bc.report.cancelled": (
        "✖️ <b>Broadcast #{id} cancelled</b>.\n"
        "Sent: {sent}\nFailed: {failed}\nBlocked the bot: {blocked}\n"
        "Not sent: {left} of {total}"
    ),
    "bc.audience.all": "all users",
    "bc.audience.active": "active in {days} days",
    "bc.audience.paid": "paid at least once",
    "bc.audience.balance": "money on the balance",
    "bc.audience.joined": "joined in the last {days} days",
    "bc.audience_row": "{label} · {count}",
    "bc.problem.empty": "The message is empty. Send a text or a photo.",
    "bc.problem.bad_html": "Telegram will not take this HTML: {detail}. Fix it and send it again.",
    "bc.problem.too_long": "Too long: at most {limit} characters. Send a shorter one.",
    "bc.problem.bad_button_text": (
        "Send a line like <code>Text | https://example.com</code>; the text up to {limit} characters."
    ),
    "bc.problem.bad_url": "The button's address must start with https:// and name a website.",
    "bc.problem.bad_days": "A whole number from 1 to {limit}, please.",
    "bc.problem.refused": "Telegram refused to send it: {detail}. Fix it and send it again.",
    "bc.problem.nobody": "Nobody is in this audience right now.",
    "bc.busy": "Another broadcast is being sent: wait for it, pause or cancel it first.",
    "bc.stale": "This broadcast is {status} already.",
    "bc.gone": "There is no such broadcast.",
    "bc.discarded": "Draft discarded.",
    "bc.paused": "Paused.",
    "bc.resumed": "Resumed.",
    "bc.cancelled": "Broadcast cancelled.",
    "bc.started": "The broadcast is on its way.",
    "bc.history.title": "🗂 <b>Recent broadcasts</b>",
    "bc.history.row": "#{id} · {when} · {status} · {audience} · sent: {sent} of {total}",
    "bc.history.empty": "No broadcasts yet.",
    "bc.btn.button": "🔗 Button",
    "bc.btn.no_button": "Remove the button",
    "bc.btn.audience": "👥 Audience",
    "bc.btn.text": "✏️ Change the message",
    "bc.btn.send": "📤 Send…",
    "bc.btn.discard": "🗑 Discard the draft",
    "bc.btn.history": "🗂 Past broadcasts",
    "bc.btn.joined": "Joined in N days…",
    "bc.btn.confirm": "✅ Send to {count}",
    "bc.btn.pause": "⏸ Pause",
    "bc.btn.resume": "▶️ Resume",
    "bc.btn.cancel": "✖️ Cancel the broadcast",
    "bc.btn.new": "📣 New broadcast",
}

register("ru", RU)
register("en", EN)
