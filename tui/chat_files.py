"""Keeping what the bot sends in the demo chat: result files are written to a folder.

The emulator holds every file the bot uploads; the chat pane (and the headless demo) save each
bot media message once, as ``<message id>-<file unique id>.<ext>``, so a generated image can be
opened from the path the pane shows. Files the bot sent as URL references have no bytes: their
URL is shown instead.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from trt_local.emulator import ChatMessage, TelegramEmulator


class ResultFiles:
    def __init__(self, emulator: TelegramEmulator, folder: Path) -> None:
        self._emulator = emulator
        self.folder = folder
        self._saved: dict[int, str] = {}

    def describe(self, message: ChatMessage) -> str | None:
        """Where a media message's file is: a saved path, a URL, or None for text messages."""
        if message.media_kind is None or message.file_id is None:
            return None
        known = self._saved.get(message.message_id)
        if known is not None:
            return known
        stored = self._emulator.state.files.get(message.file_id)
        if stored is None:
            return None
        if stored.url is not None:
            where = stored.url
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            suffix = PurePosixPath(stored.file_path).suffix or ".bin"
            target = self.folder / f"{message.message_id}-{stored.file_unique_id}{suffix}"
            if not target.exists():
                target.write_bytes(self._emulator.file_bytes(stored.file_path))
            where = str(target)
        self._saved[message.message_id] = where
        return where

    def save_all(self, messages: list[ChatMessage]) -> list[str]:
        """Save every bot media message not saved yet; returns the new locations."""
        fresh = []
        for message in messages:
            if message.from_bot and message.message_id not in self._saved:
                where = self.describe(message)
                if where is not None:
                    fresh.append(where)
        return fresh
