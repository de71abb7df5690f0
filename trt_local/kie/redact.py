"""Keep secrets out of logs and error messages.

Signed download links and Telegram file URLs carry credentials in their query string or path, and
Kie might echo the API key back in an error message; everything the client logs or raises passes
through these helpers first.
"""

from __future__ import annotations

import re

_URL_QUERY = re.compile(r"(https?://[^\s?#\"'<>]+)[?#][^\s\"'<>]*")
_TELEGRAM_TOKEN = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")


def strip_query(url: str) -> str:
    """Return ``url`` without its query string and fragment (where signatures live)."""
    return _URL_QUERY.sub(r"\1", url)


def scrub(text: str, *secrets: str) -> str:
    """Remove every secret, URL query string and Telegram bot token from ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _URL_QUERY.sub(r"\1", text)
    return _TELEGRAM_TOKEN.sub("/bot***", text)
