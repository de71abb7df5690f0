"""Typed handler context: ``context.services`` and ``context.user`` instead of dict lookups."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

if TYPE_CHECKING:
    from trt_local.services.registry import Services
    from trt_local.services.users import UserView


class BotData:
    """Application-wide state; PTB instantiates it without arguments, the app fills it in."""

    def __init__(self) -> None:
        self.services: Services | None = None
        # Locks for flows whose steps must not interleave for one user; weak values so idle
        # users' locks are dropped.
        self._user_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def user_lock(self, user_id: int) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = self._user_locks[user_id] = asyncio.Lock()
        return lock


class Ctx(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.user: UserView | None = None
        # What the question being answered stored with it (see handlers.pending_input).
        self.input_data: Mapping[str, str | int] = {}

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        assert services is not None, "services are attached before the application starts"
        return services

    @property
    def lang(self) -> str:
        return self.user.language if self.user else "en"
