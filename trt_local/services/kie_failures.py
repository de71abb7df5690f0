"""One table from Kie's failure codes to what the user is told (API.md §9 and §12).

A code reaches the engine two ways: as the envelope code of a create answer (a ``KieAPIError``,
seen by the creator) or as a finished task's ``failCode``/``errorCode`` (``TaskRecord.fail_code``,
seen by the poller). Both read this table, so a 451 says the same thing whichever way it came.
Every job failed with one of these reasons is refunded in full. Codes not listed keep the
generic handling (content rejection, upstream failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from trt_local.services.ports import FailureReason

CODE_REASONS: Mapping[int, FailureReason] = MappingProxyType(
    {
        409: FailureReason.ALREADY_EXISTS,  # Suno: the WAV of that track exists
        413: FailureReason.MATCHES_EXISTING_WORK,  # Suno: the upload matches an existing work
        451: FailureReason.INPUT_UNREACHABLE,  # the input URL could not be fetched
        455: FailureReason.UNAVAILABLE,  # maintenance
        531: FailureReason.LYRICS_MALFORMED,  # Suno: malformed lyrics (Kie refunds its credits)
        550: FailureReason.BUSY,  # queue full
    }
)


def reason_for_code(code: int | str | None) -> FailureReason | None:
    """The reason a Kie code (a number, or a task's failCode string such as "451") stands for."""
    if isinstance(code, str):
        code = code.strip()
        if not code.isdigit():
            return None
        code = int(code)
    if code is None or isinstance(code, bool):
        return None
    return CODE_REASONS.get(code)
