"""Delivering a finished job: download every result at once, send it part by part, record each.

Kie's URLs expire, so all files are downloaded together as soon as the job succeeds; a file over
50 MB is not downloaded but passed as a link (``too_big``). The downloaded files are kept in
memory until the bot accepts them, so a failed send (Telegram down) is retried with backoff
without downloading again.

A result goes out in parts (an album of up to 10 images, or one file), and each part is recorded
in the job (``result.parts_sent`` and its file ids) before the next is sent; the last part's
record marks the job ``delivered``. A failure or crash therefore repeats at most the part that
was in flight when it happened, never the parts before it. The "done" edit of the status message
comes after, through the notices queue: best effort, it can never cause a second send.

A track (a result with ``items`` in ``jobs.result``: Suno) is a part of its own, sent as audio with
its title, length and cover; the cover is the thumbnail only when it fits Telegram's rules (a JPEG
under 200 kB, at most 320×320), else the track goes without one — a cover never fails a delivery.

A download that fails for good (404, expired, or still failing after the retries) fails the job
with ``no_result`` and refunds it. A send that keeps failing is parked after the retries (the
admins are alerted; the dashboard's "retry delivery" or the next start tries again).
"""

from __future__ import annotations

import asyncio
import io
import logging
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import imagesize

from trt_local.core import crashpoints
from trt_local.core.crashpoints import crash_point
from trt_local.core.jobs import JobStatus, OutputKind
from trt_local.kie.client import KieClient
from trt_local.kie.errors import DownloadTooLargeError, KieDownloadError, KieError
from trt_local.kie.redact import strip_query
from trt_local.services.job_views import result_text, result_urls, to_view
from trt_local.services.notices import Notices
from trt_local.services.ports import (
    MAX_UPLOAD_BYTES,
    AdminAlert,
    AlertCode,
    DeliveryError,
    FailureReason,
    Notifier,
    RecipientGone,
    ResultFile,
)
from trt_local.services.settlement import Settlement
from trt_local.storage.jobs import JobRecord, JobsRepo, dump_json

log = logging.getLogger("trt.engine")

MAX_DELIVERY_ATTEMPTS = 8
ALBUM_MAX = 10  # Telegram's media group holds 2 to 10 items
TEXT_PART_CHARS = 4000  # one message each (Telegram's limit is 4096, escaping needs room)
RETRY_BASE_S = 5.0
RETRY_CAP_S = 600.0
THUMBNAIL_MAX_BYTES = 200 * 1024
THUMBNAIL_MAX_SIDE = 320
_MIME_KINDS = {"image": OutputKind.IMAGE, "video": OutputKind.VIDEO, "audio": OutputKind.AUDIO}


def kind_of(mime_type: str, default: OutputKind) -> OutputKind:
    return _MIME_KINDS.get(mime_type.split("/", 1)[0], default)


def image_size(content: bytes) -> tuple[int | None, int | None]:
    width, height = imagesize.get(io.BytesIO(content))
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        return None, None
    return width, height


def fits_thumbnail(content: bytes) -> bool:
    """Telegram's thumbnail rules (Bot API sendAudio ``thumbnail``): a JPEG under 200 kB whose
    width and height do not exceed 320. Anything else is sent without one rather than refused."""
    if len(content) > THUMBNAIL_MAX_BYTES or not content.startswith(b"\xff\xd8"):
        return False
    width, height = image_size(content)
    return width is not None and height is not None and max(width, height) <= THUMBNAIL_MAX_SIDE


def result_items(record: JobRecord) -> dict[str, Mapping[str, Any]]:
    """The job's per-result details (title, cover, length) by result URL; empty for most models."""
    items = record.result.get("items")
    if not isinstance(items, list):
        return {}
    return {
        item["url"]: item
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("url"), str)
    }


def split_parts(files: list[ResultFile]) -> list[list[ResultFile]]:
    """The sends of one result: several images as albums of up to 10, a long text in messages of
    up to 4000 characters, anything else alone."""
    images = [f for f in files if f.kind is OutputKind.IMAGE and f.content is not None]
    chosen = {id(f) for f in images} if len(images) > 1 else set()
    parts = [images[start : start + ALBUM_MAX] for start in range(0, len(chosen), ALBUM_MAX)]
    for file in files:
        if id(file) in chosen:
            continue
        if file.text is not None and len(file.text) > TEXT_PART_CHARS:
            parts.extend([replace(file, text=chunk)] for chunk in _chunks(file.text))
        else:
            parts.append([file])
    return parts


