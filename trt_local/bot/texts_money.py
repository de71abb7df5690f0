"""Texts of the money-in screens (balance, top-up with Stars, receipts, refunds, terms), ru and en."""

from __future__ import annotations

from trt_local.bot.texts import register

RU = {
    "btn.topup": "💳 Пополнить",
    "btn.invite": "👥 Пригласить друзей",
    "btn.promo": "🎟 Промокод",
    "btn.money_history": "📜 История",
    "btn.other_amount": "✏️ Другая сумма",
    "btn.transfer": "🏦 Банковский перевод",
    "btn.preset": "{amount} · {stars} ⭐",
    "btn.older": "Раньше ›",
    "btn.newer": "‹ Позже",
    "balance.head": "💰 Баланс: <b>{balance}</b>",
    "balance.free": "🎁 Бесплатных генераций сегодня: {left} из {per_day}; обновятся через {renew_in} (в полночь, {tz}).",
    "balance.bonus": "🎟 Подаренных генераций: {count} — тратятся, когда закончатся сегодняшние.",
    "balance.recent": "<b>Последние операции</b>",
    "balance.none": "Операций пока нет.",
    "balance.history": "<b>История операций</b> ({total})",
    "balance.line": "{when} · <b>{amount}</b> · {what}",
    "duration.hm": "{h} ч {m} мин",
    "duration.m": "{m} мин",
    "line.topup_stars": "пополнение через Telegram Stars",
    "line.topup_transfer": "пополнение банковским переводом",
    "line.topup_admin": "пополнение от администратора",
    "line.charge": "генерация «{detail}»",
    "line.refund": "возврат за генерацию «{detail}»",
    "line.promo": "промокод",
    "line.referral": "бонус за приглашение",
    "line.welcome": "приветственный бонус",
    "line.adjust": "корректировка администратором",
    "line.stars_refund": "возврат платежа в Stars",
    "line.with_detail": "{what}: {detail}",
    "topup.screen": (
        "💳 <b>Пополнение баланса</b>\n"
        "Баланс: {balance}\n\n"
        "Оплата — Telegram Stars: {unit} = {rate} ⭐, цена в звёздах на кнопке.\n"
        "Своя сумма — от {min} до {max}."
    ),
    "topup.ask_amount": "Напишите сумму пополнения от {min} до {max}, например {example}.",
    "topup.bad_amount": "Не подходит: нужна сумма от {min} до {max}.",
    "topup.offer": (
        "Пополнение на <b>{amount}</b> стоит <b>{stars} ⭐</b>.\n"
        "Оплатите счёт ниже кнопкой «Заплатить». Деньги придут на баланс сразу после оплаты."
    ),
    "topup.offer_transfer": "\nИли оплатите банковским переводом.",
    "invoice.title": "Пополнение на {amount}",
    "invoice.description": "Пополнение баланса бота на {amount}. Платёж №{id}.",
    "invoice.label": "Пополнение {amount}",
    "pay.receipt": (
        "✅ Оплата получена: +{amount} ({stars} ⭐), платёж №{id}.\nБаланс: <b>{balance}</b>."
    ),
    "pay.err.unknown": "Этот счёт не найден. Откройте пополнение заново: /balance",
    "pay.err.not_open": "Этот счёт уже оплачен. Для нового пополнения: /balance",
    "pay.err.expired": "Счёт устарел. Откройте пополнение заново: /balance",
    "pay.err.wrong_amount": "Сумма счёта не совпадает. Откройте пополнение заново: /balance",
    "paysupport.text": (
        "💬 <b>Вопросы об оплате</b>\n"
        "Пишите в поддержку: {contact}. Укажите номер платежа из квитанции.\n\n"
        "<b>Возврат.</b> Пополнение через Telegram Stars можно вернуть, пока эти деньги не "
        "потрачены: звёзды вернутся на ваш счёт в Telegram, а сумма спишется с баланса. "
        "Потраченное на готовые генерации не возвращается; если генерация не удалась, её "
        "цена возвращается на баланс автоматически."
    ),
    "paysupport.no_contact": "администратору бота",
    "terms.default": (
        "📄 <b>Условия</b>\n"
        "1. Бот создаёт картинки, видео и аудио нейросетями. Цена генерации видна до "
        "подтверждения и списывается с баланса при подтверждении.\n"
        "2. Пополнение баланса — предоплата за генерации; деньги с баланса не выводятся.\n"
        "3. Если генерация не удалась, её цена возвращается на баланс.\n"
        "4. Возврат платежей Telegram Stars — см. /paysupport.\n"
        "5. Нельзя создавать незаконный контент и контент, нарушающий права других; за "
        "нарушение доступ к боту может быть ограничен."
    ),
    "refund.usage": "Использование: /refund_stars &lt;номер платежа&gt;",
    "refund.done": (
        "↩️ Платёж №{id} возвращён: {stars} ⭐ пользователю {user}, с баланса списано {amount}. "
        "Баланс пользователя: {balance}."
    ),
    "refund.shortfall": "\n⚠️ Пока Telegram возвращал звёзды, пользователь потратил {missing}: это не списано.",
    "refund.already": "Платёж №{id} уже возвращён.",
    "refund.not_found": "Платежа Stars №{id} нет.",
    "refund.not_paid": "Платёж №{id} не оплачен — возвращать нечего.",
    "refund.not_covered": (
        "Нельзя вернуть платёж №{id}: на балансе пользователя {balance}, а списать нужно {amount}. "
        "Ничего не изменилось."
    ),
    "refund.rejected": "Telegram отказал в возврате платежа №{id}: {detail}. Ничего не изменилось.",
    "refund.unconfirmed": (
        "Telegram не подтвердил возврат платежа №{id}. Баланс не изменился; повторите команду — "
        "дважды звёзды не вернутся."
    ),
    "refund.user_told": "\nПользователь уведомлён.",
    "refund.user_unreachable": "\nПользователю не удалось написать.",
    "refund.received": (
        "↩️ Платёж №{id} возвращён: {stars} ⭐ вернутся на ваш счёт в Telegram, с баланса "
        "списано {amount}. Баланс: {balance}."
    ),
}

