"""What the bot tells admins on its own: the low Kie credit alert, and their command list.

The alert goes to every admin (owners and added admins) in their language. It counts as
delivered when some admin got it, or when nobody could ever get it (every admin blocked the bot
or never opened it); a network failure for all of them leaves it undelivered, and the credit watch
tries again at its next check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from decimal import Decimal

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.services.registry import Services

log = logging.getLogger("trt.bot.admin")


class CreditAlerts:
    """The credit watch's ``CreditAlert``, sent through the bot."""

    def __init__(self, bot: Callable[[], Bot], services: Callable[[], Services]) -> None:
        self._bot = bot
        self._services = services

    async def __call__(self, credits: Decimal, threshold: Decimal) -> bool:
        services = self._services()
        delivered, transient = False, False
        for admin_id in await services.users.admin_ids():
            user = await services.users.get(admin_id)
            lang = user.language if user else "en"
            value = services.stats.credits_value_minor(credits)
            text = t(
                lang,
                "adm.kie.alert",
                credits=f"{credits.normalize():f}",
                value=format_money(value, services.settings.prices.currency, lang),
                threshold=f"{threshold.normalize():f}",
            )
            try:
                await self._bot().send_message(admin_id, text)
                delivered = True
            except (BadRequest, Forbidden) as exc:  # this admin cannot be reached at all
                log.info("low-credit alert not delivered to admin %s: %s", admin_id, exc)
            except (NetworkError, TelegramError) as exc:
                transient = True
                log.warning("low-credit alert to admin %s failed: %s", admin_id, exc)
        return delivered or not transient


async def publish_admin_commands(
    bot: Bot,
    admin_id: int,
    *,
    language: str,
    public: Sequence[tuple[str, str]],
    admin: Sequence[tuple[str, str]],
) -> None:
    """Show ``admin_id`` the admin commands (in their chat only); an empty ``admin`` list puts the
    public list back. A chat the bot cannot reach is skipped."""
    scope = BotCommandScopeChat(admin_id)
    try:
        if admin:
            commands = [BotCommand(name, text) for name, text in (*public, *admin)]
            await bot.set_my_commands(commands, scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:
        log.info("could not set the command list of admin %s (%s): %s", admin_id, language, exc)
