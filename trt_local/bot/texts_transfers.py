"""Texts of manual bank transfers (the user's request, the admins' review), ru and en."""

from __future__ import annotations

from trt_local.bot.texts import register

RU = {
    "xfer.off": "Оплата банковским переводом сейчас недоступна.",
    "xfer.range": "Перевод — на сумму от {min} до {max}.",
    "xfer.blocked": "Доступ к боту ограничен.",
    "xfer.details": (
        "<b>Оплата банковским переводом</b>\n\n"
        "Переведите ровно <b>{amount}</b>:\n{details}\n\n"
        "Затем пришлите сюда скриншот или квитанцию об оплате — фото или файлом-картинкой. "
        "Комментарий можно добавить в подпись.\n"
        "Администратор проверит платёж и пополнит баланс. Заявка без проверки "
        "закрывается через {hours} ч."
    ),
    "xfer.need_image": (
        "Пришлите скриншот оплаты {amount} фото или файлом-картинкой (комментарий — в подписи)."
    ),
    "xfer.duplicate": "Этот скриншот уже отправлен. Пришлите подтверждение именно этого платежа.",
    "xfer.submitted": (
        "Спасибо! Заявка №{id} на {amount} отправлена на проверку. "
        "Мы напишем, как только администратор её проверит."
    ),
    "xfer.user_approved": "✅ Перевод на {amount} подтверждён (заявка №{id}). Баланс: {balance}.",
    "xfer.user_rejected": "❌ Перевод на {amount} отклонён (заявка №{id}).\nПричина: {reason}",
    "xfer.user_expired": (
        "⌛ Заявка №{id} на {amount} закрыта: её не успели проверить. "
        "Если вы уже оплатили, напишите в поддержку."
    ),
    "xfer.user_expired_contact": (
        "⌛ Заявка №{id} на {amount} закрыта: её не успели проверить. "
        "Если вы уже оплатили, напишите в поддержку: {contact}"
    ),
    "btn.xfer_approve": "✅ Подтвердить",
    "btn.xfer_reject": "❌ Отклонить",
    "xfer.admin_card": "🏦 <b>Перевод №{id}: {amount}</b>\nОт: {name} (id <code>{user}</code>)",
    "xfer.admin_comment": "Комментарий: {comment}",
    "xfer.admin_approved": "✅ Подтвердил {admin}.",
    "xfer.admin_rejected": "❌ Отклонил {admin}: {reason}",
    "xfer.admin_expired": "⌛ Закрыта без проверки.",
    "xfer.not_allowed": "Недостаточно прав.",
    "xfer.unknown": "Такой заявки нет.",
    "xfer.approved": "Подтверждено: {amount} зачислено, баланс {balance}.",
    "xfer.already_approved": "Уже подтвердил {admin}.",
    "xfer.already_rejected": "Уже отклонил {admin}.",
    "xfer.already_expired": "Заявка уже закрыта без проверки.",
    "xfer.ask_reason": (
        "Почему отклоняется перевод №{id} ({amount} от {name})? "
        "Напишите причину сообщением — её получит пользователь."
    ),
    "xfer.rejected": "Перевод №{id} отклонён, пользователь получил причину.",
}

EN = {
    "xfer.off": "Paying by bank transfer is not available right now.",
    "xfer.range": "A transfer can be from {min} to {max}.",
    "xfer.blocked": "Your access to this bot is restricted.",
    "xfer.details": (
        "<b>Pay by bank transfer</b>\n\n"
        "Transfer exactly <b>{amount}</b> to:\n{details}\n\n"
        "Then send the screenshot or receipt of the payment here, as a photo or an image file. "
        "You can add a comment in the caption.\n"
        "An admin checks the payment and tops up your balance. A request nobody has checked "
        "closes after {hours} h."
    ),
    "xfer.need_image": (
        "Please send the screenshot of your {amount} payment as a photo or an image file "
        "(a comment can go in the caption)."
    ),
    "xfer.duplicate": "This screenshot was already submitted. Send the proof of this payment.",
    "xfer.submitted": (
        "Thank you! Request #{id} for {amount} is under review. "
        "We will tell you as soon as an admin has checked it."
    ),
    "xfer.user_approved": "✅ Your transfer of {amount} is confirmed (request #{id}). Balance: {balance}.",
    "xfer.user_rejected": "❌ Your transfer of {amount} was rejected (request #{id}).\nReason: {reason}",
    "xfer.user_expired": (
        "⌛ Request #{id} for {amount} closed: nobody checked it in time. "
        "If you have paid, please contact support."
    ),
    "xfer.user_expired_contact": (
        "⌛ Request #{id} for {amount} closed: nobody checked it in time. "
        "If you have paid, please contact support: {contact}"
    ),
    "btn.xfer_approve": "✅ Approve",
    "btn.xfer_reject": "❌ Reject",
    "xfer.admin_card": "🏦 <b>Transfer #{id}: {amount}</b>\nFrom: {name} (id <code>{user}</code>)",
    "xfer.admin_comment": "Comment: {comment}",
    "xfer.admin_approved": "✅ Approved by {admin}.",
    "xfer.admin_rejected": "❌ Rejected by {admin}: {reason}",
    "xfer.admin_expired": "⌛ Closed without review.",
    "xfer.not_allowed": "Not allowed.",
    "xfer.unknown": "There is no such request.",
    "xfer.approved": "Approved: {amount} credited, balance {balance}.",
    "xfer.already_approved": "Already approved by {admin}.",
    "xfer.already_rejected": "Already rejected by {admin}.",
    "xfer.already_expired": "This request has already closed without review.",
    "xfer.ask_reason": (
        "Why is transfer #{id} ({amount} from {name}) rejected? "
        "Send the reason as a message; the user will get it."
    ),
    "xfer.rejected": "Transfer #{id} rejected; the user got the reason.",
}

register("ru", RU)
register("en", EN)
