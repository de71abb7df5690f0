"""The ports between the generation engine and the outside: what the bot implements.

The engine never talks to Telegram. It calls a :class:`Notifier` with plain records (a
:class:`JobView`, :class:`ResultFile` s, a :class:`FailureReason` and a :class:`Refund`) and the
bot turns them into messages. The bot throttles its own edits; the engine calls ``job_progress``
on phase changes and at most every ~10 s while generating (~30 s while queued). A result goes
out one part at a time (:meth:`Notifier.send_part`) so that each sent part is recorded before the
next is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from trt_local.core.jobs import JobStatus, OutputKind
from trt_local.core.pricing import QuoteBasis

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram bots upload at most 50 MB; larger → a link


class Phase(StrEnum):
    QUEUED = "queued"  # paid, waiting for Kie to accept it
    GENERATING = "generating"
    SLOW = "slow"  # "taking longer than usual"


class FailureReason(StrEnum):
    """Why a job failed, as the user is told (they are refunded in every case)."""

    CONTENT_REJECTED = "content_rejected"  # Kie's content checks refused the prompt/image
    INVALID_INPUT = "invalid_input"  # Kie refused the parameters (400/422)
    UNAVAILABLE = "unavailable"  # the bot's Kie account has a problem; never the user's fault
    TIMEOUT = "timeout"
    UPSTREAM_FAILED = "upstream_failed"
    NO_RESULT = "no_result"  # finished without a usable file
    # Kie's own failure codes (API.md §12), read by services.kie_failures from either a create
    # answer or a task's failCode:
    INPUT_UNREACHABLE = "input_unreachable"  # 451: Kie could not fetch the user's upload
    BUSY = "busy"  # 550: Kie's queue stayed full (455 maintenance stays "unavailable")
    ALREADY_EXISTS = "already_exists"  # 409: Suno already made the WAV of that track
    MATCHES_EXISTING_WORK = "matches_existing_work"  # 413: Suno: the upload is a known work
    LYRICS_MALFORMED = "lyrics_malformed"  # 531: Suno could not read the lyrics


class AlertCode(StrEnum):
    KIE_UNAUTHORIZED = "kie_unauthorized"  # 401: the API key is wrong or revoked
    KIE_NO_CREDITS = "kie_no_credits"  # 402: top up the Kie account
    KIE_KEY_LIMIT = "kie_key_limit"  # 433: raise the key's usage cap
    KIE_MODEL_DISABLED = "kie_model_disabled"  # 505: Kie disabled a model; we switched it off
    DELIVERY_STUCK = "delivery_stuck"  # a result could not be sent after many attempts
    INTERNAL_ERROR = "internal_error"  # a bug kept a job from finishing; failed and refunded


@dataclass(frozen=True, slots=True)
class AdminAlert:
    code: AlertCode
    detail: str


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """Where a queued job stands: 1 = next to be sent to Kie, and roughly how long until then."""

    position: int
    wait_s: float


@dataclass(frozen=True, slots=True)
class Refund:
    amount_minor: int  # money returned to the balance (0 for free and admin jobs)
    free_returned: bool  # a free generation was given back


@dataclass(frozen=True, slots=True)
class ResultFile:
    """One result ready to send. ``content`` is None when it is too big (send ``url``) or text."""

    kind: OutputKind
    content: bytes | None
    url: str
    file_name: str
    mime_type: str
    width: int | None = None
    height: int | None = None
    too_big: bool = False  # over 50 MB: the bot sends the link instead of the file
    text: str | None = None  # for text results (e.g. a transcript)
    # A track's name, length and cover (Suno): the bot sends it as audio with these.
    title: str = ""
    duration_s: float | None = None
    thumbnail: bytes | None = None  # a JPEG fit for Telegram's thumbnail rules, or None

    @property
    def size(self) -> int | None:
        return None if self.content is None else len(self.content)


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as the bot and the dashboard see it."""

    id: int
    ref: str
    user_id: int
    chat_id: int
    model_id: str
    title: str
    output: OutputKind
    params: Mapping[str, Any]
    price_minor: int
    basis: QuoteBasis
    credits: Decimal
    status: JobStatus
    task_id: str | None
    status_message_id: int | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    delivered_at: float | None
    deadline_at: float
    error: str | None  # a FailureReason value once failed
    error_detail: str | None  # for admins: Kie's code and message; never shown to users
    result_file_ids: tuple[str, ...] = ()
    result_text: str | None = None
    duplicate: bool = False  # confirm found this job already made with the same ref
    # Family facts of the result the bot may offer follow-ups from (Veo: resolution, upgradable).
    result_extras: Mapping[str, Any] = field(default_factory=dict)


class DeliveryError(Exception):
    """Raised by :meth:`Notifier.send_part` when sending failed and may work later."""

    def __init__(self, detail: str, *, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after  # Telegram asked us to wait this long (RetryAfter)


class RecipientGone(Exception):
    """Raised by :meth:`Notifier.send_part` when the chat cannot receive anything (blocked)."""


class Notifier(Protocol):
    async def job_progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        """Edit the job's status message; must not raise for a failed edit."""

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        """Send one part of a result (one file, or an album of images); return its file ids.

        Raise :class:`DeliveryError` when the send failed and may work later,
        :class:`RecipientGone` when the user can no longer be reached.
        """

    async def job_done(self, job: JobView) -> None:
        """Turn the status message into "done" once every part is out (best effort)."""

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        """Tell the user the job failed and what was returned.

        Raise :class:`DeliveryError` if the user could not be told (the notice is sent again
        after a restart); return normally if there is nobody to tell (the bot is blocked).
        """

    async def alert_admins(self, alert: AdminAlert) -> None:
        """Tell the admins about a problem only they can fix."""
