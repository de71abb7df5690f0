"""The jobs table: live, filtered by status, model or user, one page of 100 at a time.

Pages are keyset pages (ids below the last one shown), so page 1 000 of 100 000 jobs costs what
page 1 does. The page on screen reloads every second; when the same jobs are still on it only
the changed cells are rewritten, so the cursor and the scroll position stay put. Actions call the
same service functions as the bot: ``retry_delivery`` and ``fail_and_refund``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Select, Static

from trt_local.core.jobs import JobStatus
from trt_local.services.ports import FailureReason
from trt_local.services.registry import Services
from trt_local.storage.job_queries import JobFilter, JobRow
from tui.context import DashboardContext
from tui.formatting import age, money
from tui.screens.confirm import ConfirmScreen
from tui.screens.live import LiveScreen
from tui.widgets.job_detail import JobDetail
from tui.widgets.status_line import StatusLine
from tui.widgets.table_sync import TableSync

PAGE_SIZE = 100
COLUMNS = ("id", "user", "model", "status", "age", "price")
_STATUS_STYLE = {
    JobStatus.FAILED: "red",
    JobStatus.DELIVERED: "green",
    JobStatus.SUCCEEDED: "cyan",
    JobStatus.RUNNING: "yellow",
}
REFUND_DETAIL = "failed and refunded by the operator from the dashboard"
TITLE_WIDTH = 26


def short(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def row_cells(row: JobRow, now: float, currency: str) -> tuple[object, ...]:
    price = money(row.price_minor, currency) if row.basis == "paid" else row.basis
    return (
        row.id,
        row.user_id,
        Text(short(row.title or row.model_id)),
        Text(row.status.value, style=_STATUS_STYLE.get(row.status, "")),
        age(row.created_at, now),
        Text(price),
    )


class JobsScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 1.0
    DEFAULT_CSS = """
    JobsScreen #filters { height: auto; padding: 0 1; }
    JobsScreen #filters Select { width: 30; margin-right: 1; }
    JobsScreen #filters Input { width: 22; }
    JobsScreen #page { width: 1fr; content-align: right middle; height: 3; color: $text-muted; }
    JobsScreen #main { height: 1fr; }
    JobsScreen DataTable { width: 1fr; height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry_delivery", "Retry delivery"),
        Binding("x", "refund", "Fail + refund"),
        Binding("n", "next_page", "Older"),
        Binding("p", "previous_page", "Newer"),
    ]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.filter = JobFilter()
        self.rows: list[JobRow] = []
        self._pages: list[int | None] = [None]  # the ``before_id`` of each page walked through
        self._selected: int | None = None
        self._models_listed = False

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal(id="filters"):
            yield Select(
                [(status.value, status) for status in JobStatus],
                prompt="any status",
                id="status",
            )
            yield Select[str]([], prompt="any model", id="model")
            yield Input(placeholder="user id", id="user", restrict=r"[0-9]*")
            yield Static("", id="page")
        with Horizontal(id="main"):
            yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
            yield JobDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#jobs", DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self._table = TableSync(table, COLUMNS)
        table.focus()

    # -- loading --------------------------------------------------------------------------------

    async def load(self, services: Services) -> None:
        if not self._models_listed:  # once: the catalog does not change while running
            models = sorted(services.settings.base_catalog.models, key=lambda m: m.title)
            self.query_one("#model", Select).set_options([(m.title, m.id) for m in models])
            self._models_listed = True
        self.rows = await services.admin.jobs(
            self.filter, before_id=self._pages[-1], limit=PAGE_SIZE
        )
        self._fill(self.rows, services.clock(), services.settings.prices.currency)
        self.query_one("#page", Static).update(f"page {len(self._pages)} · {len(self.rows)} job(s)")
        await self._load_detail(services)

    def _fill(self, rows: list[JobRow], now: float, currency: str) -> None:
        self._table.show([(str(row.id), row_cells(row, now, currency)) for row in rows])

    async def _load_detail(self, services: Services) -> None:
        detail = self.query_one("#detail", JobDetail)
        job = await services.generation.get(self._selected) if self._selected else None
        detail.show(job, services.settings.prices.currency)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        self._selected = int(event.row_key.value)
        services = self.context.services
        if services is not None:
            self._detail_worker(services)

    @work(exclusive=True, group="job-detail")
    async def _detail_worker(self, services: Services) -> None:
        await self._load_detail(services)

    # -- filters and pages ----------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        if event.select.id == "status":
            self._set_filter(status=value if isinstance(value, JobStatus) else None)
        elif event.select.id == "model":
            self._set_filter(model_id=value if isinstance(value, str) else None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "user":
            self._set_filter(user_id=int(event.value) if event.value else None)

    def _set_filter(self, **changes: object) -> None:
        values = {
            "status": self.filter.status,
            "model_id": self.filter.model_id,
            "user_id": self.filter.user_id,
            **changes,
        }
        wanted = JobFilter(**values)  # type: ignore[arg-type]
        if wanted != self.filter:
            self.filter = wanted
            self._pages = [None]
            self.reload()

    def filter_status(self, status: JobStatus | None) -> None:
        """Show only jobs in ``status`` (None: all), as choosing it in the list does."""
        self.query_one("#status", Select).value = Select.NULL if status is None else status

    def action_next_page(self) -> None:
        if len(self.rows) == PAGE_SIZE:
            self._pages.append(self.rows[-1].id)
            self.reload()

    def action_previous_page(self) -> None:
        if len(self._pages) > 1:
            self._pages.pop()
            self.reload()

    # -- actions --------------------------------------------------------------------------------

    def _selected_job(self) -> int | None:
        if self._selected is None:
            self.notify("Select a job first.", severity="warning")
        return self._selected

    def action_retry_delivery(self) -> None:
        job_id = self._selected_job()
        services = self.context.services
        if job_id is not None and services is not None:
            self._retry_worker(services, job_id)

    @work(exclusive=True, group="job-action")
    async def _retry_worker(self, services: Services, job_id: int) -> None:
        if await services.generation.retry_delivery(job_id):
            self.notify(f"Job #{job_id}: sending the result again now.")
        else:
            self.notify(f"Job #{job_id} is not waiting for delivery.", severity="warning")
        self.reload()

    def action_refund(self) -> None:
        job_id = self._selected_job()
        if job_id is None:
            return
        shown = self.query_one("#detail", JobDetail).job
        if shown is not None and shown.id == job_id and shown.status.is_terminal:
            self.notify(f"Job #{job_id} has finished: nothing to refund.", severity="warning")
            return
        question = (
            f"Fail job #{job_id} and refund the user?\n"
            "The user is told it took too long; Kie may still finish it, unused."
        )
        self.app.push_screen(
            ConfirmScreen(question, yes="Fail and refund"),
            lambda yes: self._refund_answered(job_id, bool(yes)),
        )

    def _refund_answered(self, job_id: int, yes: bool) -> None:
        services = self.context.services
        if yes and services is not None:
            self._refund_worker(services, job_id)

    @work(exclusive=True, group="job-action")
    async def _refund_worker(self, services: Services, job_id: int) -> None:
        if await services.generation.fail_and_refund(job_id, FailureReason.TIMEOUT, REFUND_DETAIL):
            self.notify(f"Job #{job_id} failed and refunded.")
        else:
            self.notify(f"Job #{job_id} had already finished.", severity="warning")
        self.reload()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Jobs: retry delivery", "Send the selected result again (r)", self.action_retry_delivery
        )
        yield SystemCommand(
            "Jobs: fail and refund", "Give up on the selected job (x)", self.action_refund
        )
        yield SystemCommand("Jobs: older page", "Next page of the table (n)", self.action_next_page)
        yield SystemCommand(
            "Jobs: newer page", "Previous page of the table (p)", self.action_previous_page
        )
