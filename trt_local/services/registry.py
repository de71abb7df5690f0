"""The set of services the bot and the dashboard call; built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from trt_local.core.model_spec import Catalog
from trt_local.services.account import AccountService
from trt_local.services.admin import AdminService
from trt_local.services.billing import Billing
from trt_local.services.broadcasts import BroadcastService
from trt_local.services.credit_watch import CreditWatch
from trt_local.services.drafts import DraftService
from trt_local.services.engine import Engine
from trt_local.services.errors import ErrorLog
from trt_local.services.exports import Exporter
from trt_local.services.generation import GenerationService
from trt_local.services.kie_drift import KieDriftWatch
from trt_local.services.media import MediaService
from trt_local.services.pending_input import PendingInput
from trt_local.services.promo import PromoService
from trt_local.services.referrals import ReferralService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stars import StarsService
from trt_local.services.stats import StatsService
from trt_local.services.transfer_watch import TransferWatch
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserService

FlowResetter = Callable[[int], Awaitable[None]]


@dataclass(slots=True)
class Services:
    users: UserService
    drafts: DraftService
    billing: Billing
    settings: RuntimeSettings
    generation: GenerationService
    media: MediaService
    engine: Engine
    admin: AdminService
    stats: StatsService
    promo: PromoService
    referrals: ReferralService
    pending_input: PendingInput
    account: AccountService
    stars: StarsService
    transfers: TransferService
    transfer_watch: TransferWatch
    errors: ErrorLog
    exports: Exporter
    credit_watch: CreditWatch
    kie_drift: KieDriftWatch
    broadcasts: BroadcastService
    clock: Callable[[], float]
    # Features with per-user in-progress state (the wizard) register how to drop it here.
    flow_resetters: list[FlowResetter] = field(default_factory=list)

    @property
    def support_contact(self) -> str:
        """The live support contact (settings; the config's by default)."""
        return self.settings.operator.support_contact

    @property
    def terms_text(self) -> str:
        """The live terms for /terms; the built-in terms when empty."""
        return self.settings.operator.terms_text

    @property
    def payment_details(self) -> str:
        """Where users send a bank transfer; empty: manual transfers are off."""
        return self.transfers.details

    def catalog(self) -> Catalog:
        """The live catalog (admin on/off overrides applied)."""
        return self.settings.catalog()

    async def reset_user_flow(self, user_id: int) -> None:
        """A command preempts any flow: every feature forgets this user's unfinished state."""
        for resetter in self.flow_resetters:
            await resetter(user_id)
