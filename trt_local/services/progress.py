"""When to tell the user how a job is doing: on every phase change, and every ~10 s while it runs.

The bot throttles its own message edits as well; this only keeps the engine from calling it on
every poll. What was last reported is kept in memory: after a restart the first poll reports
again, which merely refreshes the status message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trt_local.core.jobs import JobTiming
from trt_local.services.ports import JobView, Notifier, Phase
from trt_local.services.settlement import notify_quietly

REPORT_EVERY_S = 10.0


def phase_for(elapsed_s: float, timing: JobTiming) -> Phase:
    return Phase.SLOW if elapsed_s >= timing.slow_after_s else Phase.GENERATING


@dataclass(slots=True)
class _Reported:
    phase: Phase
    at: float


class Progress:
    def __init__(self, notifier: Notifier, *, clock: Callable[[], float]) -> None:
        self._notifier = notifier
        self._clock = clock
        self._last: dict[int, _Reported] = {}

    async def report(self, job: JobView, phase: Phase, elapsed_s: float) -> None:
        """Pass the phase on if it changed or the last report is ~10 s old."""
        now = self._clock()
        last = self._last.get(job.id)
        if last is not None and last.phase == phase and now - last.at < REPORT_EVERY_S:
            return
        self._last[job.id] = _Reported(phase, now)
        await notify_quietly(
            self._notifier.job_progress(job, phase, max(0.0, elapsed_s)), "report progress"
        )

    def forget(self, job_id: int) -> None:
        self._last.pop(job_id, None)
