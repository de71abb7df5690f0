"""The Telegram side of the engine's Notifier port: status edits, result delivery, alerts.

Status edits are paced to one per 3 s per chat (Telegram's per-chat limit is about 1 msg/s and
progress is not worth spending it on); the final "done/failed" edit waits out the pause instead of
being dropped, and never raises: the result is out by then, and a lost edit must not make anyone
send it again. What must reach its reader (that final edit, an admin alert) also waits out a
RetryAfter the rate limiter gave up on, or a network error, a few times. Results go out one part
at a time (the engine records each part before the next): photo/video/audio when Telegram accepts
them as such, else a document, over 50 MB a link; a track goes as audio with its title and cover.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from trt_local.bot.harmless import recipient_gone
from trt_local.bot.keyboards import button
from trt_local.bot.outbox_limiter import retry_seconds
from trt_local.bot.texts import t
from trt_local.core.jobs import OutputKind
from trt_local.core.money import format_money
from trt_local.services.ports import (
    AdminAlert,
    DeliveryError,
    FailureReason,
    JobView,
    Phase,
    QueuePlace,
    RecipientGone,
    Refund,
    ResultFile,
)

log = logging.getLogger("trt.bot.notifier")
# Extra button rows under a finished job (paid follow-ups such as a Veo upgrade).
FollowUps = Callable[[JobView, str], Awaitable[Sequence[Sequence[InlineKeyboardButton]]]]

EDIT_INTERVAL_S = 3.0
FINAL_ATTEMPTS = 3  # a job's outcome or an admin alert, told to wait or cut off, tries this often
RETRY_PAUSE_S = 1.0  # pause before trying such a message again after a network error
# Results and status edits wait behind the answers to users' own actions (outbox_limiter.py).
DELIVERY = {"lane": "delivery"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20


def fits_as_photo(file: ResultFile) -> bool:
    """Telegram's photo rules: ≤ 10 MB, width + height ≤ 10000, aspect ratio ≤ 20."""
    if file.content is None or len(file.content) > PHOTO_MAX_BYTES:
        return False
    if file.width is None or file.height is None:
        return True
    w, h = file.width, file.height
    return w + h <= PHOTO_MAX_SIDES and max(w, h) <= PHOTO_MAX_RATIO * max(1, min(w, h))


