"""Simulated Kie tasks: their timeline (waiting → queuing → generating → success/fail) and results.

A task's state is a pure function of the sandbox clock, so tests move it forward by advancing a
fake clock, never by sleeping. Result files are rendered once, when a poll first sees the task done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from trt_local.kie.sandbox_media import MediaFile, OutputKind, render_files, transcript

# Typical durations at speed 1 (seconds); "speed" multiplies them, 0 finishes at the first poll.
TYPICAL_SECONDS: dict[OutputKind, float] = {"image": 8.0, "video": 40.0, "audio": 20.0, "text": 6.0}
# Credits charged per task by output kind: small, fixed and easy to reason about in tests.
COST: dict[OutputKind, Decimal] = {
    "image": Decimal("4"),
    "video": Decimal("30"),
    "audio": Decimal("6"),
    "text": Decimal("3"),
}
# Fractions of the duration at which a task leaves "waiting" and "queuing".
_QUEUED_AT = 0.1
_GENERATING_AT = 0.25


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a task will end, decided when it is created (``fail_tasks``/``hang_tasks``/
    ``oversize_results``)."""

    fail_code: str = ""
    fail_msg: str = ""
    hang: bool = False
    images: int | None = None  # an image result this many files long, whatever was asked
    file_size: int | None = None  # serve each result file padded to this many bytes

    @property
    def fails(self) -> bool:
        return bool(self.fail_code or self.fail_msg)


@dataclass(slots=True)
class SandboxTask:
    """One simulated generation task (mutable: it caches its files once rendered)."""

    task_id: str
    model: str
    input: dict[str, Any]
    callback_url: str | None
    kind: OutputKind
    created_at: float
    duration: float
    outcome: Outcome
    seed: int
    family: str = "jobs"  # the API family it was created through (sandbox_families)
    files: list[MediaFile] | None = field(default=None, repr=False)
    # The family's own result files (SandboxFamily.render); None: the model's usual ones.
    render: Callable[[SandboxTask], list[MediaFile]] | None = field(default=None, repr=False)

    def state_at(self, now: float) -> str:
        elapsed = now - self.created_at
        if self.outcome.hang:
            # A hung task gets as far as "generating" and stays there.
            return "generating" if elapsed >= self.duration * _GENERATING_AT else "queuing"
        if elapsed >= self.duration:
            return "fail" if self.outcome.fails else "success"
        if elapsed >= self.duration * _GENERATING_AT:
            return "generating"
        return "queuing" if elapsed >= self.duration * _QUEUED_AT else "waiting"

    def progress_at(self, now: float) -> int:
        if self.duration <= 0:
            return 100
        fraction = (now - self.created_at) / self.duration
        return max(0, min(100 if not self.outcome.hang else 99, int(fraction * 100)))

    def ensure_files(self) -> list[MediaFile]:
        if self.files is None and self.render is not None:
            self.files = self.render(self)
        if self.files is None:
            self.files = render_files(
                self.kind, self.model, self.input, self.seed, count=self.outcome.images
            )
        return self.files

    def record_json(
        self, now: float, *, epoch: float, file_url: Callable[[int, str], str]
    ) -> dict[str, Any]:
        """The ``data`` object of a ``recordInfo`` answer at time ``now``."""
        state = self.state_at(now)
        created_ms = int((epoch + self.created_at) * 1000)
        param: dict[str, Any] = {"model": self.model, "input": self.input}
        if self.callback_url:
            param["callBackUrl"] = self.callback_url
        data: dict[str, Any] = {
            "taskId": self.task_id,
            "model": self.model,
            "state": state,
            "param": json.dumps(param),
            "resultJson": "",
            "failCode": "",
            "failMsg": "",
            "costTime": None,
            "createTime": created_ms,
            "updateTime": int((epoch + now) * 1000),
            "completeTime": None,
        }
        if "sora" in self.model:  # Kie reports progress for Sora models only
            data["progress"] = self.progress_at(now)
        if state in ("success", "fail"):
            data["completeTime"] = created_ms + int(self.duration * 1000)
            data["costTime"] = int(self.duration * 1000)
        if state == "fail":
            data["failCode"] = self.outcome.fail_code
            data["failMsg"] = self.outcome.fail_msg
        elif state == "success":
            data["resultJson"] = json.dumps(self._result(file_url))
        return data

    def _result(self, file_url: Callable[[int, str], str]) -> dict[str, Any]:
        if self.kind == "text":
            return {"resultObject": transcript(self.input)}
        files = self.ensure_files()
        return {"resultUrls": [file_url(n, media.ext) for n, media in enumerate(files, start=1)]}
