"""Broadcasts from Telegram: /broadcast and the panel's Broadcasts button ("bc") open the flow.

Compose (a text in HTML, or a photo with a caption) → the bot sends it back as the preview, which
is Telegram checking it → draft card: URL button, audience with its size, change, discard →
confirm → the confirm message becomes the progress message with Pause/Resume/Cancel. The typed
steps (the text, the button line, a number of days) are answers to stored questions
(PendingInput) about the author's draft, which lives in the database: a restart loses neither.

Every handler here checks admin rights itself: a forged or replayed press from anyone else is
answered "not allowed" and changes nothing; the command answers as for an unknown one.
"""

from __future__ import annotations

from html import escape

from telegram import Message, MessageEntity, Update

from trt_local.bot import broadcast_view as view
from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers import fallback
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.broadcast import (
    MAX_DAYS,
    Audience,
    AudienceKind,
    BroadcastInvalid,
    BroadcastState,
    BroadcastStatus,
    parse_button,
    parse_days,
)
from trt_local.storage.broadcasts import BroadcastRecord

ASK_TEXT = "bc_text"  # pending input kinds
ASK_BUTTON = "bc_button"
ASK_DAYS = "bc_days"
# Telegram formatting an admin applied in the client; without any, the text is read as HTML.
_FORMATTING = frozenset(
    {
        MessageEntity.BOLD,
        MessageEntity.ITALIC,
        MessageEntity.UNDERLINE,
        MessageEntity.STRIKETHROUGH,
        MessageEntity.SPOILER,
        MessageEntity.CODE,
        MessageEntity.PRE,
        MessageEntity.TEXT_LINK,
        MessageEntity.BLOCKQUOTE,
        MessageEntity.EXPANDABLE_BLOCKQUOTE,
        MessageEntity.CUSTOM_EMOJI,
    }
)


async def _admin(update: Update, context: Ctx) -> bool:
    """True for an admin; anyone else is refused here and nothing changes."""
    if context.user is not None and context.user.is_admin:
        return True
    query = update.callback_query
    if query is not None:
        await answer(query, t(context.lang, "bc.not_allowed"), show_alert=True)
    elif update.message is not None and (update.message.text or "").startswith("/"):
        await fallback.unknown_command(update, context)
    elif update.message is not None:
        await update.message.reply_text(t(context.lang, "bc.not_allowed"))
    return False


def _arg(update: Update, index: int = 0) -> str:
    query = update.callback_query
    data = codec.decode(query.data) if query is not None else None
    return data.arg(index) if data is not None else ""


def _problem(lang: str, error: BroadcastInvalid) -> str:
    return t(
        lang,
        f"bc.problem.{error.problem.value}",
        detail=escape(error.detail),  # names tags, like "<br>": text, not markup
        limit=error.limit or MAX_DAYS,
    )


async def _refuse_state(update: Update, context: Ctx, error: BroadcastState) -> None:
    query = update.callback_query
    lang = context.lang
    if error.busy:
        text = t(lang, "bc.busy")
    elif error.status is None:
        text = t(lang, "bc.gone")
    else:
        text = t(lang, "bc.stale", status=t(lang, f"bc.status.{error.status.value}"))
    if query is not None:
        await answer(query, text, show_alert=True)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


# -- opening and composing ---------------------------------------------------------------------


async def open_flow(update: Update, context: Ctx) -> None:
    """/broadcast and the Broadcasts button: the author's draft, or the question for a new one."""
    if not await _admin(update, context):
        return
    assert context.user is not None
    if update.callback_query is not None:
        await answer(update.callback_query)
    draft = await context.services.broadcasts.draft_of(context.user.id)
    if draft is not None:
        await _show_draft(update, context, draft)
    else:
        await _ask_text(update, context)


async def change_text(update: Update, context: Ctx) -> None:
    """Change the message of the draft: ask for it again."""
    if not await _admin(update, context):
        return
    assert update.callback_query is not None
    await answer(update.callback_query)
    await _ask_text(update, context)


async def _ask_text(update: Update, context: Ctx) -> None:
    assert context.user is not None
    await context.services.pending_input.expect(context.user.id, ASK_TEXT)
    await show(update, context, *view.ask_text(context.lang))


def _html_of(message: Message) -> str:
    """The message as HTML: typed HTML as it is, or Telegram's formatting turned into HTML."""
    entities = message.entities or message.caption_entities or ()
    if any(entity.type in _FORMATTING for entity in entities):
        return (message.text_html if message.text is not None else message.caption_html) or ""
    return message.text or message.caption or ""


async def on_text(update: Update, context: Ctx) -> None:
    """The text of the broadcast, after the bot asked for it."""
    assert update.message is not None
    await _compose(update, context, _html_of(update.message), None)


