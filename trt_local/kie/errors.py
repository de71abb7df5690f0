"""Errors raised by the Kie.ai client, one class per outcome the caller must handle differently.

Hierarchy::

    KieError                              anything the client raises
    ├── KieTransportError(reached)        no usable HTTP response (connect error, timeout, drop)
    ├── KieProtocolError                  Kie answered, but not in the documented shape
    ├── KieDownloadError(status)          a result file could not be fetched
    │   └── DownloadTooLargeError         ... because it is bigger than the caller allows
    └── KieAPIError(code, message)        Kie answered with an error code (API.md §9)
        ├── BadRequestError         400
        ├── UnauthorizedError       401   account problem
        ├── InsufficientCreditsError 402  account problem
        ├── NotFoundError           404
        ├── UpstreamTimeoutError    408
        ├── InvalidParametersError  422
        ├── RateLimitedError        429   retryable, carries retry_after
        ├── KeyLimitError           433   account problem
        ├── KieBusyError                  retryable with a long backoff, nothing was started
        │   ├── MaintenanceError    455
        │   └── QueueFullError      550   (4o Image and others, §12)
        ├── ServerError             500   retryable
        ├── GenerationFailedError   501
        ├── FeatureDisabledError    505
        ├── AlreadyExistsError      409   Suno: the WAV of that track exists (§12)
        ├── MatchesExistingWorkError 413  Suno: the uploaded audio matches an existing work
        ├── InputUnreachableError   451   Kie could not fetch an input URL (the upload expired)
        ├── MalformedLyricsError    531   Suno: the lyrics could not be read (Kie refunds it)
        └── UploadFailedError             upload answered ``success: false``

Every error says what the caller needs to decide: ``retryable`` (trying later may succeed),
``account_problem`` (the bot's Kie account needs the admin: refund the user, alert the admin once,
tell the user "temporarily unavailable"), ``content_rejected`` (the prompt or image was refused)
and a short English ``user_hint``. Messages never carry the API key or URL query strings: the
client scrubs them before building an error.
"""

from __future__ import annotations

_CONTENT_MARKERS = (
    "prohibit",
    "unsafe",
    "policy",
    "sensitive",
    "nsfw",
    "violat",
    "inappropriate",
    "moderation",
    "flagged",
    "not allowed content",
)

UNAVAILABLE_HINT = "The service is temporarily unavailable. Your payment has been returned."


def is_content_rejection(text: str) -> bool:
    """True when a Kie failure message reads like a content-policy refusal."""
    lowered = text.lower()
    return any(marker in lowered for marker in _CONTENT_MARKERS)


class KieError(Exception):
    """Base class of every error the Kie client raises."""

    retryable: bool = False
    account_problem: bool = False

    @property
    def content_rejected(self) -> bool:
        """True when the prompt or the input media was refused by Kie's content checks."""
        return False

    @property
    def user_hint(self) -> str:
        """A short sentence that can be shown to the bot's user."""
        return "The generation service failed. Please try again later."


class KieTransportError(KieError):
    """No usable HTTP response arrived.

    ``reached`` is False only when the request provably never left this machine (DNS failure,
    connection refused, connect timeout): only then is it safe to repeat a ``createTask``.
    """

    retryable = True

    def __init__(self, message: str, *, reached: bool) -> None:
        super().__init__(message)
        self.reached = reached

    @property
    def user_hint(self) -> str:
        return "The generation service could not be reached. Please try again later."


class KieProtocolError(KieError):
    """Kie answered 2xx, but the body is not the documented envelope (or lacks a needed field)."""


class KieDownloadError(KieError):
    """A result file could not be downloaded (``status`` is the HTTP status, if one arrived)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = status is not None and status >= 500


class DownloadTooLargeError(KieDownloadError):
    """The file is larger than the ``max_bytes`` the caller allowed; nothing more was read."""

    def __init__(self, message: str, *, max_bytes: int) -> None:
        super().__init__(message)
        self.max_bytes = max_bytes


class KieAPIError(KieError):
    """Kie reported an error ``code`` (the body code, or the HTTP status when there is none)."""

    def __init__(self, code: int, message: str, *, http_status: int | None = None) -> None:
        super().__init__(f"Kie API error {code}: {message}" if message else f"Kie API error {code}")
        self.code = code
        self.message = message
        self.http_status = http_status
        # Unknown 5xx codes (502/503/504 from a gateway) are transient; 501 and 505 are not.
        self.retryable = type(self).retryable or (
            type(self) is KieAPIError and 500 <= code < 600 and code not in (501, 505)
        )


class BadRequestError(KieAPIError):
    """400: a missing or malformed parameter, or (on some families) a refused prompt/image."""

    @property
    def content_rejected(self) -> bool:
        return is_content_rejection(self.message)

    @property
    def user_hint(self) -> str:
        return "The request was rejected. Please change the prompt or the image and try again."


class _AccountProblem(KieAPIError):
    """Base of the codes that mean the bot's own Kie account needs the admin."""

    account_problem = True

    @property
    def user_hint(self) -> str:
        return UNAVAILABLE_HINT


