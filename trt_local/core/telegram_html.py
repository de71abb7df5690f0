"""Telegram's HTML parse mode, checked before anything is sent: tags, nesting and entities.

Telegram refuses a whole message with "can't parse entities" for an unsupported tag (``<br>``,
``<p>``), a tag left open, a stray ``<`` or a link without ``href``. A broadcast written by an
admin is checked here first, so the mistake is named while it is being composed; Telegram's own
answer to the preview stays the final word. :func:`visible_text` is what the reader will see,
used for the length limits (4096 characters of text, 1024 of a caption) and the dashboard's
preview.
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 4096
MAX_CAPTION = 1024

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)\s*/?>")
_CHARREF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"[^"]+"|'[^']+'|[^\s"'>]+)""", re.IGNORECASE)
SUPPORTED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "tg-spoiler",
        "span",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)


class HtmlProblem(ValueError):
    """The text is not valid Telegram HTML; ``detail`` says where, in English."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def visible_text(source: str) -> str:
    """The text a reader sees (tags removed, entities decoded); HtmlProblem if Telegram would
    refuse ``source``."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            if match is None:
                raise HtmlProblem(f"a '<' at character {i + 1} starts no tag (write &lt;)")
            closing, tag, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if tag not in SUPPORTED_TAGS:
                raise HtmlProblem(f"<{tag}> is not supported by Telegram (character {i + 1})")
            if closing:
                if not stack or stack[-1] != tag:
                    expected = f"</{stack[-1]}>" if stack else "no closing tag"
                    raise HtmlProblem(f"</{tag}> at character {i + 1}, expected {expected}")
                stack.pop()
            else:
                if tag == "a" and not _HREF.search(attrs):
                    raise HtmlProblem(f"<a> without href at character {i + 1}")
                stack.append(tag)
            i = match.end()
            continue
        if char == "&" and (ref := _CHARREF.match(source, i)) is not None:
            out.append(html.unescape(ref.group(0)))
            i = ref.end()
            continue
        out.append(char)
        i += 1
    if stack:
        raise HtmlProblem(f"<{stack[-1]}> is never closed")
    return "".join(out)


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
