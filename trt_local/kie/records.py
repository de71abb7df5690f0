"""Typed records built from Kie.ai responses, tolerant of the shape variations seen in the wild.

``recordInfo`` returns ``param`` and ``resultJson`` as JSON-encoded strings (API.md §3.2), some
clients saw them as objects, and both may be empty or null; ``failCode`` is a string but may come
as a number. The parsers here absorb all of that so callers see one shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from trt_local.kie.errors import KieProtocolError, is_content_rejection
from trt_local.kie.readers import integer, json_object, strings, text

RUNNING_STATES = frozenset({"waiting", "queuing", "generating"})
TERMINAL_STATES = frozenset({"success", "fail"})


@dataclass(frozen=True, slots=True)
class ResultItem:
    """One result of a task with more to it than a URL: a Suno track (title, cover, length)."""

    url: str
    title: str = ""
    cover_url: str = ""
    duration_s: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "cover_url": self.cover_url,
            "duration_s": self.duration_s,
        }


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One ``recordInfo`` answer: where a task is and, when finished, what it produced."""

    task_id: str
    model: str
    state: str
    result_urls: tuple[str, ...] = ()
    watermark_urls: tuple[str, ...] = ()
    result_object: Any = field(default=None, hash=False)
    fail_code: str = ""
    fail_msg: str = ""
    progress: int | None = None
    cost_time: int | None = None
    create_time: int | None = None
    complete_time: int | None = None
    param: Mapping[str, Any] = field(default_factory=dict, hash=False)
    # Per-result details when the family gives them (one per URL, same order); empty otherwise.
    items: tuple[ResultItem, ...] = ()
    # Family facts the bot may offer follow-ups from (Veo: "resolution", "upgradable").
    extras: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, task_id: str = "") -> TaskRecord:
        """Build a record from the ``data`` object of a ``recordInfo`` response."""
        result = json_object(data.get("resultJson"))
        progress = integer(data.get("progress"))
        return cls(
            task_id=text(data.get("taskId")) or task_id,
            model=text(data.get("model")),
            state=text(data.get("state")).strip().lower(),
            result_urls=strings(result.get("resultUrls")),
            watermark_urls=strings(result.get("resultWaterMarkUrls")),
            result_object=result.get("resultObject"),
            fail_code=text(data.get("failCode")),
            fail_msg=text(data.get("failMsg")),
            progress=None if progress is None else max(0, min(100, progress)),
            cost_time=integer(data.get("costTime")),
            create_time=integer(data.get("createTime")),
            complete_time=integer(data.get("completeTime")),
            param=json_object(data.get("param")),
        )

    @property
    def is_success(self) -> bool:
        return self.state == "success"

    @property
    def is_failed(self) -> bool:
        return self.state == "fail"

    @property
    def is_running(self) -> bool:
        """True for waiting/queuing/generating and for any state Kie may add later."""
        return self.state not in TERMINAL_STATES

    @property
    def has_output(self) -> bool:
        """A success with neither URLs nor a text object is a failure for the user (§3.2)."""
        return bool(self.result_urls) or self.result_object is not None

    @property
    def content_rejected(self) -> bool:
        """True when a failed task reads like a content-policy refusal."""
        return self.is_failed and is_content_rejection(self.fail_msg)

    @property
    def input(self) -> Mapping[str, Any]:
        """The ``input`` object of the original createTask request, if Kie echoed it."""
        raw = self.param.get("input")
        return raw if isinstance(raw, Mapping) else {}


@dataclass(frozen=True, slots=True)
class Downloaded:
    """A downloaded result file."""

    content: bytes
    content_type: str
    file_name: str


_CREDIT_KEYS = ("credits", "credit", "balance", "remaining", "remainingCredits", "data")


def parse_credits(data: object) -> Decimal:
    """Read the remaining credits from ``data``: a bare number (documented) or an object."""
    if isinstance(data, Mapping):
        for key in _CREDIT_KEYS:
            if key in data:
                return parse_credits(data[key])
        raise KieProtocolError("credit response has no credit field")
    if isinstance(data, bool) or not isinstance(data, int | float | str):
        raise KieProtocolError(f"credit response has an unexpected type: {type(data).__name__}")
    try:
        value = Decimal(str(data).strip())
    except InvalidOperation:
        raise KieProtocolError("credit response is not a number") from None
    if not value.is_finite():
        raise KieProtocolError("credit response is not a finite number")
    return value
