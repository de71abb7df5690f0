"""The Kie.ai HTTP client: jobs API, credits, file upload and result download (API.md §3, 6, 7).

Every request goes through ``_call``, which applies the timeouts, logs the call without secrets and
turns transport failures and error envelopes into :mod:`trt_local.kie.errors`. Retries follow the
money rule of §11: ``createTask`` has no idempotency key, so it is repeated only when the request
provably never reached Kie, or after 429/455 (Kie rejected it without starting a task).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from trt_local.kie.calllog import log_api_call
from trt_local.kie.envelope import require_mapping, transport_error, unwrap
from trt_local.kie.errors import (
    KieAPIError,
    KieDownloadError,
    KieError,
    KieProtocolError,
    KieTransportError,
)
from trt_local.kie.families import HttpCall
from trt_local.kie.families import family as family_named
from trt_local.kie.limits import (
    CREATE_WINDOW_SECONDS,
    CREATES_PER_WINDOW,
    POLLS_PER_SECOND,
    Clock,
    Limiter,
    Sleep,
    SlidingWindowLimiter,
)
from trt_local.kie.records import Downloaded, TaskRecord, parse_credits
from trt_local.kie.retry import (
    CREATE_RETRY,
    STATUS_RETRY,
    Jitter,
    RetryPolicy,
    create_may_retry,
    full_jitter,
    idempotent_may_retry,
)
from trt_local.kie.transfer import fetch, normalize_upload_path
from trt_local.tls import client_context

logger = logging.getLogger("trt.kie")
DEFAULT_API_BASE = "https://api.kie.ai"
DEFAULT_UPLOAD_BASE = "https://kieai.redpandaai.co"

# §11: connect 10 s; JSON calls 30 s in total; uploads and downloads get longer.
JSON_SECONDS = 30.0
UPLOAD_SECONDS = 180.0
DOWNLOAD_SECONDS = 120.0
CONNECT_SECONDS = 10.0

CREDIT_PATH = "/api/v1/chat/credit"
DOWNLOAD_URL_PATH = "/api/v1/common/download-url"
STREAM_UPLOAD_PATH = "/api/file-stream-upload"

T = TypeVar("T")


class KieClient:
    """One client per Kie account; share it (and so its rate limiters) across the process."""

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        upload_base: str = DEFAULT_UPLOAD_BASE,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        create_limiter: Limiter | None = None,
        poll_limiter: Limiter | None = None,
        jitter: Jitter = full_jitter,
        create_retry: RetryPolicy = CREATE_RETRY,
        status_retry: RetryPolicy = STATUS_RETRY,
    ) -> None:
        if not api_key.strip():
            raise ValueError("the Kie API key is empty")
        self._key = api_key
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._create_retry = create_retry
        self._status_retry = status_retry
        self._create_limiter: Limiter = create_limiter or SlidingWindowLimiter(
            CREATES_PER_WINDOW, CREATE_WINDOW_SECONDS, clock=clock, sleep=sleep
        )
        self._poll_limiter: Limiter = poll_limiter or SlidingWindowLimiter(
            POLLS_PER_SECOND, 1.0, clock=clock, sleep=sleep
        )
        auth = {"Authorization": f"Bearer {api_key}"}
        # With a transport (the sandbox, tests) httpx opens no TLS: do not build the context.
        tls = client_context() if transport is None else True
        self._api = httpx.AsyncClient(
            base_url=api_base.rstrip("/"),
            headers=auth,
            timeout=httpx.Timeout(JSON_SECONDS, connect=CONNECT_SECONDS),
            transport=transport,
            verify=tls,
        )
        self._uploads = httpx.AsyncClient(
            base_url=upload_base.rstrip("/"),
            headers=auth,
            timeout=httpx.Timeout(UPLOAD_SECONDS, connect=CONNECT_SECONDS),
            transport=transport,
            verify=tls,
        )
        # No Authorization header here: result files sit on CDNs that must never see the key.
        self._files = httpx.AsyncClient(
            timeout=httpx.Timeout(DOWNLOAD_SECONDS, connect=CONNECT_SECONDS),
            transport=transport,
            verify=tls,
            follow_redirects=True,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools; safe to call twice."""
        for client in (self._api, self._uploads, self._files):
            await client.aclose()

    async def wait_create_slot(self) -> None:
        """Wait until the create budget admits one more request, and take that place.

        The caller then passes ``slot_taken=True`` to :meth:`create_task`, so it can record that
        the request is going out only once it really is (a job waiting here is still queued).
        """
        await self._create_limiter.acquire()

    async def create_task(
        self,
        model: str,
        input: Mapping[str, Any],
        callback_url: str | None = None,
        *,
        slot_taken: bool = False,
        family: str = "jobs",
    ) -> str:
        """Start a generation and return its task id (§3.1; other families §5).

        ``family`` is the catalog's ``endpoint`` of the model; every family answers with a task id
        that :meth:`record_info` with the same ``family`` understands.
        """
        adapter = family_named(family)
        call = adapter.create_call(model, input, callback_url)
        slot_ready = slot_taken

        async def attempt() -> str:
            nonlocal slot_ready
            if slot_ready:
                slot_ready = False  # the caller's place covers the first attempt only
            else:
                await self._create_limiter.acquire()
            data = await self._send(call, model=model)
            return adapter.task_id(data)

        task_id = await self._create_retry.run(
            "createTask", create_may_retry, attempt, sleep=self._sleep, jitter=self._jitter
        )
        logger.info("kie task %s created for model %s", task_id, model)
        return task_id

    async def record_info(self, task_id: str, *, family: str = "jobs") -> TaskRecord:
        """Read a task's state and, once finished, its results (§3.2; other families §5)."""
        adapter = family_named(family)
        call = adapter.status_call(task_id)

        async def attempt() -> TaskRecord:
            await self._poll_limiter.acquire()
            routine = call.path in adapter.routine_paths
            data = await self._send(call, task_id=task_id, routine=routine)
            return adapter.record(data, task_id=task_id)

        return await self._retry_idempotent("recordInfo", attempt)

    async def credits(self) -> Decimal:
        """The account's remaining Kie credits (§6.1)."""

        async def attempt() -> Decimal:
            return parse_credits(await self._call(self._api, "GET", CREDIT_PATH))

        return await self._retry_idempotent("credit", attempt)

    async def send_once(self, call: HttpCall) -> Any:
        """One read-only request outside the generation flow (catalog, price, status probe).

        No retry and no shared rate budget: the caller keeps its own (Kie allows the catalog
        endpoints 1 request/s together, §12). Returns the envelope's ``data`` or raises.
        """
        return await self._send(call)

    async def download_url(self, url: str) -> str:
        """A signed, 20-minute link for a Kie result URL that refuses direct downloads (§6.2)."""

        async def attempt() -> str:
            data = await self._call(self._api, "POST", DOWNLOAD_URL_PATH, json={"url": url})
            if isinstance(data, Mapping):  # the existing bot expected {"url": ...}
                data = data.get("url")
            if not isinstance(data, str) or not data:
                raise KieProtocolError("download-url answered without a URL")
            return data

        return await self._retry_idempotent("download-url", attempt)

    async def upload_file(
        self, data: bytes, *, file_name: str, mime_type: str, upload_path: str
    ) -> str:
        """Upload user media for a model input and return its URL (§7, stream upload)."""
        folder = normalize_upload_path(upload_path)

        async def attempt() -> str:
            payload = await self._call(
                self._uploads,
                "POST",
                STREAM_UPLOAD_PATH,
                files={"file": (file_name, data, mime_type)},
                data={"uploadPath": folder, "fileName": file_name},
                seconds=UPLOAD_SECONDS,
                require_success_flag=True,
            )
            info = require_mapping(payload, "upload")
            for key in ("downloadUrl", "fileUrl"):  # docs say downloadUrl; older notes fileUrl
                url = info.get(key)
                if isinstance(url, str) and url:
                    return url
            raise KieProtocolError("upload answered without downloadUrl or fileUrl")

        # Re-sending an upload under the same name overwrites it, so it is safe to retry.
        return await self._retry_idempotent("upload", attempt)

    async def download(self, url: str, *, max_bytes: int) -> Downloaded:
        """Fetch a result file, refusing files over ``max_bytes``; on 403 use a signed link."""
        try:
            return await self._download_retrying(url, max_bytes)
        except KieDownloadError as exc:
            if exc.status != 403:
                raise
        signed = await self.download_url(url)
        return await self._download_retrying(signed, max_bytes)

    async def _download_retrying(self, url: str, max_bytes: int) -> Downloaded:
        files, key, clock = self._files, self._key, self._clock
        return await self._retry_idempotent(
            "download",
            lambda: fetch(
                files, url, max_bytes=max_bytes, seconds=DOWNLOAD_SECONDS, secret=key, clock=clock
            ),
        )

    async def _send(
        self, call: HttpCall, *, task_id: str = "", model: str = "", routine: bool = False
    ) -> Any:
        """One family adapter's request to the API host (see :meth:`_call`)."""
        return await self._call(
            self._api,
            call.method,
            call.path,
            json=call.json,
            params=call.params or None,
            task_id=task_id,
            model=model,
            routine=routine,
        )

    async def _call(
        self,
        client: httpx.AsyncClient,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, str] | None = None,
        seconds: float = JSON_SECONDS,
        require_success_flag: bool = False,
        task_id: str = "",
        model: str = "",
        routine: bool = False,
    ) -> Any:
        """Send one request and return the envelope's ``data``, or raise a ``KieError``."""
        started = self._clock()
        status: int | None = None
        failure: KieError | None
        try:
            try:
                async with asyncio.timeout(seconds):
                    response = await client.request(
                        method, path, json=json, params=params, files=files, data=data
                    )
            except httpx.RequestError as exc:
                raise transport_error(exc, secret=self._key) from None
            except TimeoutError:
                raise KieTransportError(f"no answer within {seconds:.0f} s", reached=True) from None
            status = response.status_code
            result = unwrap(
                status,
                response.headers,
                response.content,
                secret=self._key,
                require_success_flag=require_success_flag,
            )
        except (KieTransportError, KieAPIError, KieProtocolError) as exc:
            failure = exc
        else:
            failure = None
        # Polls are frequent and routine: their successes are logged at DEBUG only.
        log_api_call(
            method,
            path,
            status=status,
            seconds=self._clock() - started,
            task_id=task_id,
            model=model,
            error=failure,
            routine=routine,
        )
        if failure is not None:
            raise failure
        return result

    async def _retry_idempotent(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        return await self._status_retry.run(
            what, idempotent_may_retry, attempt, sleep=self._sleep, jitter=self._jitter
        )
