"""The bot's side of the Stars refund port: ``refundStarPayment``, its answers as domain errors."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from trt_local.services.stars import RefundRejected, RefundUnconfirmed

# Telegram's answer to a second refund of one charge: the Stars went back, as asked.
ALREADY_REFUNDED = "CHARGE_ALREADY_REFUNDED"


class TelegramStarsRefunds:
    def __init__(self, bot_getter: Callable[[], object]) -> None:
        self._bot_getter = bot_getter  # the bot exists only once the application is built

    async def refund_star_payment(self, user_id: int, charge_id: str) -> None:
        bot = self._bot_getter()
        assert isinstance(bot, Bot)
        try:
            await bot.refund_star_payment(user_id, charge_id)
        except BadRequest as exc:
            if ALREADY_REFUNDED in str(exc).upper():
                return
            raise RefundRejected(str(exc)) from None
        except (NetworkError, RetryAfter) as exc:
            # NetworkError covers timeouts: the call may have been done, or not.
            raise RefundUnconfirmed(str(exc)) from None
        except TelegramError as exc:
            raise RefundRejected(str(exc)) from None
