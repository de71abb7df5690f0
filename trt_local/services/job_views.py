"""Turning stored job rows into the :class:`JobView` the bot and the dashboard get.

The ``result`` column is a JSON object: ``urls`` (Kie result URLs, kept for a retried delivery),
``text`` (a text result), ``file_ids`` (Telegram file ids returned by the delivery) and ``extras``
(family facts of the result, e.g. a Veo video's resolution).
"""

from __future__ import annotations

from dataclasses import replace

from trt_local.services.ports import JobView
from trt_local.storage.jobs import JobRecord


def result_urls(record: JobRecord) -> tuple[str, ...]:
    urls = record.result.get("urls")
    return tuple(url for url in urls if isinstance(url, str)) if isinstance(urls, list) else ()


def result_text(record: JobRecord) -> str | None:
    text = record.result.get("text")
    return text if isinstance(text, str) else None


def file_ids(record: JobRecord) -> tuple[str, ...]:
    ids = record.result.get("file_ids")
    return tuple(item for item in ids if isinstance(item, str)) if isinstance(ids, list) else ()


def result_extras(record: JobRecord) -> dict[str, object]:
    extras = record.result.get("extras")
    return dict(extras) if isinstance(extras, dict) else {}


def to_view(record: JobRecord, *, duplicate: bool = False) -> JobView:
    return JobView(
        id=record.id,
        ref=record.ref,
        user_id=record.user_id,
        chat_id=record.chat_id,
        model_id=record.model_id,
        title=record.title,
        output=record.output,
        params=record.params,
        price_minor=record.price_minor,
        basis=record.basis,
        credits=record.credits,
        status=record.status,
        task_id=record.task_id,
        status_message_id=record.status_message_id,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        delivered_at=record.delivered_at,
        deadline_at=record.deadline_at,
        error=record.error_code,
        error_detail=record.error_detail,
        result_file_ids=file_ids(record),
        result_text=result_text(record),
        duplicate=duplicate,
        result_extras=result_extras(record),
    )


def as_duplicate(view: JobView) -> JobView:
    return replace(view, duplicate=True)
