"""Files: uploads (multipart), getFile + download, file_id re-use, URLs, media groups."""

from __future__ import annotations

import pytest
from telegram import Bot, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest

from tests.emulator.conftest import png
from trt_local.emulator import TelegramEmulator


async def test_send_photo_upload_then_download(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    data = png(64, 48)
    sent = await bot.send_photo(42, data, caption="<b>Result</b>", parse_mode="HTML")
    [size] = sent.photo
    assert (size.width, size.height, size.file_size) == (64, 48, len(data))
    assert sent.caption == "Result" and sent.caption_entities[0].type == "bold"
    file = await bot.get_file(size.file_id)
    assert file.file_path is not None and file.file_path.endswith(".png")
    assert bytes(await file.download_as_bytearray()) == data
    assert ann.last is not None and (ann.last.media_kind, ann.last.file_id) == (
        "photo",
        size.file_id,
    )
    assert [c.file_fields for c in emu.calls_to("sendPhoto")] == [("photo",)]


async def test_file_id_resend_reuses_the_file(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(1)
    emu.user(2)
    first = await bot.send_document(1, b"%PDF-1.4 report", filename="report.pdf")
    assert first.document is not None
    assert (first.document.file_name, first.document.mime_type) == ("report.pdf", "application/pdf")
    again = await bot.send_document(2, first.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == first.document.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type Document as Photo"):
        await bot.send_photo(2, first.document.file_id)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(2, "no-such-file-id")


async def test_url_is_kept_as_a_reference(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    sent = await bot.send_photo(42, "https://cdn.example.org/result.png")
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    with pytest.raises(FileNotFoundError):  # nothing was fetched, so nothing to download
        emu.file_bytes(file.file_path.rsplit("/bot", 1)[1].split("/", 1)[1])


async def test_photo_that_is_not_an_image_fails_processing(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(42, b"definitely not an image")


async def test_media_group_with_attachments_and_file_ids(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    known = await bot.send_photo(42, png(10, 10))
    album = await bot.send_media_group(
        42,
        [
            InputMediaPhoto(png(20, 10), caption="first"),
            InputMediaPhoto(known.photo[-1].file_id),
            InputMediaPhoto(png(30, 10)),
        ],
    )
    assert len(album) == 3
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert [m.photo[-1].width for m in album] == [20, 10, 30]
    assert album[0].caption == "first"
    assert [m.media_kind for m in ann.messages] == ["photo"] * 4


async def test_media_group_rules(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    with pytest.raises(BadRequest, match=r"(?i)document can't be mixed"):
        await bot.send_media_group(
            42, [InputMediaPhoto(png(5, 5)), InputMediaDocument(b"doc", filename="a.txt")]
        )
    assert emu.chat(42) == []


async def test_user_uploads_reach_the_bot_as_downloadable_files(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    image = png(800, 600)
    await ann.send_photo(image, caption="make it blue")
    await ann.send_document(b"a,b\n1,2\n", "table.csv", "text/csv")
    await ann.send_voice(b"OggS voice", duration=3)
    await ann.send_sticker()
    await ann.send_location(-33.8568, 151.2153, horizontal_accuracy=12.5)
    photo_update, doc_update, voice_update, sticker_update, where = await bot.get_updates()
    assert photo_update.message is not None and doc_update.message is not None
    photo = photo_update.message.photo[-1]
    assert (photo.width, photo.height, photo_update.message.caption) == (800, 600, "make it blue")
    assert bytes(await (await bot.get_file(photo.file_id)).download_as_bytearray()) == image
    document = doc_update.message.document
    assert document is not None and (document.file_name, document.mime_type) == (
        "table.csv",
        "text/csv",
    )
    assert voice_update.message is not None and voice_update.message.voice is not None
    assert voice_update.message.voice.mime_type == "audio/ogg"
    assert voice_update.message.api_kwargs == {}  # PTB knew every field the emulator sent
    assert sticker_update.message is not None and sticker_update.message.sticker is not None
    assert where.message is not None and where.message.location is not None
    location = where.message.location
    assert (location.latitude, location.longitude, location.horizontal_accuracy) == (
        -33.8568,
        151.2153,
        12.5,
    )
    assert where.message.api_kwargs == {}
    with pytest.raises(ValueError, match="latitude"):
        await ann.send_location(91, 0)


async def test_edit_message_media_replaces_the_photo(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    sent = await bot.send_photo(42, png(10, 10), caption="draft")
    await bot.edit_message_media(InputMediaPhoto(png(40, 20), caption="final"), 42, sent.message_id)
    assert ann.last is not None
    assert ann.last.caption == "final" and ann.last.raw["photo"][-1]["width"] == 40
