"""The simulated Kie account behind the sandbox transport: tasks, credits, uploads and files.

Each handler takes the request and its body and returns the HTTP response Kie would send; invalid
input raises :class:`SandboxReject`, which the transport turns into an error envelope.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import mimetypes
import random
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from trt_local.kie.sandbox_families import SANDBOX_FAMILIES, route, status_family
from trt_local.kie.sandbox_family_base import SandboxFamily
from trt_local.kie.sandbox_http import SandboxReject, envelope, json_body, parse_multipart
from trt_local.kie.sandbox_media import MediaFile, OutputKind
from trt_local.kie.sandbox_tasks import COST, TYPICAL_SECONDS, Outcome, SandboxTask

# A sandbox can run for days under ``trt run --sandbox``: keep only recent history in memory.
HISTORY_LIMIT = 2_000


def append_capped(items: list[Any], item: Any, limit: int = HISTORY_LIMIT) -> None:
    """Append ``item`` and drop the oldest entries beyond ``limit``."""
    items.append(item)
    if len(items) > limit:
        del items[: len(items) - limit]


@dataclass(frozen=True, slots=True)
class SandboxCreate:
    """A task the sandbox accepted."""

    task_id: str
    model: str
    input: dict[str, Any]
    callback_url: str | None


@dataclass(frozen=True, slots=True)
class SandboxUpload:
    """A file uploaded to the sandbox."""

    file_name: str
    content: bytes
    upload_path: str
    mime_type: str
    url: str


class SandboxAccount:
    """State and request handlers of one simulated Kie account."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        speed: float,
        credits: Decimal,
        seed: int,
        output_kind_for: Callable[[str], OutputKind],
        next_outcome: Callable[[], Outcome],
        files_base: str,
    ) -> None:
        self.clock = clock
        self.speed = speed
        self.credits = credits
        self.seed = seed
        self.files_base = files_base
        self._rng = random.Random(seed)
        self._kind_for = output_kind_for
        self._next_outcome = next_outcome
        # Kie reports wall-clock milliseconds; anchor the (possibly fake) clock once.
        self._epoch = datetime.now(UTC).timestamp() - clock()
        self.tasks: dict[str, SandboxTask] = {}
        self.created: list[SandboxCreate] = []
        self.uploads: list[SandboxUpload] = []
        self._uploaded: dict[str, MediaFile] = {}

    def result_url(self, task_id: str, n: int, ext: str) -> str:
        return f"{self.files_base}/files/{task_id}/{n}.{ext}"

    # -- jobs -----------------------------------------------------------------------------------

    def create(self, request: httpx.Request, content: bytes) -> httpx.Response:
        family = self._family(request)
        body = family.read_create(json_body(content))
        model, params, callback = body.model, body.input, body.callback_url
        kind = family.kind or self._kind_for(model)
        if self.credits < COST[kind]:
            raise SandboxReject(402, "Credits insufficient")
        self.credits -= COST[kind]
        task_id = f"sbx{len(self.tasks) + 1:05d}{self._rng.getrandbits(40):010x}"
        duration = TYPICAL_SECONDS[kind] * self.speed * self._rng.uniform(0.8, 1.2)
        self.tasks[task_id] = SandboxTask(
            task_id=task_id,
            model=model,
            input=params,
            callback_url=callback,
            kind=kind,
            created_at=self.clock(),
            duration=duration,
            outcome=self._next_outcome(),
            seed=self.seed,
            family=family.name,
            render=family.render,
        )
        if len(self.tasks) > HISTORY_LIMIT:
            del self.tasks[next(iter(self.tasks))]  # like Kie, forget old tasks eventually
        append_capped(self.created, SandboxCreate(task_id, model, params, callback))
        return envelope({"taskId": task_id})

    @staticmethod
    def _family(request: httpx.Request) -> SandboxFamily:
        found = route(request.method, request.url.path)
        return found[1] if found is not None else SANDBOX_FAMILIES["jobs"]

    async def render_pending(self, task_id: str) -> None:
        """Draw a just-finished task's files in a thread, so the event loop never stalls on it."""
        task = self.tasks.get(task_id)
        if task is not None and task.files is None and task.state_at(self.clock()) == "success":
            await asyncio.to_thread(task.ensure_files)

    def record(self, request: httpx.Request, content: bytes) -> httpx.Response:
        task_id = request.url.params.get("taskId", "")
        if not task_id:
            raise SandboxReject(400, "taskId parameter is required")
        task = self.tasks.get(task_id)
        family = status_family(self._family(request), task.family) if task is not None else None
        if task is None or family is None:
            raise SandboxReject(404, "Task not found")
        data = family.encode(
            task, self.clock(), self._epoch, lambda n, ext: self.result_url(task_id, n, ext)
        )
        return envelope(data)

    # -- common ---------------------------------------------------------------------------------

    def credit(self, request: httpx.Request, content: bytes) -> httpx.Response:
        whole = self.credits == self.credits.to_integral_value()
        return envelope(int(self.credits) if whole else float(self.credits))

    def download_url(self, request: httpx.Request, content: bytes) -> httpx.Response:
        url = json_body(content).get("url")
        if not isinstance(url, str) or not url.startswith(self.files_base + "/"):
            raise SandboxReject(422, "Only Kie-generated file URLs are supported")
        expires = int(self._epoch + self.clock()) + 20 * 60
        return envelope(f"{url}?expires={expires}&sig={self._rng.getrandbits(64):016x}")

    # -- files ----------------------------------------------------------------------------------

    def upload(self, request: httpx.Request, content: bytes) -> httpx.Response:
        if request.url.path.endswith("/file-base64-upload"):
            data, mime, folder, name = self._base64_upload(content)
        else:
            data, mime, folder, name = self._stream_upload(request, content)
        folder = folder.strip().strip("/")
        if not folder:
            raise SandboxReject(400, "Missing required parameter: uploadPath")
        name = name or f"{uuid.UUID(int=self._rng.getrandbits(128)).hex}.bin"
        key = f"/uploads/{folder}/{name}"
        self._uploaded[key] = MediaFile(data, mime, name.rpartition(".")[2])
        if len(self._uploaded) > HISTORY_LIMIT:
            del self._uploaded[next(iter(self._uploaded))]
        url = self.files_base + key
        append_capped(self.uploads, SandboxUpload(name, data, folder, mime, url))
        uploaded_at = datetime.fromtimestamp(self._epoch + self.clock(), UTC)
        info = {
            "fileName": name,
            "filePath": f"{folder}/{name}",
            "downloadUrl": url,
            "fileSize": len(data),
            "mimeType": mime,
            "uploadedAt": uploaded_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        return envelope(info, msg="File uploaded successfully", success=True)

    def _stream_upload(self, request: httpx.Request, content: bytes) -> tuple[bytes, str, str, str]:
        parts = parse_multipart(request.headers.get("content-type", ""), content)
        file = parts.get("file")
        if file is None:
            raise SandboxReject(400, "Missing required parameter: file")
        folder = parts["uploadPath"].data.decode() if "uploadPath" in parts else ""
        name = parts["fileName"].data.decode() if "fileName" in parts else file.filename or ""
        mime = file.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return file.data, mime, folder, name

    def _base64_upload(self, content: bytes) -> tuple[bytes, str, str, str]:
        body = json_body(content)
        raw, folder, name = body.get("base64Data"), body.get("uploadPath"), body.get("fileName")
        if not isinstance(raw, str) or not raw:
            raise SandboxReject(400, "Missing required parameter: base64Data")
        mime = ""
        if raw.startswith("data:"):
            header, _, raw = raw.partition(",")
            mime = header.removeprefix("data:").split(";", 1)[0]
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise SandboxReject(400, "Invalid base64 data") from None
        name = name if isinstance(name, str) else ""
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return data, mime, folder if isinstance(folder, str) else "", name

    def serve(self, request: httpx.Request, content: bytes) -> httpx.Response:
        path = request.url.path
        media = self._find_file(path)
        if media is None:
            return httpx.Response(404, text="Not Found")
        task = None if path.startswith("/uploads/") else self.tasks.get(task_of_file(path)[0])
        size = task.outcome.file_size if task is not None else None
        if size is not None:
            headers = {"content-type": media.content_type, "content-length": str(size)}
            return httpx.Response(200, content=_padded(media.content, size), headers=headers)
        return httpx.Response(
            200, content=media.content, headers={"content-type": media.content_type}
        )

    def _find_file(self, path: str) -> MediaFile | None:
        if path.startswith("/uploads/"):
            return self._uploaded.get(path)
        task_id, file_name = task_of_file(path)
        task = self.tasks.get(task_id)
        stem = file_name.partition(".")[0]
        if task is None or not stem.isdigit() or task.state_at(self.clock()) != "success":
            return None
        files = task.ensure_files()
        index = int(stem) - 1
        return files[index] if 0 <= index < len(files) else None


async def _padded(head: bytes, size: int) -> AsyncIterator[bytes]:
    """``head`` then zeros up to ``size`` bytes, a megabyte at a time (an oversized result)."""
    head = head[:size]
    yield head
    left = size - len(head)
    chunk = bytes(min(left, 1 << 20))
    while left > 0:
        yield chunk[:left]
        left -= len(chunk)


def task_of_file(path: str) -> tuple[str, str]:
    """Split ``/files/<task>/<n>.<ext>`` into the task id and the file name."""
    _, _, rest = path.partition("/files/")
    task_id, _, file_name = rest.partition("/")
    return task_id, file_name
