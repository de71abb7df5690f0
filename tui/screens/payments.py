"""Payments: the manual-transfer review queue (approve, reject with a reason) and recent Stars
payments (refund).

Decisions go through the same service calls as the Telegram buttons, as the dashboard operator;
telling the user (and updating every admin's copy of the proof) is the transfer watch's job, which
a decision wakes, so a dashboard decision reaches the user exactly as a Telegram one does. The
dashboard cannot show a Telegram photo inline: it shows the proof's file id and can save the
photo (getFile) into the data folder's ``proofs`` for the operator to open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.widgets import DataTable, Footer, Label, Static

from trt_local.core.errors import TransferRefused
from trt_local.services.admin import DASHBOARD_ACTOR
from trt_local.services.registry import Services
from trt_local.services.stars import (
    NotRefundable,
    PaymentNotFound,
    RefundNotCovered,
    RefundRejected,
    RefundUnconfirmed,
    StarsError,
)
from trt_local.storage.payments import PaymentRecord
from trt_local.storage.transfers import TransferRecord
from tui.context import DashboardContext
from tui.formatting import age, money, timestamp
from tui.screens.confirm import ConfirmScreen
from tui.screens.live import LiveScreen
from tui.screens.reason import ReasonScreen
from tui.widgets.status_line import StatusLine
from tui.widgets.table_sync import TableSync

TRANSFER_COLUMNS = ("id", "user", "amount", "age", "comment")
STARS_COLUMNS = ("id", "user", "amount", "stars", "status", "paid")
STARS_SHOWN = 50


def transfer_cells(transfer: TransferRecord, currency: str, now: float) -> tuple[object, ...]:
    return (
        transfer.id,
        transfer.user_id,
        Text(money(transfer.amount_minor, currency)),
        age(transfer.created_at, now),
        Text(transfer.comment.replace("\n", " ")[:60] or "–"),
    )


def stars_cells(payment: PaymentRecord, currency: str) -> tuple[object, ...]:
    return (
        payment.id,
        payment.user_id,
        Text(money(payment.amount_minor, currency)),
        payment.stars or 0,
        Text(payment.status, style="red" if payment.status == "refunded" else ""),
        timestamp(payment.decided_at or payment.created_at),
    )


def proof_text(transfer: TransferRecord | None) -> str:
    if transfer is None:
        return "No transfer waits for review."
    return (
        f"Transfer #{transfer.id}: proof photo file id {transfer.proof_file_id}\n"
        f"d saves the photo to the data folder to open it; every admin also got it in Telegram "
        f'as "Transfer #{transfer.id}".'
    )


def refund_problem(error: StarsError, payment_id: int, currency: str) -> str:
    """One line for a refused refund."""
    if isinstance(error, RefundNotCovered):
        return (
            f"Refused: the balance ({money(error.balance_minor, currency)}) no longer covers "
            f"the refund of {money(error.amount_minor, currency)}."
        )
    if isinstance(error, NotRefundable):
        return f"Payment #{payment_id} is {error.status}: only a paid payment can be refunded."
    if isinstance(error, PaymentNotFound):
        return f"There is no Stars payment #{payment_id}."
    if isinstance(error, RefundRejected):
        return f"Telegram refused the refund: {error.detail}"
    if isinstance(error, RefundUnconfirmed):
        return "Telegram did not confirm the refund; nothing changed here, try again."
    return str(error)


class PaymentsScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 2.0
    DEFAULT_CSS = """
    PaymentsScreen #body { height: 1fr; padding: 0 1; }
    PaymentsScreen Label { margin-top: 1; text-style: bold; }
    PaymentsScreen #transfers { height: 1fr; }
    PaymentsScreen #proof { height: auto; color: $text-muted; }
    PaymentsScreen #stars { height: 1fr; }
    PaymentsScreen #outcome { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve"),
        Binding("r", "reject", "Reject"),
        Binding("f", "refund", "Refund Stars"),
        Binding("d", "download_proof", "Download proof"),
    ]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.transfers: list[TransferRecord] = []
        self.stars: list[PaymentRecord] = []
        self._transfer_id: int | None = None
        self._payment_id: int | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Vertical(id="body"):
            yield Label("Transfers waiting for review (a approve · r reject)")
            yield DataTable(id="transfers", cursor_type="row", zebra_stripes=True)
            yield Static("", id="proof", markup=False)
            yield Static("", id="outcome", markup=False)
            yield Label("Recent Telegram Stars payments (f refund)")
            yield DataTable(id="stars", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        transfers = self.query_one("#transfers", DataTable)
        for column in TRANSFER_COLUMNS:
            transfers.add_column(column, key=column)
        stars = self.query_one("#stars", DataTable)
        for column in STARS_COLUMNS:
            stars.add_column(column, key=column)
        self._transfer_table = TableSync(transfers, TRANSFER_COLUMNS)
        self._stars_table = TableSync(stars, STARS_COLUMNS)
        transfers.focus()

    async def load(self, services: Services) -> None:
        currency = services.settings.prices.currency
        now = services.clock()
        self.transfers = await services.transfers.pending()
        self.stars = await services.stars.recent(limit=STARS_SHOWN)
        self._transfer_table.show(
            [(str(t.id), transfer_cells(t, currency, now)) for t in self.transfers]
        )
        self._stars_table.show([(str(p.id), stars_cells(p, currency)) for p in self.stars])
        ids = {transfer.id for transfer in self.transfers}
        if self._transfer_id not in ids:
            self._transfer_id = self.transfers[0].id if self.transfers else None
        if self._payment_id not in {payment.id for payment in self.stars}:
            self._payment_id = self.stars[0].id if self.stars else None
        self._show_proof()

    def _selected_transfer(self) -> TransferRecord | None:
        return next((t for t in self.transfers if t.id == self._transfer_id), None)

    def _show_proof(self) -> None:
        self.query_one("#proof", Static).update(proof_text(self._selected_transfer()))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        if event.data_table.id == "transfers":
            self._transfer_id = int(event.row_key.value)
            self._show_proof()
        elif event.data_table.id == "stars":
            self._payment_id = int(event.row_key.value)

    # -- transfers ------------------------------------------------------------------------------

    def _transfer_or_warn(self) -> tuple[Services, TransferRecord] | None:
        services = self.context.services
        transfer = self._selected_transfer()
        if services is None or transfer is None:
            self._say("No transfer selected.", severity="warning")
            return None
        return services, transfer

    def action_approve(self) -> None:
        chosen = self._transfer_or_warn()
        if chosen is None:
            return
        services, transfer = chosen
        amount = money(transfer.amount_minor, services.settings.prices.currency)
        question = (
            f"Approve transfer #{transfer.id}: {amount} from user {transfer.user_id}?\n"
            "Only if the money has arrived: the balance is credited at once."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._approve_worker(services, transfer.id)

        self.app.push_screen(ConfirmScreen(question, yes="Approve"), answered)

    @work(group="payment-action")
    async def _approve_worker(self, services: Services, transfer_id: int) -> None:
        currency = services.settings.prices.currency
        try:
            decision = await services.transfers.approve(DASHBOARD_ACTOR, transfer_id)
        except TransferRefused:
            self._say(f"There is no transfer #{transfer_id}.", severity="warning")
        else:
            record = decision.transfer
            if decision.applied and decision.balance_minor is not None:
                self._say(
                    f"Transfer #{record.id} approved: user {record.user_id} now has "
                    f"{money(decision.balance_minor, currency)}; they are being told."
                )
            else:
                self._say(f"Transfer #{record.id} was {record.status} already.")
        self.reload()

    def action_reject(self) -> None:
        chosen = self._transfer_or_warn()
        if chosen is None:
            return
        services, transfer = chosen
        amount = money(transfer.amount_minor, services.settings.prices.currency)
        question = (
            f"Reject transfer #{transfer.id} ({amount} from user {transfer.user_id}).\n"
            "Why? The user is told this reason."
        )

        def answered(reason: str | None) -> None:
            if reason:
                self._reject_worker(services, transfer.id, reason)

        self.app.push_screen(ReasonScreen(question, yes="Reject"), answered)

    @work(group="payment-action")
    async def _reject_worker(self, services: Services, transfer_id: int, reason: str) -> None:
        try:
            decision = await services.transfers.reject(DASHBOARD_ACTOR, transfer_id, reason)
        except TransferRefused:
            self._say(f"There is no transfer #{transfer_id}.", severity="warning")
        else:
            record = decision.transfer
            if decision.applied:
                self._say(f"Transfer #{record.id} rejected; the user is being told why.")
            else:
                self._say(f"Transfer #{record.id} was {record.status} already.")
        self.reload()

    def action_download_proof(self) -> None:
        chosen = self._transfer_or_warn()
        if chosen is not None:
            self._download_worker(chosen[1])

    @work(exclusive=True, group="proof-download")
    async def _download_worker(self, transfer: TransferRecord) -> None:
        folder = self.context.host.settings.paths.proofs_dir
        try:
            path = await self.context.host.download_file(
                transfer.proof_file_id, folder, f"transfer-{transfer.id}"
            )
        except (RuntimeError, OSError) as exc:
            reason = self.context.redact(str(exc))
            self._say(f"Could not download the proof: {reason}", severity="error")
            return
        self._say(f"Proof of transfer #{transfer.id} saved to {path}")

    # -- Stars ----------------------------------------------------------------------------------

    def action_refund(self) -> None:
        services = self.context.services
        payment = next((p for p in self.stars if p.id == self._payment_id), None)
        if services is None or payment is None:
            self._say("No Stars payment selected.", severity="warning")
            return
        amount = money(payment.amount_minor, services.settings.prices.currency)
        question = (
            f"Refund Stars payment #{payment.id}: {payment.stars or 0} ⭐ back to user "
            f"{payment.user_id}, {amount} taken from their balance?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._refund_worker(services, payment.id)

        self.app.push_screen(ConfirmScreen(question, yes="Refund"), answered)

    @work(group="payment-action")
    async def _refund_worker(self, services: Services, payment_id: int) -> None:
        currency = services.settings.prices.currency
        try:
            done = await services.stars.refund(DASHBOARD_ACTOR, payment_id)
        except StarsError as error:
            problem = self.context.redact(refund_problem(error, payment_id, currency))
            self._say(problem, severity="error")
        else:
            if not done.applied:
                self._say(f"Payment #{payment_id} was refunded already.")
            else:
                text = (
                    f"Payment #{payment_id} refunded: {money(done.taken_minor, currency)} taken "
                    f"back, balance {money(done.balance_minor, currency)}."
                )
                if done.shortfall_minor:
                    text += f" {money(done.shortfall_minor, currency)} had been spent meanwhile."
                self._say(text)
        self.reload()

    def _say(self, text: str, *, severity: SeverityLevel = "information") -> None:
        """The outcome of an action: a toast, and one line that stays until the next action."""
        self.notify(text, severity=severity)
        self.query_one("#outcome", Static).update(text)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Payments: approve transfer", "Credit the selected transfer (a)", self.action_approve
        )
        yield SystemCommand(
            "Payments: reject transfer", "Reject it with a reason (r)", self.action_reject
        )
        yield SystemCommand(
            "Payments: refund Stars", "Refund the selected Stars payment (f)", self.action_refund
        )