def elapsed_text(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


async def _patiently(attempt: Callable[[], Awaitable[object]], what: str) -> None:
    """Run ``attempt`` until it goes through; used for what must reach its reader (a job's
    outcome, an admin alert), which is never sent again by anyone else.

    A RetryAfter still raised after the rate limiter's own retries is waited out, a network error
    gets a short pause; after ``FINAL_ATTEMPTS`` in all it raises :class:`DeliveryError`. Other
    refusals (BadRequest, Forbidden) are raised as they are: repeating would not help.
    """
    for number in range(1, FINAL_ATTEMPTS + 1):
        try:
            await attempt()
            return
        except BadRequest:
            raise  # PTB makes BadRequest a NetworkError; it is a refusal all the same
        except (RetryAfter, NetworkError) as exc:
            wait = retry_seconds(exc) if isinstance(exc, RetryAfter) else RETRY_PAUSE_S
            if number == FINAL_ATTEMPTS:
                raise DeliveryError(str(exc), retry_after=wait) from None
            log.info("%s failed (%s); trying again in %.0f s", what, exc, wait)
            await asyncio.sleep(wait)


class TelegramNotifier:
    def __init__(
        self,
        bot_getter: Callable[[], object],
        *,
        language_of: Callable[[int], object],
        admin_ids: Callable[[], Sequence[int]],
        currency: Callable[[], str],
        clock: Callable[[], float],
        follow_ups: FollowUps | None = None,
    ) -> None:
        self._bot_getter = bot_getter
        self._follow_ups = follow_ups
        self._language_of = language_of
        self._admin_ids = admin_ids
        self._currency = currency
        self._clock = clock
        self._last_edit: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    @property
    def _bot(self):  # type: ignore[no-untyped-def]
        return self._bot_getter()

    async def _lang(self, user_id: int) -> str:
        lang = self._language_of(user_id)
        if asyncio.iscoroutine(lang):
            lang = await lang
        return str(lang or "en")

    # -- status message -------------------------------------------------------------------------
    async def _edit_status(
        self, job: JobView, text: str, markup: InlineKeyboardMarkup | None, *, final: bool
    ) -> None:
        lock = self._locks.setdefault(job.chat_id, asyncio.Lock())
        async with lock:
            since = self._clock() - self._last_edit.get(job.chat_id, 0.0)
            if since < EDIT_INTERVAL_S:
                if not final:
                    return  # the next progress tick will show the news
                await asyncio.sleep(EDIT_INTERVAL_S - since)
            if not final:
                self._last_edit[job.chat_id] = self._clock()
                try:
                    await self._edit_or_say(job, text, markup, final=False)
                except (RetryAfter, NetworkError) as exc:  # the next tick will show the news
                    log.info("progress edit for job %s skipped: %s", job.id, exc)
                return

            async def attempt() -> None:
                self._last_edit[job.chat_id] = self._clock()
                await self._edit_or_say(job, text, markup, final=True)

            # Repeating an edit is safe: one that did land answers "not modified".
            await _patiently(attempt, f"final edit for job {job.id}")

    async def _edit_or_say(
        self, job: JobView, text: str, markup: InlineKeyboardMarkup | None, *, final: bool
    ) -> None:
        """Edit the status message; a final text whose message is gone goes out as a new one."""
        try:
            if job.status_message_id is None:
                raise BadRequest("message to edit not found")
            await self._bot.edit_message_text(
                text,
                chat_id=job.chat_id,
                message_id=job.status_message_id,
                reply_markup=markup,
                rate_limit_args=DELIVERY,
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            if final:  # the status message is gone: the outcome still has to be said
                await self._send_quietly(job.chat_id, text, markup)
        except Forbidden:
            log.info("user of job %s blocked the bot", job.id)

    async def _send_quietly(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self._bot.send_message(
                chat_id, text, reply_markup=markup, rate_limit_args=DELIVERY
            )
        except Forbidden:
            log.info("chat %s blocked the bot", chat_id)

    def _final_markup(
        self,
        lang: str,
        job: JobView,
        extra: Sequence[Sequence[InlineKeyboardButton]] = (),
    ) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                *map(list, extra),
                [
                    button(t(lang, "btn.again"), "again", job.id),
                    button(t(lang, "btn.home"), "menu"),
                ],
            ]
        )

    async def _follow_up_rows(
        self, job: JobView, lang: str
    ) -> Sequence[Sequence[InlineKeyboardButton]]:
        if self._follow_ups is None:
            return ()
        try:
            return await self._follow_ups(job, lang)
        except Exception:  # an offer is extra: "done" must be said without it
            log.exception("could not build the follow-up buttons of job %s", job.id)
            return ()

    async def job_progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        lang = await self._lang(job.user_id)
        title = escape(job.title)
        if phase is Phase.QUEUED and place is not None:
            minutes = max(1, round(place.wait_s / 60))
            text = t(
                lang, "job.queued_place", title=title, position=place.position, minutes=minutes
            )
        else:
            key = {"queued": "job.queued", "generating": "job.generating", "slow": "job.slow"}
            text = t(lang, key[phase.value], title=title, elapsed=elapsed_text(elapsed_s))
        await self._edit_status(job, text, None, final=False)

    async def job_done(self, job: JobView) -> None:
        lang = await self._lang(job.user_id)
        text = t(lang, "job.done", title=escape(job.title))
        markup = self._final_markup(lang, job, await self._follow_up_rows(job, lang))
        try:
            await self._edit_status(job, text, markup, final=True)
        except (DeliveryError, TelegramError) as exc:
            log.info("could not mark job %s done in its status message: %s", job.id, exc)

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        lang = await self._lang(job.user_id)
        text = t(
            lang, "job.failed", title=escape(job.title), reason=t(lang, f"reason.{reason.value}")
        )
        if refund.amount_minor:
            amount = format_money(refund.amount_minor, self._currency(), lang)
            text += "\n" + t(lang, "job.refunded", amount=amount)
        if refund.free_returned:
            text += "\n" + t(lang, "job.free_returned")
        try:
            await self._edit_status(job, text, self._final_markup(lang, job), final=True)
        except (DeliveryError, TelegramError) as exc:
            if isinstance(exc, TelegramError) and recipient_gone(exc):
                return  # nobody to tell: the refund is on their balance and in the history
            # Raised on: the job stays unnotified and the notice goes out again after a restart.
            raise DeliveryError(f"could not tell the user of job {job.id}: {exc}") from None

    async def alert_admins(self, alert: AdminAlert) -> None:
        for admin_id in self._admin_ids():
            lang = await self._lang(admin_id)
            text = t(lang, "admin.alert", code=alert.code.value, detail=escape(alert.detail))
            try:
                await _patiently(
                    functools.partial(
                        self._bot.send_message, admin_id, text, rate_limit_args=DELIVERY
                    ),
                    f"alert to admin {admin_id}",
                )
            except (DeliveryError, TelegramError) as exc:
                log.warning("could not alert admin %s: %s", admin_id, exc)

    # -- results --------------------------------------------------------------------------------
    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        lang = await self._lang(job.user_id)
        try:
            if len(files) > 1:
                return await self._send_album(job.chat_id, files)
            file_id = await self._send_one(job.chat_id, files[0], lang, performer=job.title)
            return [file_id] if file_id else []
        except RetryAfter as exc:  # still asked to wait after the rate limiter's own retries
            raise DeliveryError(str(exc), retry_after=retry_seconds(exc)) from None
        except TelegramError as exc:
            if recipient_gone(exc):
                raise RecipientGone(str(exc)) from None
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None

    async def _send_album(self, chat: int, images: Sequence[ResultFile]) -> list[str]:
        await self._bot.send_chat_action(chat, ChatAction.UPLOAD_PHOTO, rate_limit_args=DELIVERY)
        # An album is all photos or all documents: one oversized image makes it documents.
        as_photos = all(fits_as_photo(f) for f in images)
        media: list[InputMediaPhoto | InputMediaDocument] = [
            InputMediaPhoto(f.content or b"", filename=f.file_name)
            if as_photos
            else InputMediaDocument(f.content or b"", filename=f.file_name)
            for f in images
        ]
        messages = await self._bot.send_media_group(chat, media, rate_limit_args=DELIVERY)
        return [fid for fid in (_file_id(m) for m in messages) if fid]

    async def _send_one(self, chat: int, file: ResultFile, lang: str, *, performer: str) -> str:
        bot = self._bot
        if file.text is not None:
            for start in range(0, max(1, len(file.text)), 4000):
                await bot.send_message(
                    chat, escape(file.text[start : start + 4000]) or "—", rate_limit_args=DELIVERY
                )
            return ""
        if file.too_big or file.content is None:
            await bot.send_message(
                chat, t(lang, "job.link", url=escape(file.url)), rate_limit_args=DELIVERY
            )
            return ""
        if file.kind is OutputKind.IMAGE and fits_as_photo(file):
            await bot.send_chat_action(chat, ChatAction.UPLOAD_PHOTO, rate_limit_args=DELIVERY)
            try:
                sent = await bot.send_photo(
                    chat, file.content, filename=file.file_name, rate_limit_args=DELIVERY
                )
                return _file_id(sent)
            except BadRequest as exc:  # Telegram refused it as a photo: a document always works
                log.info("photo refused (%s); sending as a document", exc)
        if file.kind is OutputKind.VIDEO:
            await bot.send_chat_action(chat, ChatAction.UPLOAD_VIDEO, rate_limit_args=DELIVERY)
            return _file_id(
                await bot.send_video(
                    chat, file.content, filename=file.file_name, rate_limit_args=DELIVERY
                )
            )
        if file.kind is OutputKind.AUDIO:
            await bot.send_chat_action(chat, ChatAction.UPLOAD_VOICE, rate_limit_args=DELIVERY)
            # A track shows its name, its length and its cover in the player (PTB send_audio:
            # title, performer, duration, thumbnail — a JPEG the engine already checked).
            named = bool(file.title)
            return _file_id(
                await bot.send_audio(
                    chat,
                    file.content,
                    filename=file.file_name,
                    title=file.title or None,
                    performer=performer if named else None,
                    duration=round(file.duration_s) if file.duration_s else None,
                    thumbnail=file.thumbnail,
                    rate_limit_args=DELIVERY,
                )
            )
        await bot.send_chat_action(chat, ChatAction.UPLOAD_DOCUMENT, rate_limit_args=DELIVERY)
        return _file_id(
            await bot.send_document(
                chat, file.content, filename=file.file_name, rate_limit_args=DELIVERY
            )
        )


def _file_id(message: Message) -> str:
    if message.photo:
        return f"photo:{message.photo[-1].file_id}"
    for kind in ("video", "audio", "document", "voice", "animation"):
        media = getattr(message, kind, None)
        if media is not None:
            return f"{kind}:{media.file_id}"
    return ""


async def resend(bot: object, chat_id: int, file_ids: Sequence[str]) -> int:
    """ "Show again": re-send stored results by Telegram file id (no re-upload); returns count."""
    sent = 0
    for tagged in file_ids:
        kind, _, file_id = tagged.partition(":")
        sender = {
            "photo": "send_photo",
            "video": "send_video",
            "audio": "send_audio",
            "voice": "send_voice",
            "animation": "send_animation",
        }.get(kind, "send_document")
        await getattr(bot, sender)(chat_id, file_id)
        sent += 1
    return sent


__all__ = ["TelegramNotifier", "fits_as_photo", "resend"]
