"""What a family adapter is: how to ask for a create and a status, and how to read the answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from trt_local.kie.records import TaskRecord


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request to Kie's API host: the client adds auth, timeouts, logging and error mapping."""

    method: str
    path: str
    json: Mapping[str, Any] | None = None
    params: Mapping[str, str] = field(default_factory=dict)


class Family(Protocol):
    """One API family. Adapters are stateless: everything a status call needs is in the task id."""

    @property
    def name(self) -> str: ...

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall: ...

    def task_id(self, data: object) -> str:
        """The task id from the create answer's ``data`` (KieProtocolError if missing)."""
        ...

    def status_call(self, task_id: str) -> HttpCall: ...

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        """The status answer's ``data`` as a record (KieProtocolError if unreadable)."""
        ...

    @property
    def routine_paths(self) -> frozenset[str]:
        """Paths polled often: their successes are logged at DEBUG only."""
        ...