async def on_photo(update: Update, context: Ctx) -> None:
    """A photo with a caption, after the bot asked for the broadcast."""
    message = update.message
    assert message is not None and message.photo
    await _compose(update, context, _html_of(message), message.photo[-1].file_id)


async def _compose(update: Update, context: Ctx, html: str, photo: str | None) -> None:
    if not await _admin(update, context):
        return
    assert context.user is not None and update.effective_chat is not None
    try:
        draft = await context.services.broadcasts.compose(
            context.user.id, html, photo_file_id=photo, preview_chat=update.effective_chat.id
        )
    except BroadcastInvalid as error:
        await context.services.pending_input.expect(context.user.id, ASK_TEXT)
        await update.effective_chat.send_message(_problem(context.lang, error))
        return
    await _show_draft(update, context, draft, new=True)


async def _show_draft(
    update: Update, context: Ctx, draft: BroadcastRecord, *, new: bool = False
) -> None:
    count = await context.services.broadcasts.audience_size(draft.audience)
    await show(update, context, *view.draft_card(context.lang, draft, count), new=new)


async def _draft_of_press(update: Update, context: Ctx) -> BroadcastRecord | None:
    """The draft a press names, after the rights check and the answer; None when refused."""
    if not await _admin(update, context):
        return None
    query = update.callback_query
    assert query is not None
    await answer(query)
    assert context.user is not None
    record = await context.services.broadcasts.get(int(_arg(update) or 0))
    if record is None or record.author_id != context.user.id:
        await _refuse_state(update, context, BroadcastState(None))
        return None
    if record.status is not BroadcastStatus.DRAFT:
        await _refuse_state(update, context, BroadcastState(record.status))
        return None
    return record


async def show_draft(update: Update, context: Ctx) -> None:
    """Back to the draft card."""
    draft = await _draft_of_press(update, context)
    if draft is not None:
        await _show_draft(update, context, draft)


async def discard(update: Update, context: Ctx) -> None:
    """Delete the draft."""
    draft = await _draft_of_press(update, context)
    if draft is None:
        return
    try:
        await context.services.broadcasts.discard(draft.id)
    except BroadcastState as error:
        await _refuse_state(update, context, error)
        return
    text, markup = view.ask_text(context.lang)
    await show(update, context, f"{t(context.lang, 'bc.discarded')}\n\n{text}", markup)
    assert context.user is not None
    await context.services.pending_input.expect(context.user.id, ASK_TEXT)


# -- the button and the audience ---------------------------------------------------------------


async def ask_button(update: Update, context: Ctx) -> None:
    """Ask for the URL button as one line."""
    draft = await _draft_of_press(update, context)
    if draft is not None:
        assert context.user is not None
        await context.services.pending_input.expect(context.user.id, ASK_BUTTON)
        await show(update, context, *view.ask_button(context.lang, draft))


async def on_button_line(update: Update, context: Ctx) -> None:
    """``Text | https://…`` typed after the bot asked for the button."""
    if not await _admin(update, context):
        return
    assert context.user is not None and update.message is not None
    assert update.effective_chat is not None
    broadcasts = context.services.broadcasts
    draft = await broadcasts.draft_of(context.user.id)
    if draft is None:
        await _ask_text(update, context)
        return
    try:
        draft = await broadcasts.set_button(
            draft.id, parse_button(update.message.text or ""), preview_chat=update.effective_chat.id
        )
    except BroadcastInvalid as error:
        await context.services.pending_input.expect(context.user.id, ASK_BUTTON)
        await update.message.reply_text(_problem(context.lang, error))
        return
    except BroadcastState as error:
        await _refuse_state(update, context, error)
        return
    await _show_draft(update, context, draft, new=True)


async def remove_button(update: Update, context: Ctx) -> None:
    draft = await _draft_of_press(update, context)
    if draft is None:
        return
    try:
        draft = await context.services.broadcasts.set_button(draft.id, None)
    except BroadcastState as error:
        await _refuse_state(update, context, error)
        return
    await _show_draft(update, context, draft)


async def choose_audience(update: Update, context: Ctx) -> None:
    """The audiences with their sizes."""
    draft = await _draft_of_press(update, context)
    if draft is not None:
        sizes = await context.services.broadcasts.audiences()
        await show(update, context, *view.audience_picker(context.lang, draft.id, sizes))


async def set_audience(update: Update, context: Ctx) -> None:
    draft = await _draft_of_press(update, context)
    audience = Audience.parse(_arg(update, 1), _arg(update, 2) or None)
    if draft is None:
        return
    if audience is None:
        await _refuse_state(update, context, BroadcastState(None))
        return
    await _set_audience(update, context, draft.id, audience)


async def _set_audience(update: Update, context: Ctx, draft_id: int, audience: Audience) -> None:
    try:
        draft = await context.services.broadcasts.set_audience(draft_id, audience)
    except BroadcastState as error:
        await _refuse_state(update, context, error)
        return
    await _show_draft(update, context, draft, new=update.callback_query is None)


