"""The first screen: is the bot healthy, how busy is it, what did it earn, what went wrong.

Queue and failures reload every second; the money series every few seconds (one ledger pass);
Kie credits once a minute (a network call). The errors box lists failed jobs of the last 24 h and
the newest ERROR log lines, each with its id (job id or the error id users are told). Only when the
operator turned the update check on (``[updates] check``) is GitHub asked for a newer release, at
start and once a day; an "Update" row appears when there is one.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Footer, Label, Sparkline, Static

from trt_local import __version__
from trt_local.kie.errors import KieError
from trt_local.services.registry import Services
from trt_local.services.stats import LOW_CREDITS, Activity, QueueState
from trt_local.storage.stats import FailureRow
from trt_local.updates import Release, UpdateCheckFailed, latest_release
from tui.context import DashboardContext
from tui.formatting import age, money
from tui.logsink import LogLine
from tui.screens.live import LiveScreen
from tui.widgets.status_line import StatusLine

ACTIVITY_EVERY_S = 5.0  # the money series (one ledger pass) at most this often, unless jobs moved
CREDITS_EVERY_S = 60.0
ERRORS_SHOWN = 6
UPDATE_EVERY_S = 24 * 3600.0

log = logging.getLogger("trt.tui")


def queue_text(queue: QueueState) -> str:
    return (
        f"[b]{queue.queued}[/b] waiting · [b]{queue.running}[/b] generating · "
        f"[b]{queue.delivering}[/b] delivering"
    )


def today_text(activity: Activity) -> str:
    currency = activity.currency
    jobs = activity.jobs_today
    return (
        f"[b]{jobs}[/b] generation{'' if jobs == 1 else 's'} · revenue "
        f"[b]{escape(money(activity.revenue_today_minor, currency))}[/b] "
        f"(refunded {escape(money(activity.refunds_today_minor, currency))}) · top-ups "
        f"{escape(money(activity.topups_today_minor, currency))}"
    )


def credits_text(credits: Decimal | None, problem: str) -> str:
    if problem:
        return f"[red]unavailable[/red]: {escape(problem)}"
    if credits is None:
        return "checking…"
    text = f"[b]{credits.normalize():f}[/b]"
    if credits < LOW_CREDITS:
        text += f"  [reverse red] LOW [/] top up at kie.ai (below {LOW_CREDITS})"
    return text


def failure_text(failure: FailureRow, now: float) -> str:
    detail = f" — {failure.error_detail[:60]}" if failure.error_detail else ""
    return escape(
        f"job #{failure.job_id} failed: {failure.error_code or '?'} "
        f"({failure.model_id}, user {failure.user_id}, {age(failure.at, now)} ago){detail}"
    )


def update_text(release: Release) -> str:
    return (
        f"[b yellow]update available[/]: trt {escape(release.version)} "
        f"(you have {__version__}) · {escape(release.download_url)}"
    )


def log_error_text(line: LogLine) -> str:
    first = line.text.splitlines()[0] if line.text else ""
    return f"[red]{escape(first[:160])}[/red]"


class DashboardScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 1.0
    DEFAULT_CSS = """
    DashboardScreen #body { padding: 1 2; }
    DashboardScreen .row { height: auto; margin-bottom: 1; }
    DashboardScreen .label { width: 22; color: $text-muted; }
    DashboardScreen .value { width: 1fr; }
    DashboardScreen Sparkline { width: 1fr; height: 2; }
    DashboardScreen #errors { height: auto; border: round $error 40%; padding: 0 1; }
    DashboardScreen #update-row { display: none; }
    DashboardScreen #update-row.available { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("k", "check_credits", "Check Kie credits")]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.credits: Decimal | None = None
        self.credits_problem = ""
        self._credits_asked = False
        self._last_queue: QueueState | None = None
        self._activity_at = float("-inf")

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Vertical(id="body"):
            with Horizontal(classes="row"):
                yield Label("Jobs now", classes="label")
                yield Static("–", id="queue", classes="value")
            with Horizontal(classes="row"):
                yield Label("Today", classes="label")
                yield Static("–", id="today", classes="value")
            with Horizontal(classes="row"):
                yield Label("Generations, 24 h", classes="label")
                yield Sparkline([], id="jobs-spark")
            with Horizontal(classes="row"):
                yield Label("Revenue, 24 h", classes="label")
                yield Sparkline([], id="money-spark")
            with Horizontal(classes="row"):
                yield Label("Kie credits", classes="label")
                yield Static("checking…", id="credits", classes="value")
            with Horizontal(classes="row", id="update-row"):
                yield Label("Update", classes="label")
                yield Static("", id="update", classes="value")
            yield Static("No errors.", id="errors")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#errors", Static).border_title = "Last errors"
        self.set_interval(CREDITS_EVERY_S, self.action_check_credits)
        if self.context.host.settings.update_check:  # never without the operator's consent
            self._update_worker()
            self.set_interval(UPDATE_EVERY_S, self._update_worker)

    async def load(self, services: Services) -> None:
        if not self._credits_asked:  # the first load after the bot opened its services
            self.action_check_credits()
        queue = await services.stats.queue()
        failures = await services.stats.recent_failures()
        now = services.clock()
        activity = None
        if queue != self._last_queue or now - self._activity_at >= ACTIVITY_EVERY_S:
            activity = await services.stats.activity()
            self._activity_at = now
        self._last_queue = queue
        self.query_one("#queue", Static).update(queue_text(queue))
        if activity is not None:
            self.query_one("#today", Static).update(today_text(activity))
            jobs = [float(n) for n in activity.jobs_per_hour]
            self.query_one("#jobs-spark", Sparkline).data = jobs
            self.query_one("#money-spark", Sparkline).data = [
                float(max(0, n)) for n in activity.revenue_per_hour
            ]
        self._show_errors(failures, now)

    def _show_errors(self, failures: list[FailureRow], now: float) -> None:
        lines = [failure_text(failure, now) for failure in failures[:ERRORS_SHOWN]]
        lines += [log_error_text(line) for line in self.context.log_sink.errors(ERRORS_SHOWN)]
        self.query_one("#errors", Static).update("\n".join(lines) or "No errors.")

    def action_check_credits(self) -> None:
        services = self.context.services
        if services is not None:
            self._credits_asked = True
            self._credits_worker(services)

    @work(exclusive=True, group="credits")
    async def _credits_worker(self, services: Services) -> None:
        try:
            self.credits, self.credits_problem = await services.stats.kie_credits(), ""
        except KieError as exc:
            self.credits_problem = self.context.redact(str(exc))[:120]
        self.query_one("#credits", Static).update(credits_text(self.credits, self.credits_problem))

    @work(exclusive=True, group="update-check")
    async def _update_worker(self) -> None:
        try:
            release = await latest_release(transport=self.context.update_transport)
        except UpdateCheckFailed as exc:
            log.info("update check: %s", exc)
            return
        if release.is_newer_than(__version__):
            self.query_one("#update", Static).update(update_text(release))
            self.query_one("#update-row").add_class("available")
