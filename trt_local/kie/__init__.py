"""Kie.ai access: the HTTP client, its errors and records, and the offline sandbox.

``KieClient`` talks to Kie (or, given ``transport=KieSandbox()``, to the in-process simulator;
``KieSandboxServer`` serves that simulator on 127.0.0.1 for a bot in another process).
This package may import ``trt_local.core`` and httpx, never telegram, textual or aiosqlite.
"""

from trt_local.kie.client import DEFAULT_API_BASE, DEFAULT_UPLOAD_BASE, KieClient
from trt_local.kie.errors import (
    AlreadyExistsError,
    BadRequestError,
    DownloadTooLargeError,
    FeatureDisabledError,
    GenerationFailedError,
    InputUnreachableError,
    InsufficientCreditsError,
    InvalidParametersError,
    KeyLimitError,
    KieAPIError,
    KieBusyError,
    KieDownloadError,
    KieError,
    KieProtocolError,
    KieTransportError,
    MaintenanceError,
    MalformedLyricsError,
    MatchesExistingWorkError,
    NotFoundError,
    QueueFullError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    UploadFailedError,
    UpstreamTimeoutError,
)
from trt_local.kie.limits import Limiter, SlidingWindowLimiter
from trt_local.kie.records import Downloaded, ResultItem, TaskRecord
from trt_local.kie.retry import RetryPolicy
from trt_local.kie.sandbox import KieSandbox, SandboxRequest
from trt_local.kie.sandbox_account import SandboxCreate, SandboxUpload
from trt_local.kie.sandbox_media import OutputKind, output_kind_for
from trt_local.kie.sandbox_server import KieSandboxServer
from trt_local.kie.transfer import unique_upload_name

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_UPLOAD_BASE",
    "AlreadyExistsError",
    "BadRequestError",
    "DownloadTooLargeError",
    "Downloaded",
    "FeatureDisabledError",
    "GenerationFailedError",
    "InputUnreachableError",
    "InsufficientCreditsError",
    "InvalidParametersError",
    "KeyLimitError",
    "KieAPIError",
    "KieBusyError",
    "KieClient",
    "KieDownloadError",
    "KieError",
    "KieProtocolError",
    "KieSandbox",
    "KieSandboxServer",
    "KieTransportError",
    "Limiter",
    "MaintenanceError",
    "MalformedLyricsError",
    "MatchesExistingWorkError",
    "NotFoundError",
    "OutputKind",
    "QueueFullError",
    "RateLimitedError",
    "ResultItem",
    "RetryPolicy",
    "SandboxCreate",
    "SandboxRequest",
    "SandboxUpload",
    "ServerError",
    "SlidingWindowLimiter",
    "TaskRecord",
    "UnauthorizedError",
    "UploadFailedError",
    "UpstreamTimeoutError",
    "output_kind_for",
    "unique_upload_name",
]