async def ask_days(update: Update, context: Ctx) -> None:
    """Joined in the last N days: ask for N."""
    draft = await _draft_of_press(update, context)
    if draft is not None:
        assert context.user is not None
        await context.services.pending_input.expect(context.user.id, ASK_DAYS)
        await show(update, context, *view.ask_days(context.lang, draft.id))


async def on_days(update: Update, context: Ctx) -> None:
    """The number of days, typed."""
    if not await _admin(update, context):
        return
    assert context.user is not None and update.message is not None
    draft = await context.services.broadcasts.draft_of(context.user.id)
    if draft is None:
        await _ask_text(update, context)
        return
    try:
        days = parse_days(update.message.text or "")
    except BroadcastInvalid as error:
        await context.services.pending_input.expect(context.user.id, ASK_DAYS)
        await update.message.reply_text(_problem(context.lang, error))
        return
    await _set_audience(update, context, draft.id, Audience(AudienceKind.JOINED, days))


# -- sending and its control -------------------------------------------------------------------


async def confirm(update: Update, context: Ctx) -> None:
    """Send…: the audience and its size, to confirm."""
    draft = await _draft_of_press(update, context)
    if draft is None:
        return
    count = await context.services.broadcasts.audience_size(draft.audience)
    await show(update, context, *view.confirm_card(context.lang, draft, count))


async def start_sending(update: Update, context: Ctx) -> None:
    """Confirmed: this message becomes the progress message."""
    draft = await _draft_of_press(update, context)
    query = update.callback_query
    if draft is None or query is None or query.message is None:
        return
    assert context.user is not None
    progress = (query.message.chat.id, query.message.message_id)
    try:
        await context.services.broadcasts.send(context.user.id, draft.id, progress=progress)
    except BroadcastInvalid as error:
        await context.bot.send_message(progress[0], _problem(context.lang, error))
    except BroadcastState as error:
        await _refuse_state(update, context, error)


async def pause(update: Update, context: Ctx) -> None:
    await _control(update, context, "pause")


async def resume(update: Update, context: Ctx) -> None:
    await _control(update, context, "resume")


async def cancel(update: Update, context: Ctx) -> None:
    await _control(update, context, "cancel")


async def _control(update: Update, context: Ctx, action: str) -> None:
    """Pause, resume or cancel; the progress message shows the outcome."""
    if not await _admin(update, context):
        return
    query = update.callback_query
    assert query is not None and context.user is not None
    broadcasts = context.services.broadcasts
    broadcast_id = int(_arg(update) or 0)
    act = {"pause": broadcasts.pause, "resume": broadcasts.resume, "cancel": broadcasts.cancel}
    try:
        record = await act[action](context.user.id, broadcast_id)
    except BroadcastState as error:
        await _refuse_state(update, context, error)
        return
    done = {"pause": "bc.paused", "resume": "bc.resumed", "cancel": "bc.cancelled"}[action]
    await answer(query, t(context.lang, done))
    message = query.message
    if message is not None and message.message_id != record.progress_message_id:
        await show(update, context, *view.progress_card(context.lang, record))


async def history(update: Update, context: Ctx) -> None:
    """Past broadcasts with their counts."""
    if not await _admin(update, context):
        return
    assert update.callback_query is not None
    await answer(update.callback_query)
    records = await context.services.broadcasts.history(view.HISTORY_SIZE)
    timezone = context.services.settings.prices.timezone
    await show(update, context, *view.history_screen(context.lang, records, timezone))


async def view_one(update: Update, context: Ctx) -> None:
    """One past broadcast: its counts, and Pause/Resume/Cancel while it is not finished."""
    if not await _admin(update, context):
        return
    assert update.callback_query is not None
    await answer(update.callback_query)
    record = await context.services.broadcasts.get(int(_arg(update) or 0))
    if record is None:
        await _refuse_state(update, context, BroadcastState(None))
        return
    text, markup = view.progress_card(context.lang, record)
    if record.status.finished:
        text = view.report_text(context.lang, record)
    await show(update, context, text, markup or with_nav([], context.lang, "bch"))


READERS = {ASK_TEXT: on_text, ASK_BUTTON: on_button_line, ASK_DAYS: on_days}
MEDIA_READERS = {ASK_TEXT: on_photo}
CALLBACKS = (
    ("bc", open_flow),
    ("bct", change_text),
    ("bcdr", show_draft),
    ("bcdel", discard),
    ("bcb", ask_button),
    ("bcnb", remove_button),
    ("bca", choose_audience),
    ("bcau", set_audience),
    ("bcj", ask_days),
    ("bcgo", confirm),
    ("bcok", start_sending),
    ("bcp", pause),
    ("bcr", resume),
    ("bcx", cancel),
    ("bch", history),
    ("bcv", view_one),
)
