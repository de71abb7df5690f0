"""The set of services the bot and the dashboard call; built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from trt_local.services.users import UserService

FlowResetter = Callable[[int], Awaitable[None]]


@dataclass(slots=True)
class Services:
    users: UserService
    clock: Callable[[], float]
    support_contact: str = ""
    # Features with per-user in-progress state (the wizard) register how to drop it here.
    flow_resetters: list[FlowResetter] = field(default_factory=list)

    async def reset_user_flow(self, user_id: int) -> None:
        """A command preempts any flow: every feature forgets this user's unfinished state."""
        for resetter in self.flow_resetters:
            await resetter(user_id)
