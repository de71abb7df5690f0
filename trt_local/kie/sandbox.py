"""An offline Kie.ai: an httpx transport that implements the Kie HTTP API and serves real files.

``KieClient(key, transport=KieSandbox())`` runs the real client against it, so the demo, the
``--sandbox`` mode and the end-to-end tests exercise every code path of the client. It speaks the
jobs API (createTask, recordInfo), credits, download-url, stream and Base64 uploads, and serves
the result files it renders (``https://sandbox.kie.invalid/files/<task>/<n>.<ext>``, or under the
``files_base`` given: :mod:`trt_local.kie.sandbox_server` points it at itself) and the files
uploaded to it. Time comes from an injected clock; nothing sleeps.

It also answers Kie's catalog and price endpoints with the packaged catalog (``catalog``:
:mod:`trt_local.kie.sandbox_catalog`, with its own switches for a model gone or repriced).

Tests steer it with switches: ``fail_next`` (one error answer for an operation), ``fail_tasks`` and
``hang_tasks`` (how new tasks end), ``oversize_results`` (new tasks' files are huge),
``connect_error_next`` (request provably not sent) and ``drop_response_next`` (processed, then the
answer is lost); and they read what it saw in ``created``, ``uploads`` and ``requests``.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args

import httpx

from trt_local.kie import sandbox_families
from trt_local.kie.redact import strip_query
from trt_local.kie.sandbox_account import (
    SandboxAccount,
    SandboxCreate,
    SandboxUpload,
    append_capped,
    task_of_file,
)
from trt_local.kie.sandbox_catalog import SandboxCatalog, is_catalog_path, price_model
from trt_local.kie.sandbox_http import SandboxReject, envelope
from trt_local.kie.sandbox_media import OutputKind
from trt_local.kie.sandbox_media import output_kind_for as default_output_kind
from trt_local.kie.sandbox_tasks import Outcome

Operation = Literal[
    "create", "record", "upload", "credit", "download_url", "download", "catalog", "price"
]
OPERATIONS: frozenset[str] = frozenset(get_args(Operation))
FILES_BASE = "https://sandbox.kie.invalid"

_DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "You do not have access permissions",
    402: "Credits insufficient",
    404: "Not found",
    408: "Upstream timeout",
    422: "Validation error",
    429: "Rate limit exceeded",
    433: "Sub-key usage exceeds the limit",
    455: "Service under maintenance",
    500: "Internal server error",
    501: "Generation failed",
    505: "Feature disabled",
}


@dataclass(frozen=True, slots=True)
class SandboxRequest:
    """A request that reached the sandbox (URL without its query string)."""

    method: str
    url: str


@dataclass(frozen=True, slots=True)
class _Fault:
    code: int
    message: str
    http_status: int | None
    retry_after: float | None


def _operation(request: httpx.Request) -> Operation | None:
    method, path = request.method, request.url.path
    if method == "GET" and path.startswith(("/files/", "/uploads/")):
        return "download"
    if method == "GET" and is_catalog_path(path):
        return "catalog"
    if method == "GET" and price_model(path) is not None:
        return "price"
    family_route = sandbox_families.route(method, path)
    if family_route is not None:
        return "create" if family_route[0] == "create" else "record"
    routes: dict[tuple[str, str], Operation] = {
        ("GET", "/api/v1/chat/credit"): "credit",
        ("POST", "/api/v1/common/download-url"): "download_url",
        ("POST", "/api/file-stream-upload"): "upload",
        ("POST", "/api/file-base64-upload"): "upload",
    }
    for (route_method, suffix), operation in routes.items():
        if method == route_method and path.endswith(suffix):
            return operation
    return None


def _take(pending: deque[str | None], operation: str | None) -> bool:
    """Consume the first pending switch that applies to ``operation`` (None = any operation)."""
    for index, wanted in enumerate(pending):
        if wanted is None or wanted == operation:
            del pending[index]
            return True
    return False


class KieSandbox(httpx.AsyncBaseTransport):
    """The Kie HTTP API simulated in-process (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        speed: float = 1.0,
        credits: Decimal = Decimal("1000"),
        seed: int = 0,
        output_kind_for: Callable[[str], OutputKind] | None = None,
        files_base: str = FILES_BASE,
    ) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.account = SandboxAccount(
            clock=clock,
            speed=speed,
            credits=credits,
            seed=seed,
            output_kind_for=output_kind_for or default_output_kind,
            next_outcome=self._next_outcome,
            files_base=files_base.rstrip("/"),
        )
        self.catalog = SandboxCatalog()  # Kie's catalog and price endpoints (§12)
        self.requests: list[SandboxRequest] = []
        self._faults: dict[str, deque[_Fault]] = {name: deque() for name in OPERATIONS}
        self._connect_errors: deque[str | None] = deque()
        self._drops: deque[str | None] = deque()
        self._fail_outcome: Outcome | None = None
        self._fail_left: int | None = None
        self._hang_left: int | None = None
        self._hanging = False
        self._images: int | None = None
        self._oversize: int | None = None
        self._oversize_left: int | None = None

    # -- what the sandbox saw -------------------------------------------------------------------

    @property
    def created(self) -> list[SandboxCreate]:
        """Tasks accepted so far, in order."""
        return self.account.created

    @property
    def uploads(self) -> list[SandboxUpload]:
        """Files uploaded so far, in order."""
        return self.account.uploads

    @property
    def credits(self) -> Decimal:
        """The simulated account's remaining credits."""
        return self.account.credits

    @credits.setter
    def credits(self, value: Decimal) -> None:
        self.account.credits = value

    @property
    def files_base(self) -> str:
        """Where result and upload URLs point: a server in front of the sandbox sets its own."""
        return self.account.files_base

    @files_base.setter
    def files_base(self, value: str) -> None:
        self.account.files_base = value.rstrip("/")

    def state_of(self, task_id: str) -> str:
        """The state a poll would report for ``task_id`` now."""
        return self.account.tasks[task_id].state_at(self.account.clock())

    # -- switches -------------------------------------------------------------------------------

    def fail_next(
        self,
        operation: Operation,
        code: int,
        *,
        message: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` ``operation`` requests with error ``code``.

        By default the error is in the body under HTTP 200 (Kie's documented style); pass
        ``http_status`` to fail at the HTTP level instead. Downloads always fail at HTTP level.
        """
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}; use one of {sorted(OPERATIONS)}")
        text = message if message is not None else _DEFAULT_MESSAGES.get(code, "Error")
        for _ in range(times):
            self._faults[operation].append(_Fault(code, text, http_status, retry_after))

    def fail_tasks(
        self, fail_code: str = "500", fail_msg: str = "Internal error", *, count: int | None = None
    ) -> None:
        """New tasks end in state ``fail``: the next ``count`` of them, or all until reset."""
        self._fail_outcome = Outcome(fail_code=fail_code, fail_msg=fail_msg)
        self._fail_left = count

    def hang_tasks(self, *, count: int | None = None) -> None:
        """New tasks never finish: the next ``count`` of them, or all until reset."""
        self._hanging = True
        self._hang_left = count

    def oversize_results(self, size: int = 60 * 1024 * 1024, *, count: int | None = None) -> None:
        """New tasks' result files weigh ``size`` bytes (by default over Telegram's 50 MB upload
        limit): the next ``count`` tasks, or all until reset. The size is declared in
        Content-Length and the body is streamed, so nothing that size is held in memory."""
        if size < 1:
            raise ValueError("size must be positive")
        self._oversize = size
        self._oversize_left = count

    def connect_error_next(self, n: int = 1, *, operation: Operation | None = None) -> None:
        """The next ``n`` requests (of ``operation``, or any) fail with ``httpx.ConnectError``."""
        self._connect_errors.extend([operation] * n)

    def drop_response_next(self, n: int = 1, *, operation: Operation | None = None) -> None:
        """The next ``n`` requests are processed, then fail with ``httpx.ReadTimeout``."""
        self._drops.extend([operation] * n)

    def result_images(self, count: int | None) -> None:
        """Image tasks created from now on return ``count`` files (None: as many as asked).

        More than an album holds (10) makes a result that is delivered in several parts.
        """
        if count is not None and count < 1:
            raise ValueError("count must be >= 1")
        self._images = count

    def reset_faults(self) -> None:
        """Clear every pending switch; tasks already created keep their fate."""
        for queue in self._faults.values():
            queue.clear()
        self._connect_errors.clear()
        self._drops.clear()
        self._fail_outcome = self._fail_left = self._hang_left = None
        self._oversize = self._oversize_left = None
        self._hanging = False

    def _next_outcome(self) -> Outcome:
        outcome = self._ending()
        if self._images is not None:
            outcome = dataclasses.replace(outcome, images=self._images)
        if self._oversize is not None:
            outcome = dataclasses.replace(outcome, file_size=self._oversize)
            if self._oversize_left is not None:
                self._oversize_left -= 1
                if self._oversize_left <= 0:
                    self._oversize = self._oversize_left = None
        return outcome

    def _ending(self) -> Outcome:
        if self._hanging:
            if self._hang_left is not None:
                self._hang_left -= 1
                self._hanging = self._hang_left > 0
            return Outcome(hang=True)
        outcome = self._fail_outcome
        if outcome is None:
            return Outcome()
        if self._fail_left is not None:
            self._fail_left -= 1
            if self._fail_left <= 0:
                self._fail_outcome = None
        return outcome

    # -- the transport --------------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        operation = _operation(request)
        if _take(self._connect_errors, operation):
            raise httpx.ConnectError("sandbox: connection refused", request=request)
        content = await request.aread()
        append_capped(self.requests, SandboxRequest(request.method, strip_query(str(request.url))))
        if operation == "record":
            await self.account.render_pending(request.url.params.get("taskId", ""))
        elif operation == "download":
            await self.account.render_pending(task_of_file(request.url.path)[0])
        try:
            response = self._respond(operation, request, content)
        except SandboxReject as reject:
            response = envelope(
                code=reject.code, msg=reject.message, http_status=reject.http_status
            )
        if _take(self._drops, operation):
            raise httpx.ReadTimeout("sandbox: response lost", request=request)
        return response

    def _respond(
        self, operation: Operation | None, request: httpx.Request, content: bytes
    ) -> httpx.Response:
        if operation is None:
            return envelope(code=404, msg="Not found", http_status=404)
        if operation != "download":
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme != "Bearer" or not token.strip():
                raise SandboxReject(401, _DEFAULT_MESSAGES[401])
        if self._faults[operation]:
            return self._fault_response(operation, self._faults[operation].popleft())
        account = self.account
        handlers: dict[Operation, Callable[[httpx.Request, bytes], httpx.Response]] = {
            "create": account.create,
            "record": account.record,
            "credit": account.credit,
            "download_url": account.download_url,
            "upload": account.upload,
            "download": account.serve,
            "catalog": self.catalog.listing,
            "price": self.catalog.price,
        }
        return handlers[operation](request, content)

    @staticmethod
    def _fault_response(operation: Operation, fault: _Fault) -> httpx.Response:
        headers: dict[str, Any] = {}
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        if operation == "download":
            return httpx.Response(fault.http_status or fault.code, text=fault.message)
        return envelope(
            code=fault.code,
            msg=fault.message,
            http_status=fault.http_status or 200,
            headers=headers,
            success=False if operation == "upload" else None,
        )
