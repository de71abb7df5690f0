"""Users as the bot sees them: upsert on contact, language choice, admin rights.

Owners are the admins listed in the config (``TRT_ADMIN_IDS``); they can make further admins,
whose flag is stored in the database. Both are admins everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trt_local.storage.users import OnCreated, UserRecord, UsersRepo

LANGUAGES = ("ru", "en")
# Telegram language codes whose speakers are best served by the Russian texts.
_RUSSIAN_READERS = ("ru", "uk", "be", "kk", "uz", "ky", "tg", "hy", "az")


def resolve_language(chosen: str | None, telegram_code: str | None) -> str:
    """The user's explicit choice wins; otherwise follow Telegram's ``language_code``."""
    if chosen in LANGUAGES:
        return chosen
    code = (telegram_code or "").split("-")[0].lower()
    return "ru" if code in _RUSSIAN_READERS else "en"


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    first_name: str
    language: str
    is_admin: bool
    blocked: bool
    balance_minor: int
    is_new: bool = False  # this update is the first the bot has seen from the user


class UserService:
    def __init__(
        self,
        repo: UsersRepo,
        *,
        admin_ids: frozenset[int],
        clock: Callable[[], float],
        on_created: OnCreated | None = None,
    ) -> None:
        self._repo = repo
        self._admin_ids = admin_ids
        self._clock = clock
        self._on_created = on_created  # the welcome bonus, in the transaction creating the user

    def _view(self, record: UserRecord) -> UserView:
        return UserView(
            id=record.id,
            first_name=record.first_name,
            language=resolve_language(record.language, record.tg_language),
            is_admin=record.is_admin or record.id in self._admin_ids,
            blocked=record.blocked,
            balance_minor=record.balance_minor,
            is_new=record.created,
        )

    async def seen(
        self,
        user_id: int,
        *,
        username: str | None,
        first_name: str,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> UserView:
        """Record contact with a user; ``is_new`` when this call created them."""
        record = await self._repo.touch(
            user_id,
            username=username,
            first_name=first_name,
            last_name=last_name,
            tg_language=language_code,
            now=self._clock(),
            on_created=self._on_created,
        )
        return self._view(record)

    async def get(self, user_id: int) -> UserView | None:
        record = await self._repo.get(user_id)
        return None if record is None else self._view(record)

    async def set_language(self, user_id: int, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        await self._repo.set_language(user_id, language)

    def is_admin_id(self, user_id: int) -> bool:
        """Listed in the config (``TRT_ADMIN_IDS``): an owner."""
        return user_id in self._admin_ids

    is_owner = is_admin_id

    async def admin_ids(self) -> list[int]:
        """Everyone with admin rights: the owners from the config and admins stored in the database."""
        return sorted(self._admin_ids | set(await self._repo.admin_ids()))
