"""Typed input the bot has asked a user for, outside the generation wizard.

A screen that asks "send the code" calls :meth:`PendingInput.expect`, with any ``data`` it will
need to read the answer (an admin's "amount for user 42"); the bot routes the user's next text to
that feature (:meth:`take_input` reads and forgets it). The state is stored, so a restart
between the question and the answer loses nothing; it lapses after :data:`TTL_S`, and any
command or button press forgets it (the user moved on).
"""

from __future__ import annotations

from collections.abc import Callable

from trt_local.storage.pending_input import Data, PendingInputRepo, StoredInput

TTL_S = 3600.0  # an hour-old question is not what a message answers any more


class PendingInput:
    def __init__(self, repo: PendingInputRepo, *, clock: Callable[[], float]) -> None:
        self._repo = repo
        self._clock = clock

    async def expect(self, user_id: int, kind: str, data: Data | None = None) -> None:
        await self._repo.save(user_id, kind, self._clock(), data)

    async def _fresh(self, user_id: int) -> StoredInput | None:
        stored = await self._repo.load(user_id)
        if stored is None or self._clock() - stored.since >= TTL_S:
            return None
        return stored

    async def peek(self, user_id: int) -> str | None:
        """The kind of input awaited from this user, if any and still fresh."""
        stored = await self._fresh(user_id)
        return None if stored is None else stored.kind

    async def take(self, user_id: int) -> str | None:
        """The awaited kind, forgetting it: one message answers one question."""
        stored = await self.take_input(user_id)
        return None if stored is None else stored.kind

    async def take_input(self, user_id: int) -> StoredInput | None:
        """The awaited kind with its data, forgetting it."""
        stored = await self._fresh(user_id)
        await self.clear(user_id)
        return stored

    async def clear(self, user_id: int) -> None:
        # Read first: most presses find nothing to forget and need no write transaction.
        if await self._repo.exists(user_id):
            await self._repo.delete(user_id)
