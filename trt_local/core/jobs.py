"""Generation job states, their allowed transitions, deadlines and the poll cadence.

    queued ──▶ creating ──▶ running ──▶ succeeded ──▶ delivered
      │           │  ▲         │            │
      │           ▼  │         │            │
      │         queued (retry: the request provably never reached Kie, or 429/455)
      ▼           ▼            ▼            ▼
    failed ◀──────┴────────────┴────────────┘   (refund in the same transaction)

``creating`` exists because ``createTask`` has no idempotency key (kie/API.md §11): a job found in
``creating`` after a crash may or may not have a Kie task, so it must not be re-sent blindly, while
a ``queued`` job can always be sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from trt_local.core.errors import InvalidTransition


class JobStatus(StrEnum):
    QUEUED = "queued"  # row written and paid for; waiting for a create slot
    CREATING = "creating"  # createTask sent or about to be; outcome unknown until recorded
    RUNNING = "running"  # Kie accepted it (task id known); being polled
    SUCCEEDED = "succeeded"  # Kie finished; result not yet delivered to the user
    DELIVERED = "delivered"  # the user has the result
    FAILED = "failed"  # terminal failure; the charge was refunded

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


class OutputKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"


TERMINAL: frozenset[JobStatus] = frozenset({JobStatus.DELIVERED, JobStatus.FAILED})

_ALLOWED: Mapping[JobStatus, frozenset[JobStatus]] = MappingProxyType(
    {
        JobStatus.QUEUED: frozenset({JobStatus.CREATING, JobStatus.FAILED}),
        JobStatus.CREATING: frozenset({JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.FAILED}),
        JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED}),
        # succeeded → failed: the result could not be fetched or was empty; the user is refunded.
        JobStatus.SUCCEEDED: frozenset({JobStatus.DELIVERED, JobStatus.FAILED}),
        JobStatus.DELIVERED: frozenset(),
        JobStatus.FAILED: frozenset(),
    }
)


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    """Whether the state machine allows ``current → target`` (never a status to itself)."""
    return target in _ALLOWED[current]


def transition(current: JobStatus, target: JobStatus) -> JobStatus:
    """Return ``target`` if the move is allowed, else raise :class:`InvalidTransition`."""
    if not can_transition(current, target):
        raise InvalidTransition(current.value, target.value)
    return target


@dataclass(frozen=True, slots=True)
class JobTiming:
    """How long a job of one output kind may take, and how long it usually takes."""

    deadline_s: float
    typical_s: float

    @property
    def slow_after_s(self) -> float:
        """When the progress message should say "taking longer than usual"."""
        return self.typical_s * 3


# kie/API.md §11: images ~10 min, video 20–30 min, Suno ~10 min; typical values are our estimates.
TIMINGS: Mapping[OutputKind, JobTiming] = MappingProxyType(
    {
        OutputKind.IMAGE: JobTiming(deadline_s=10 * 60, typical_s=15),
        OutputKind.VIDEO: JobTiming(deadline_s=30 * 60, typical_s=120),
        OutputKind.AUDIO: JobTiming(deadline_s=10 * 60, typical_s=40),
        OutputKind.TEXT: JobTiming(deadline_s=10 * 60, typical_s=40),
    }
)


def timing_for(kind: OutputKind) -> JobTiming:
    return TIMINGS[kind]


FIRST_POLL_DELAY_S = 2.5
# A paid job waits in the queue (global cap, Kie's create budget) at most this long on top of
# its own deadline; the generation's deadline is set anew when Kie accepts the task.
MAX_QUEUE_WAIT_S = 3600.0


def next_poll_delay(elapsed_s: float) -> float:
    """Seconds until the next status poll of a job created ``elapsed_s`` seconds ago.

    kie/API.md §11: every 2–3 s for the first 30 s (first poll 2.5 s after creation), then
    5–10 s until 2 min, then 15–30 s. Within a band the delay grows steadily, so long jobs cost
    fewer polls; callers may add jitter.
    """
    if elapsed_s < 30:
        return FIRST_POLL_DELAY_S
    if elapsed_s < 120:
        return 5.0 + 5.0 * (elapsed_s - 30) / 90
    return min(30.0, 15.0 + 15.0 * (elapsed_s - 120) / 480)


def poll_delay_for(elapsed_s: float, typical_s: float) -> float:
    """Seconds until the next poll of a job of a kind that usually takes ``typical_s``.

    Between half and twice the typical duration is when most jobs of the kind finish: there the
    job is polled at the short gap (2.5 s, inside Kie's recommended 2–5 s per task), elsewhere
    :func:`next_poll_delay` applies. Without this a video done at 2½ minutes waited up to 15 s
    for its next poll (bench/jobs.py, 1000 jobs: p95 from result ready to delivery 12.7 s before,
    under 5 s after). The poller's priority keeps the extra polls within the shared budget.
    """
    if 0.5 * typical_s <= elapsed_s < 2 * typical_s:
        return FIRST_POLL_DELAY_S
    return next_poll_delay(elapsed_s)