EN = {
    "btn.topup": "💳 Top up",
    "btn.invite": "👥 Invite friends",
    "btn.promo": "🎟 Promo code",
    "btn.money_history": "📜 History",
    "btn.other_amount": "✏️ Other amount",
    "btn.transfer": "🏦 Bank transfer",
    "btn.preset": "{amount} · {stars} ⭐",
    "btn.older": "Older ›",
    "btn.newer": "‹ Newer",
    "balance.head": "💰 Balance: <b>{balance}</b>",
    "balance.free": "🎁 Free generations today: {left} of {per_day}; they renew in {renew_in} (at midnight, {tz}).",
    "balance.bonus": "🎟 Gifted generations: {count} — used once today's free ones run out.",
    "balance.recent": "<b>Recent activity</b>",
    "balance.none": "No activity yet.",
    "balance.history": "<b>Account history</b> ({total})",
    "balance.line": "{when} · <b>{amount}</b> · {what}",
    "duration.hm": "{h} h {m} min",
    "duration.m": "{m} min",
    "line.topup_stars": "top-up with Telegram Stars",
    "line.topup_transfer": "top-up by bank transfer",
    "line.topup_admin": "top-up by an admin",
    "line.charge": "generation “{detail}”",
    "line.refund": "refund for generation “{detail}”",
    "line.promo": "promo code",
    "line.referral": "referral bonus",
    "line.welcome": "welcome bonus",
    "line.adjust": "adjustment by an admin",
    "line.stars_refund": "Stars payment refunded",
    "line.with_detail": "{what}: {detail}",
    "topup.screen": (
        "💳 <b>Top up your balance</b>\n"
        "Balance: {balance}\n\n"
        "You pay with Telegram Stars: {unit} = {rate} ⭐; each button shows the price in Stars.\n"
        "Your own amount: from {min} to {max}."
    ),
    "topup.ask_amount": "Type the amount to top up, from {min} to {max}, e.g. {example}.",
    "topup.bad_amount": "That won't do: the amount must be from {min} to {max}.",
    "topup.offer": (
        "A top-up of <b>{amount}</b> costs <b>{stars} ⭐</b>.\n"
        "Pay the invoice below with its Pay button; the money is on your balance right after."
    ),
    "topup.offer_transfer": "\nOr pay by bank transfer.",
    "invoice.title": "Top-up of {amount}",
    "invoice.description": "Top-up of your bot balance by {amount}. Payment #{id}.",
    "invoice.label": "Top-up {amount}",
    "pay.receipt": (
        "✅ Payment received: +{amount} ({stars} ⭐), payment #{id}.\nBalance: <b>{balance}</b>."
    ),
    "pay.err.unknown": "This invoice is not known. Open the top-up again: /balance",
    "pay.err.not_open": "This invoice is paid already. For a new top-up: /balance",
    "pay.err.expired": "This invoice is out of date. Open the top-up again: /balance",
    "pay.err.wrong_amount": "The invoice amount does not match. Open the top-up again: /balance",
    "paysupport.text": (
        "💬 <b>Payment questions</b>\n"
        "Write to support: {contact}. Give the payment number from your receipt.\n\n"
        "<b>Refunds.</b> A Telegram Stars top-up can be refunded while that money is unspent: "
        "the Stars go back to your Telegram account and the amount leaves your balance. Money "
        "spent on finished generations is not refunded; when a generation fails, its price "
        "comes back to your balance automatically."
    ),
    "paysupport.no_contact": "the bot's administrator",
    "terms.default": (
        "📄 <b>Terms</b>\n"
        "1. The bot makes images, video and audio with AI models. A generation's price is shown "
        "before you confirm and taken from your balance when you confirm.\n"
        "2. A top-up is a prepayment for generations; the balance cannot be withdrawn.\n"
        "3. When a generation fails, its price comes back to your balance.\n"
        "4. Refunds of Telegram Stars payments: see /paysupport.\n"
        "5. Do not create illegal content or content that violates others' rights; access may "
        "be restricted for doing so."
    ),
    "refund.usage": "Usage: /refund_stars &lt;payment number&gt;",
    "refund.done": (
        "↩️ Payment #{id} refunded: {stars} ⭐ to user {user}, {amount} taken from the balance. "
        "User's balance: {balance}."
    ),
    "refund.shortfall": "\n⚠️ The user spent {missing} while Telegram refunded: that was not taken.",
    "refund.already": "Payment #{id} was refunded already.",
    "refund.not_found": "There is no Stars payment #{id}.",
    "refund.not_paid": "Payment #{id} was never paid: nothing to refund.",
    "refund.not_covered": (
        "Payment #{id} cannot be refunded: the user's balance is {balance} and {amount} would "
        "have to be taken. Nothing changed."
    ),
    "refund.rejected": "Telegram refused to refund payment #{id}: {detail}. Nothing changed.",
    "refund.unconfirmed": (
        "Telegram did not confirm the refund of payment #{id}. The balance is unchanged; run the "
        "command again — the Stars will not go back twice."
    ),
    "refund.user_told": "\nThe user was told.",
    "refund.user_unreachable": "\nThe user could not be reached.",
    "refund.received": (
        "↩️ Payment #{id} was refunded: {stars} ⭐ go back to your Telegram account and {amount} "
        "was taken from your balance. Balance: {balance}."
    ),
}

register("ru", RU)
register("en", EN)