def _chunks(text: str) -> list[str]:
    return [text[start : start + TEXT_PART_CHARS] for start in range(0, len(text), TEXT_PART_CHARS)]


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, KieDownloadError) and exc.status in (408, 429):
        return True
    return isinstance(exc, KieError) and exc.retryable


class _DownloadFailed(Exception):
    def __init__(self, detail: str, *, transient: bool) -> None:
        super().__init__(detail)
        self.transient = transient


class Delivery:
    def __init__(
        self,
        jobs: JobsRepo,
        kie: KieClient,
        notifier: Notifier,
        notices: Notices,
        settlement: Settlement,
        *,
        clock: Callable[[], float],
        max_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        self._jobs = jobs
        self._kie = kie
        self._notifier = notifier
        self._notices = notices
        self._settlement = settlement
        self._clock = clock
        self._max_bytes = max_bytes
        self._ready: dict[int, list[ResultFile]] = {}  # downloaded, not yet all accepted

    async def deliver(self, record: JobRecord) -> None:
        """Download (once) and send one succeeded job's results, the parts not sent yet."""
        files = self._ready.get(record.id)
        if files is None:
            try:
                files = await self._fetch(record)
            except _DownloadFailed as exc:
                if exc.transient and record.delivery_attempts + 1 < MAX_DELIVERY_ATTEMPTS:
                    await self._retry_later(record, f"download: {exc}")
                else:
                    await self._settlement.fail_and_refund(
                        record.id, FailureReason.NO_RESULT, f"download: {exc}"
                    )
                return
            self._ready[record.id] = files
            crash_point(crashpoints.AFTER_DOWNLOAD)
        parts = split_parts(files)
        view = to_view(record)
        file_ids = [str(fid) for fid in record.result.get("file_ids", ())]
        for index in range(int(record.result.get("parts_sent", 0)), len(parts)):
            try:
                file_ids.extend(await self._notifier.send_part(view, parts[index]))
            except RecipientGone:
                log.info("user of job %s cannot be reached; the result stays in history", record.id)
                await self._record(record, len(parts), file_ids, delivered=True)
                return
            except DeliveryError as exc:
                await self._send_failed(record, str(exc), exc.retry_after)
                return
            except Exception as exc:
                # The bot's code behind the port: whatever it raised, the result is still ours to
                # deliver, so it is logged with its traceback and retried like a failed send.
                log.exception("job %s: the notifier raised while delivering", record.id)
                await self._send_failed(record, f"{type(exc).__name__}: {exc}")
                return
            last = index == len(parts) - 1
            if last:
                crash_point(crashpoints.AFTER_LAST_FILE)
            if not await self._record(record, index + 1, file_ids, delivered=last):
                # An admin failed and refunded it during the send: the user got it for free.
                log.warning("job %s was failed while its result was being sent", record.id)
                return
            if not last:
                crash_point(crashpoints.BETWEEN_FILES)
        log.info("job %s delivered (%d file(s), %d part(s))", record.id, len(files), len(parts))
        self._notices.done(view)

    async def _record(
        self, record: JobRecord, parts_sent: int, file_ids: list[str], *, delivered: bool
    ) -> bool:
        """Write what has been sent; the last part also marks the job delivered."""
        now = self._clock()
        result = {**record.result, "parts_sent": parts_sent, "file_ids": file_ids}
        extra: dict[str, object] = {}
        if delivered:
            self._ready.pop(record.id, None)
            extra = {
                "status": JobStatus.DELIVERED.value,
                "delivered_at": now,
                "next_poll_at": None,
            }
        moved = await self._jobs.update(
            record.id,
            expect=(JobStatus.SUCCEEDED,),
            now=now,
            result=dump_json(result),
            **extra,
        )
        if not moved:
            self._ready.pop(record.id, None)
        return moved

    async def _fetch(self, record: JobRecord) -> list[ResultFile]:
        files: list[ResultFile] = []
        text = result_text(record)
        if text is not None:
            files.append(
                ResultFile(
                    kind=OutputKind.TEXT,
                    content=text.encode("utf-8"),
                    url="",
                    file_name="result.txt",
                    mime_type="text/plain",
                    text=text,
                )
            )
        urls = result_urls(record)
        items = result_items(record)
        # All at once: the URLs expire, and one slow file must not delay fetching the others.
        outcomes = await asyncio.gather(
            *(self._download(url, record.output, items.get(url)) for url in urls),
            return_exceptions=True,
        )
        problems = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        for problem in problems:
            if not isinstance(problem, KieError):
                raise problem
        if problems:
            transient = all(_transient(problem) for problem in problems)
            raise _DownloadFailed(
                f"{type(problems[0]).__name__}: {problems[0]}", transient=transient
            )
        files.extend(outcome for outcome in outcomes if isinstance(outcome, ResultFile))
        if not files:
            raise _DownloadFailed("the result has neither files nor text", transient=False)
        return files

    async def _download(
        self, url: str, default: OutputKind, item: Mapping[str, Any] | None = None
    ) -> ResultFile:
        if item is not None:  # a track: its cover is fetched beside it
            file, thumbnail = await asyncio.gather(
                self._download(url, default), self._cover(item.get("cover_url"))
            )
            title, seconds = item.get("title"), item.get("duration_s")
            return replace(
                file,
                title=title if isinstance(title, str) else "",
                duration_s=float(seconds) if isinstance(seconds, int | float) else None,
                thumbnail=thumbnail,
            )
        try:
            got = await self._kie.download(url, max_bytes=self._max_bytes)
        except DownloadTooLargeError:
            name = urlsplit(url).path.rsplit("/", 1)[-1] or "result"
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return ResultFile(kind_of(mime, default), None, url, name, mime, too_big=True)
        kind = kind_of(got.content_type, default)
        width, height = image_size(got.content) if kind is OutputKind.IMAGE else (None, None)
        return ResultFile(kind, got.content, url, got.file_name, got.content_type, width, height)

    async def _cover(self, url: object) -> bytes | None:
        """A track's cover as its thumbnail, or None: a cover never holds its track back."""
        if not isinstance(url, str) or not url:
            return None
        try:
            got = await self._kie.download(url, max_bytes=THUMBNAIL_MAX_BYTES)
        except KieError as exc:
            log.info("cover %s not used as a thumbnail: %s", strip_query(url), exc)
            return None
        if not fits_thumbnail(got.content):
            log.info("cover %s is not a thumbnail Telegram takes; sent without", strip_query(url))
            return None
        return got.content

    async def _send_failed(
        self, record: JobRecord, detail: str, retry_after: float | None = None
    ) -> None:
        attempts = record.delivery_attempts + 1
        if attempts < MAX_DELIVERY_ATTEMPTS:
            await self._retry_later(record, f"send: {detail}", at_least=retry_after)
            return
        # Parked: no more automatic tries until an admin retries or the bot restarts.
        self._ready.pop(record.id, None)
        await self._jobs.update(
            record.id,
            expect=(JobStatus.SUCCEEDED,),
            now=self._clock(),
            delivery_attempts=attempts,
            next_poll_at=None,
        )
        alert = AdminAlert(
            AlertCode.DELIVERY_STUCK,
            f"job {record.id} (user {record.user_id}) could not be sent after {attempts} "
            f"attempts: {detail[:300]}",
        )
        log.error("%s", alert.detail)
        self._notices.alert(alert)

    async def _retry_later(
        self, record: JobRecord, detail: str, *, at_least: float | None = None
    ) -> None:
        attempts = record.delivery_attempts + 1
        delay = max(min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (attempts - 1)), at_least or 0.0)
        log.warning(
            "job %s: delivery attempt %d failed (%s); retry in %.0f s",
            record.id,
            attempts,
            detail,
            delay,
        )
        await self._jobs.update(
            record.id,
            expect=(JobStatus.SUCCEEDED,),
            now=self._clock(),
            delivery_attempts=attempts,
            next_poll_at=self._clock() + delay,
        )
