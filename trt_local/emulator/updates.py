"""The update feed behind getUpdates.

Updates get increasing ``update_id`` values and stay until the bot confirms them: a getUpdates with
``offset`` drops every update whose id is below it (a negative offset keeps only the last ``-offset``
ones). ``allowed_updates`` works as on Telegram: the last list sent applies, and an empty list means
every type.
"""

from __future__ import annotations

from collections import deque
from typing import Any

MAX_LIMIT = 100


class UpdateFeed:
    def __init__(self, first_update_id: int = 1) -> None:
        self._next_id = first_update_id
        self._queue: deque[dict[str, Any]] = deque()
        self._allowed: frozenset[str] = frozenset()
        self.delivered = 0  # updates handed out, confirmed or not

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._queue.append(update)
        return update

    def confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            while len(self._queue) > -offset:
                self._queue.popleft()
            return
        while self._queue and self._queue[0]["update_id"] < offset:
            self._queue.popleft()

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self._allowed = frozenset(allowed)

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        if not self._allowed:
            return True
        return any(key in self._allowed for key in update if key != "update_id")

    def has_pending(self) -> bool:
        self._drop_disallowed()
        return bool(self._queue)

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` pending updates, oldest first; they stay until confirmed."""
        self._drop_disallowed()
        limit = min(max(limit, 1), MAX_LIMIT)
        batch = [self._queue[i] for i in range(min(limit, len(self._queue)))]
        self.delivered += len(batch)
        return batch

    def _drop_disallowed(self) -> None:
        # Telegram never stores updates of a type the bot did not ask for.
        if self._allowed and not all(self._is_allowed(u) for u in self._queue):
            self._queue = deque(u for u in self._queue if self._is_allowed(u))

    def clear(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)