class UnauthorizedError(_AccountProblem):
    """401: the API key is wrong, missing or revoked."""


class InsufficientCreditsError(_AccountProblem):
    """402: the bot's Kie account has run out of credits (never the user's fault)."""


class KeyLimitError(_AccountProblem):
    """433: the key's own usage cap (set in the Kie dashboard) is exhausted."""


class NotFoundError(KieAPIError):
    """404: the task (or endpoint) is unknown; right after a create it may just be lagging."""

    @property
    def user_hint(self) -> str:
        return "The generation task was lost. Your payment has been returned."


class UpstreamTimeoutError(KieAPIError):
    """408: the upstream model produced nothing for more than ten minutes."""

    @property
    def user_hint(self) -> str:
        return "The generation took too long and was cancelled. You can try again."


class InvalidParametersError(KieAPIError):
    """422: validation failed; the same payload will fail again."""

    @property
    def content_rejected(self) -> bool:
        return is_content_rejection(self.message)

    @property
    def user_hint(self) -> str:
        detail = self.message.strip()[:200]
        return f"Invalid parameters: {detail}" if detail else "Invalid parameters."


class RateLimitedError(KieAPIError):
    """429: rejected (not queued) by Kie's rate limit; ``retry_after`` seconds if Kie said so."""

    retryable = True

    def __init__(
        self,
        code: int,
        message: str,
        *,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, http_status=http_status)
        self.retry_after = retry_after

    @property
    def user_hint(self) -> str:
        return "The service is busy; your request is waiting in the queue."


class KieBusyError(KieAPIError):
    """Kie turned the request away for now without starting a task: retry in minutes."""

    retryable = True


class MaintenanceError(KieBusyError):
    """455: Kie is under maintenance; try again in minutes."""

    @property
    def user_hint(self) -> str:
        return "The service is under maintenance. Please try again in a few minutes."


class QueueFullError(KieBusyError):
    """550: Kie's queue for the model is full; like 455, try again later (API.md §12)."""

    @property
    def user_hint(self) -> str:
        return "The service is busy. Please try again in a few minutes."


class ServerError(KieAPIError):
    """500: Kie's internal error."""

    retryable = True

    @property
    def user_hint(self) -> str:
        return "The generation service had an internal error. Please try again."


class GenerationFailedError(KieAPIError):
    """501: the generation itself failed."""

    @property
    def content_rejected(self) -> bool:
        return is_content_rejection(self.message)

    @property
    def user_hint(self) -> str:
        return "The generation failed. You can try again."


class FeatureDisabledError(KieAPIError):
    """505: the feature or model is disabled on Kie's side."""

    @property
    def user_hint(self) -> str:
        return "This model is temporarily unavailable."


class AlreadyExistsError(KieAPIError):
    """409: Suno already made the WAV of that track (API.md §12)."""

    @property
    def user_hint(self) -> str:
        return "This WAV already exists."


class MatchesExistingWorkError(KieAPIError):
    """413: the uploaded audio matches an existing work and may not be used (Suno, §12)."""

    @property
    def user_hint(self) -> str:
        return "The uploaded audio matches an existing work. Upload your own audio."


class InputUnreachableError(KieAPIError):
    """451: Kie could not download an input URL (an upload that expired or is unreachable)."""

    @property
    def user_hint(self) -> str:
        return "Kie could not open your file. Please send it again."


class MalformedLyricsError(KieAPIError):
    """531: Suno could not read the lyrics; Kie refunds its credits (§12)."""

    @property
    def user_hint(self) -> str:
        return "The lyrics could not be read. Please fix them and try again."


class UploadFailedError(KieAPIError):
    """The upload API answered ``success: false`` although its code did not say why."""


_BY_CODE: dict[int, type[KieAPIError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    402: InsufficientCreditsError,
    404: NotFoundError,
    408: UpstreamTimeoutError,
    409: AlreadyExistsError,
    413: MatchesExistingWorkError,
    422: InvalidParametersError,
    433: KeyLimitError,
    451: InputUnreachableError,
    455: MaintenanceError,
    500: ServerError,
    501: GenerationFailedError,
    505: FeatureDisabledError,
    531: MalformedLyricsError,
    550: QueueFullError,
}


def api_error(
    code: int, message: str, *, http_status: int | None = None, retry_after: float | None = None
) -> KieAPIError:
    """Build the error class that API.md §9 and §12 assign to ``code`` (generic if unknown)."""
    if code == 429:
        return RateLimitedError(code, message, http_status=http_status, retry_after=retry_after)
    cls = _BY_CODE.get(code, KieAPIError)
    return cls(code, message, http_status=http_status)
