"""Users: search as you type, one user's balance and ledger, adjust, block, make admin.

The search runs on every keystroke (a newer one replaces a running query) against indexed SQL;
100 users per page. Money changes go through ``Billing.adjust`` and flags through the admin
service, exactly as the Telegram admin panel does it; each action is confirmed first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Input, Static

from trt_local.core.errors import InsufficientFunds
from trt_local.services.admin import DASHBOARD_ACTOR, AdminRefused, Refusal, UserSummary
from trt_local.services.registry import Services
from tui.context import DashboardContext
from tui.formatting import money
from tui.screens.adjust import Adjustment, AdjustScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.live import LiveScreen
from tui.widgets.status_line import StatusLine
from tui.widgets.table_sync import TableSync
from tui.widgets.user_detail import UserDetailPane

PAGE_SIZE = 100
COLUMNS = ("id", "name", "username", "balance", "free", "flags")


def user_cells(user: UserSummary, currency: str) -> tuple[object, ...]:
    flags = " ".join(
        flag for flag, on in (("blocked", user.blocked), ("admin", user.is_admin)) if on
    )
    return (
        user.id,
        Text(user.name or "–"),
        Text(f"@{user.username}" if user.username else "–"),
        Text(money(user.balance_minor, currency)),
        user.free_left,
        Text(flags, style="red" if user.blocked else "bold"),
    )


_REFUSALS = {
    Refusal.ADMIN: "Admins cannot be blocked: revoke their admin rights first.",
    Refusal.OWNER: "This admin is listed in TRT_ADMIN_IDS / config.toml: remove them there.",
    Refusal.NOT_OWNER: "Only owners can change admin rights.",
}


class UsersScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 2.0
    DEFAULT_CSS = """
    UsersScreen #search-row { height: auto; padding: 0 1; }
    UsersScreen #search { width: 1fr; }
    UsersScreen #count { width: 30; height: 3; content-align: right middle; color: $text-muted; }
    UsersScreen #main { height: 1fr; }
    UsersScreen #users { width: 1fr; height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "adjust", "Adjust balance"),
        Binding("b", "toggle_block", "Block/unblock"),
        Binding("m", "toggle_admin", "Admin on/off"),
        Binding("n", "next_page", "More"),
        Binding("p", "previous_page", "Back"),
        Binding("slash", "focus_search", "Search"),
    ]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.query_text = ""
        self.users: list[UserSummary] = []
        self.page_start = 0
        self._selected: int | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal(id="search-row"):
            yield Input(placeholder="search: id, @username or part of the name", id="search")
            yield Static("", id="count")
        with Horizontal(id="main"):
            yield DataTable(id="users", cursor_type="row", zebra_stripes=True)
            yield UserDetailPane(id="user-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#users", DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self._table = TableSync(table, COLUMNS)
        self.query_one("#search", Input).focus()

    # -- loading --------------------------------------------------------------------------------

    async def load(self, services: Services) -> None:
        currency = services.settings.prices.currency
        self.users = await services.admin.search_users(
            self.query_text, limit=PAGE_SIZE, offset=self.page_start
        )
        self._fill(currency)
        first = self.page_start + 1 if self.users else 0
        self.query_one("#count", Static).update(
            f"{first}–{self.page_start + len(self.users)} shown"
        )
        if self._selected is None and self.users:
            self._selected = self.users[0].id
        await self._load_detail(services)

    def _fill(self, currency: str) -> None:
        self._table.show([(str(user.id), user_cells(user, currency)) for user in self.users])

    async def _load_detail(self, services: Services) -> None:
        detail = await services.admin.user_detail(self._selected) if self._selected else None
        pane = self.query_one("#user-detail", UserDetailPane)
        pane.show(detail, services.settings.prices.currency)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "users" or event.row_key.value is None:
            return
        self._selected = int(event.row_key.value)
        services = self.context.services
        if services is not None:
            self._detail_worker(services)

    @work(exclusive=True, group="user-detail")
    async def _detail_worker(self, services: Services) -> None:
        try:
            await self._load_detail(services)
        except NoMatches:
            return  # torn down while the query ran: nothing left to show it in

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search" and event.value != self.query_text:
            self.query_text = event.value
            self.page_start = 0
            self._selected = None
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.query_one("#users", DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_next_page(self) -> None:
        if len(self.users) == PAGE_SIZE:
            self.page_start += PAGE_SIZE
            self.reload()

    def action_previous_page(self) -> None:
        if self.page_start:
            self.page_start = max(0, self.page_start - PAGE_SIZE)
            self.reload()

    # -- actions --------------------------------------------------------------------------------

    def _current(self) -> tuple[Services, UserSummary] | None:
        services = self.context.services
        detail = self.query_one("#user-detail", UserDetailPane).detail
        if services is None or detail is None:
            self.notify("Select a user first.", severity="warning")
            return None
        return services, detail.user

    def action_adjust(self) -> None:
        current = self._current()
        if current is not None:
            services, user = current
            screen = AdjustScreen(user, services.settings.prices.currency)
            self.app.push_screen(screen, lambda result: self._adjusted(services, result))

    def _adjusted(self, services: Services, result: Adjustment | None) -> None:
        if result is not None:
            self._adjust_worker(services, result)

    @work(group="user-action")
    async def _adjust_worker(self, services: Services, change: Adjustment) -> None:
        currency = services.settings.prices.currency
        try:
            done = await services.billing.adjust(
                DASHBOARD_ACTOR, change.user_id, change.delta_minor, change.reason
            )
        except InsufficientFunds:
            self.notify("Refused: the balance cannot go below zero.", severity="error")
        else:
            self.notify(f"New balance: {money(done.balance_minor, currency)}.")
        self.reload()

    def action_toggle_block(self) -> None:
        current = self._current()
        if current is None:
            return
        _, user = current
        verb = "Unblock" if user.blocked else "Block"
        question = f"{verb} {user.name or user.id} ({user.id})?"
        if not user.blocked:
            question += "\nThe bot will refuse everything they send."
        self._confirm_flag(ConfirmScreen(question, yes=verb), user.id, "blocked", not user.blocked)

    def action_toggle_admin(self) -> None:
        current = self._current()
        if current is None:
            return
        _, user = current
        if user.admin_from_config:
            self.notify(
                "This admin is listed in TRT_ADMIN_IDS / config.toml: remove them there.",
                severity="warning",
            )
            return
        verb = "Revoke admin rights of" if user.is_admin else "Make admin:"
        question = ConfirmScreen(f"{verb} {user.name or user.id} ({user.id})?", yes="Yes")
        self._confirm_flag(question, user.id, "admin", not user.is_admin)

    def _confirm_flag(self, question: ConfirmScreen, user_id: int, flag: str, on: bool) -> None:
        def answered(yes: bool | None) -> None:
            services = self.context.services
            if yes and services is not None:
                self._flag_worker(services, user_id, flag, on)

        self.app.push_screen(question, answered)

    @work(group="user-action")
    async def _flag_worker(self, services: Services, user_id: int, flag: str, on: bool) -> None:
        try:
            if flag == "blocked":
                await services.admin.set_blocked(DASHBOARD_ACTOR, user_id, on)
            else:
                await services.admin.set_admin(DASHBOARD_ACTOR, user_id, on)
        except AdminRefused as refused:
            self.notify(_REFUSALS[refused.refusal], severity="warning")
        self.reload()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Users: adjust balance", "Add or take money, with a reason (a)", self.action_adjust
        )
        yield SystemCommand(
            "Users: block or unblock",
            "Toggle the selected user's block (b)",
            self.action_toggle_block,
        )
        yield SystemCommand(
            "Users: admin on or off", "Toggle admin rights (m)", self.action_toggle_admin
        )
        yield SystemCommand("Users: search", "Focus the search field (/)", self.action_focus_search)
