"""Wizard drafts: load, change and forget a user's unfinished generation."""

from __future__ import annotations

import logging
from collections.abc import Callable

from trt_local.core.wizard import Draft
from trt_local.storage.drafts import DraftsRepo

log = logging.getLogger("trt.drafts")


class DraftService:
    def __init__(self, repo: DraftsRepo, clock: Callable[[], float]) -> None:
        self._repo = repo
        self._clock = clock

    async def get(self, user_id: int) -> Draft | None:
        data = await self._repo.load(user_id)
        if data is None:
            return None
        try:
            return Draft.from_json(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            # A draft from an older layout is not worth an error: the user starts over.
            log.warning("dropping unreadable draft of user %s", user_id)
            await self._repo.delete(user_id)
            return None

    async def save(self, user_id: int, draft: Draft) -> Draft:
        await self._repo.save(user_id, draft.model_id, draft.to_json(), self._clock())
        return draft

    async def clear(self, user_id: int) -> None:
        await self._repo.delete(user_id)
