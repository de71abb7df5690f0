"""Errors of the Telegram emulator.

Two families, kept apart on purpose:

- ``ApiError`` is what the *bot* sees: a Bot API error envelope with an HTTP status
  (``{"ok": false, "error_code": 400, "description": "Bad Request: …"}``). Method handlers raise it
  and ``TelegramEmulator.call`` turns it into the envelope; it never leaves the emulator.
- ``EmulatorError`` is what a *test or the demo chat pane* sees when it drives the user side wrongly
  (pressing a button that does not exist, paying an invoice twice). ``ButtonNotFound`` is one.

``EmulatedNetworkError`` is raised by ``call`` for an injected network fault: the transports turn it
into a dropped connection (HTTP) or ``telegram.error.NetworkError`` (in-process).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional ``parameters``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's ``Forbidden: `` prefix."""
    return ApiError(403, f"Forbidden: {detail}")


class EmulatedNetworkError(ConnectionError):
    """An injected network fault: the request never gets an answer."""


class EmulatorError(Exception):
    """The user side of the emulator was driven into something a real client could not do."""


class ButtonNotFound(EmulatorError, LookupError):
    """``press`` found no inline button with that text or callback data."""
