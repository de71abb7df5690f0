"""The user detail pane: who they are, balance and free generations, the ledger, their jobs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.widgets import DataTable, Static

from trt_local.services.admin import DASHBOARD_ACTOR, UserDetail
from trt_local.services.referrals import ReferralLinks
from trt_local.storage.ledger import LedgerEntry
from tui.formatting import money, signed_money, timestamp
from tui.widgets.table_sync import TableSync

JOBS_SHOWN = 5
LEDGER_COLUMNS = ("when", "amount", "kind", "reason", "by", "balance")


def actor_text(actor_id: int | None) -> str:
    if actor_id is None:
        return "bot"
    return "dashboard" if actor_id == DASHBOARD_ACTOR else f"admin {actor_id}"


def referral_text(links: ReferralLinks) -> str:
    invited_by = f"user {links.referrer_id}" if links.referrer_id is not None else "nobody"
    people = "user" if links.invited == 1 else "users"
    return f"invited by {invited_by} · invited {links.invited} {people}"


def summary_markup(detail: UserDetail, currency: str, links: ReferralLinks | None = None) -> str:
    user = detail.user
    flags = []
    if user.blocked:
        flags.append("[red]blocked[/red]")
    if user.is_admin:
        flags.append("[b]admin[/b]" + (" (config)" if user.admin_from_config else ""))
    handle = f" @{escape(user.username)}" if user.username else ""
    lines = [
        f"[b]{escape(user.name or '–')}[/b]{handle} · id {user.id}",
        f"balance [b]{escape(money(user.balance_minor, currency))}[/b] · "
        f"{user.free_left} free left today · last seen {timestamp(user.last_seen)}",
    ]
    if flags:
        lines.append(" · ".join(flags))
    if links is not None:
        lines.append(referral_text(links))
    lines.append(f"[b]Jobs[/b]: {detail.jobs_total} in all")
    for job in detail.jobs[:JOBS_SHOWN]:
        lines.append(
            f"  #{job.id} {escape(job.title)} · {job.status.value} · {timestamp(job.created_at)}"
        )
    lines.append("[b]Ledger[/b] (newest first)")
    return "\n".join(lines)


def ledger_cells(entry: LedgerEntry, currency: str) -> tuple[object, ...]:
    return (
        timestamp(entry.created_at),
        Text(signed_money(entry.amount_minor, currency)),
        entry.kind,
        Text(entry.reason or "–"),
        actor_text(entry.actor_id),
        Text(money(entry.balance_after, currency)),
    )


class UserDetailPane(Vertical):
    DEFAULT_CSS = """
    UserDetailPane { width: 64; height: 1fr; border-left: tall $primary 40%; padding: 0 1; }
    UserDetailPane #summary { height: auto; }
    UserDetailPane DataTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.detail: UserDetail | None = None
        self._summary = ""

    def compose(self) -> ComposeResult:
        yield Static("Select a user.", id="summary")
        yield DataTable(id="ledger", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#ledger", DataTable)
        for column in LEDGER_COLUMNS:
            table.add_column(column, key=column)
        self._table = TableSync(table, LEDGER_COLUMNS)

    def show(
        self, detail: UserDetail | None, currency: str, links: ReferralLinks | None = None
    ) -> None:
        self.detail = detail
        summary = "Select a user." if detail is None else summary_markup(detail, currency, links)
        if summary != self._summary:
            self._summary = summary
            self.query_one("#summary", Static).update(summary)
        entries = detail.ledger if detail is not None else ()
        self._table.show([(str(e.id), ledger_cells(e, currency)) for e in entries])
