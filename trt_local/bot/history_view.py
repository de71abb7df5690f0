"""Rendering history: a job's list entry, its button and its card, with what was asked.

The prompt is shortened (one line, cut with "…") before it is HTML-escaped, so a cut never splits an
entity; media show as counts ("1 image"), never as URLs. Button texts are plain text (no HTML).
"""

from __future__ import annotations

from html import escape

from trt_local.bot.texts import t
from trt_local.bot.texts_generate import label
from trt_local.core.scalars import Scalar
from trt_local.services.job_summary import JobSummary, Media

PROMPT_ON_BUTTON = 28
PROMPT_IN_LIST = 80
PROMPT_ON_CARD = 500
VALUE_LIMIT = 40
OPTIONS_IN_LIST = 160


def shorten(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _plural(lang: str, n: int) -> str:
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"
    return "one" if n == 1 else "many"


def media_text(lang: str, media: Media) -> str:
    return t(lang, f"media.{media.kind.value}.{_plural(lang, media.count)}", n=media.count)


def _value(lang: str, value: Scalar) -> str:
    if isinstance(value, bool):
        return t(lang, "btn.yes" if value else "btn.no")
    return escape(shorten(str(value), VALUE_LIMIT))


def option_texts(lang: str, summary: JobSummary) -> list[str]:
    """``label: value`` per chosen option, then the media counts; HTML-escaped."""
    texts = [
        f"{escape(label(lang, name))}: {_value(lang, value)}" for name, value in summary.options
    ]
    return texts + [media_text(lang, media) for media in summary.media]


def list_entry(
    lang: str, title: str, date: str, price: str, status: str, summary: JobSummary
) -> str:
    lines = [t(lang, "history.entry", title=escape(title), date=date, price=price, status=status)]
    if summary.prompt:
        prompt = escape(shorten(summary.prompt, PROMPT_IN_LIST))
        lines.append(t(lang, "history.quote", prompt=prompt))
    if options := option_texts(lang, summary):
        joined = ", ".join(options)
        # Cut whole options only: a cut inside one could split an HTML entity.
        while len(joined) > OPTIONS_IN_LIST and len(options) > 1:
            options = options[:-1]
            joined = ", ".join(options) + ", …"
        lines.append(joined)
    return "\n".join(lines)


def button_text(lang: str, title: str, date: str, summary: JobSummary) -> str:
    text = t(lang, "history.item", title=title, date=date)
    return f"{text} · {shorten(summary.prompt, PROMPT_ON_BUTTON)}" if summary.prompt else text


def card(lang: str, title: str, date: str, price: str, status: str, summary: JobSummary) -> str:
    asked = []
    if summary.prompt:
        prompt = escape(shorten(summary.prompt, PROMPT_ON_CARD))
        asked.append(t(lang, "history.prompt", prompt=prompt))
    asked += [f"• {text}" for text in option_texts(lang, summary)]
    return t(
        lang,
        "history.detail",
        title=escape(title),
        date=date,
        asked="".join(f"\n{line}" for line in asked),
        price=price,
        status=status,
    )
