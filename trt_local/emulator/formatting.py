"""Message text formatting as Telegram does it: HTML parse mode → plain text + entities.

Telegram strips the tags, answers the message with ``entities`` (offsets in UTF-16 code units) and
rejects malformed markup with ``400 Bad Request: can't parse entities: …``. The emulator does the
same for HTML, because an unescaped ``<`` in user-provided text is a classic way for a bot to fail in
production. MarkdownV2/Markdown are accepted and passed through unparsed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from trt_local.emulator.errors import ApiError, bad_request

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)\s*/?>")
_CHARREF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_ATTR = re.compile(r"""([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_SUPPORTED = {*_SIMPLE, "a", "span", "tg-emoji"}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds to a user message starting with ``/``."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    if len(command) < 2:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


@dataclass(slots=True)
class _Open:
    tag: str
    attrs: dict[str, str]
    entity: dict[str, Any] | None
    start: int
    order: int  # opening order: for equal ranges the outer entity comes first, as on Telegram


def _attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
        for m in _ATTR.finditer(raw)
    }


def _entity_for(tag: str, attrs: str, values: dict[str, str]) -> dict[str, Any] | None:
    if tag in _SIMPLE:
        entity: dict[str, Any] = {"type": _SIMPLE[tag]}
        if tag == "blockquote" and "expandable" in attrs.split():
            entity["type"] = "expandable_blockquote"
        return entity
    if tag == "a":
        href = values.get("href")
        if not href:
            return None
        user_id = href.removeprefix("tg://user?id=")
        if user_id != href and user_id.isdigit():
            return {"type": "text_mention", "user": {"id": int(user_id)}}
        return {"type": "text_link", "url": href}
    if tag == "span":
        return {"type": "spoiler"} if values.get("class") == "tg-spoiler" else None
    return {"type": "custom_emoji", "custom_emoji_id": values.get("emoji-id", "")}


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip Telegram-HTML ``source`` into text and entities, or raise a 400 like Telegram."""
    out: list[str] = []
    offset = 0  # UTF-16 length of ``out``
    stack: list[_Open] = []
    entities: list[tuple[int, dict[str, Any]]] = []
    opened = 0
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            byte_offset = len(source[:i].encode())
            match = _TAG.match(source, i)
            if match is None:
                raise _parse_error(f"Unexpected end of name token at byte offset {byte_offset}")
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in _SUPPORTED:
                kind = "end" if closing else "start"
                raise _parse_error(f'Unsupported {kind} tag "{tag}" at byte offset {byte_offset}')
            if closing:
                if not stack or stack[-1].tag != tag:
                    raise _parse_error(
                        f"Unmatched end tag at byte offset {byte_offset}, expected "
                        f'"</{stack[-1].tag if stack else ""}>", found "</{tag}>"'
                    )
                _close(stack.pop(), stack, offset, entities)
            else:
                values = _attributes(match.group(3))
                entity = _entity_for(tag, match.group(3), values)
                stack.append(_Open(tag, values, entity, offset, opened))
                opened += 1
            i = match.end()
            continue
        if char == "&" and (ref := _CHARREF.match(source, i)) is not None:
            char = html.unescape(ref.group(0))
            i = ref.end()
        else:
            i += 1
        out.append(char)
        offset += utf16_len(char)
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
    return "".join(out), [entity for _, entity in entities]


def _close(
    opened: _Open, stack: list[_Open], end: int, entities: list[tuple[int, dict[str, Any]]]
) -> None:
    entity = opened.entity
    parent = stack[-1] if stack else None
    # <pre><code class="language-x"> is one pre entity with a language, not two entities.
    if opened.tag == "code" and parent is not None and parent.tag == "pre":
        lang = opened.attrs.get("class", "")
        if parent.entity is not None and lang.startswith("language-"):
            parent.entity["language"] = lang.removeprefix("language-")
        return
    if entity is None or end == opened.start:
        return  # Telegram drops empty entities
    entities.append(
        (opened.order, {**entity, "offset": opened.start, "length": end - opened.start})
    )


def format_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Apply ``parse_mode`` (HTML parsed; Markdown variants passed through)."""
    if parse_mode is None or parse_mode == "":
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return text, []
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")
