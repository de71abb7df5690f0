"""When to tell the user how a job is doing: on every phase change, and every ~10 s while it runs
(~30 s while it waits in the queue: a long queue must not spend Telegram's budget on edits).

The bot throttles its own message edits as well; this only keeps the engine from calling it on
every poll. What was last reported is kept in memory: after a restart the first poll reports
again, which merely refreshes the status message. The edits go out through :class:`Notices`, so
reporting never waits for Telegram.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trt_local.core.jobs import JobTiming
from trt_local.services.notices import Notices
from trt_local.services.ports import JobView, Phase, QueuePlace

REPORT_EVERY_S = 10.0
QUEUED_REPORT_EVERY_S = 30.0


def phase_for(elapsed_s: float, timing: JobTiming) -> Phase:
    return Phase.SLOW if elapsed_s >= timing.slow_after_s else Phase.GENERATING


@dataclass(slots=True)
class _Reported:
    phase: Phase
    at: float
    place: QueuePlace | None


class Progress:
    def __init__(self, notices: Notices, *, clock: Callable[[], float]) -> None:
        self._notices = notices
        self._clock = clock
        self._last: dict[int, _Reported] = {}

    def report(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        """Pass the phase on if it changed or the last report is old enough."""
        now = self._clock()
        last = self._last.get(job.id)
        every = QUEUED_REPORT_EVERY_S if phase is Phase.QUEUED else REPORT_EVERY_S
        if last is not None and last.phase == phase and now - last.at < every:
            return
        if last is not None and last.phase == phase and place is not None and last.place == place:
            return  # same place in the queue: nothing new to say
        self._last[job.id] = _Reported(phase, now, place)
        self._notices.progress(job, phase, max(0.0, elapsed_s), place)

    def forget(self, job_id: int) -> None:
        self._last.pop(job_id, None)
