"""The job detail pane: inputs, Kie task id, timeline, error and which actions apply."""

from __future__ import annotations

import json

from textual.markup import escape
from textual.widgets import Static

from trt_local.core.jobs import JobStatus
from trt_local.services.ports import JobView
from tui.formatting import money, timestamp

_OPEN = (JobStatus.QUEUED, JobStatus.CREATING, JobStatus.RUNNING, JobStatus.SUCCEEDED)


def price_text(job: JobView, currency: str) -> str:
    if job.basis.value == "paid":
        return money(job.price_minor, currency)
    return job.basis.value  # "free" or "admin"


def job_markup(job: JobView, currency: str) -> str:
    lines = [
        f"[b]Job #{job.id}[/b] · {escape(job.title)} [dim]({escape(job.model_id)})[/dim]",
        f"user {job.user_id} · {escape(price_text(job, currency))} · {job.credits} credits",
        f"status [b]{job.status.value}[/b] · Kie task {escape(job.task_id or '–')}",
        "",
        "[b]Inputs[/b]",
    ]
    for name, value in sorted(job.params.items()):
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"  {escape(name)}: {escape(str(shown)[:300])}")
    if not job.params:
        lines.append("  –")
    lines += [
        "",
        "[b]Timeline[/b]",
        f"  created    {timestamp(job.created_at)}",
        f"  started    {timestamp(job.started_at)}",
        f"  finished   {timestamp(job.finished_at)}",
        f"  delivered  {timestamp(job.delivered_at)}",
        f"  deadline   {timestamp(job.deadline_at)}",
    ]
    if job.error or job.error_detail:
        lines += ["", f"[b red]Error[/b red] {escape(job.error or '')}"]
        if job.error_detail:
            lines.append(f"  {escape(job.error_detail[:500])}")
    lines += ["", "[b]Actions[/b]"]
    if job.status is JobStatus.SUCCEEDED:
        lines.append("  r  retry the delivery now")
    if job.status in _OPEN:
        lines.append("  x  fail it and refund the user")
    if job.status in (JobStatus.DELIVERED, JobStatus.FAILED):
        lines.append("  –  finished: nothing to do")
    return "\n".join(lines)


class JobDetail(Static):
    DEFAULT_CSS = """
    JobDetail { width: 56; height: 1fr; border-left: tall $primary 40%; padding: 0 1;
                overflow-y: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Select a job.", id=id)
        self.job: JobView | None = None
        self._markup = ""

    def show(self, job: JobView | None, currency: str) -> None:
        self.job = job
        markup = "Select a job." if job is None else job_markup(job, currency)
        if markup != self._markup:  # reloads every second: redraw only on news
            self._markup = markup
            self.update(markup)
