"""Admin alerts for problems with the bot's Kie account: one alert per problem, not per job.

A 401/402/433 means every job will fail the same way until the admin acts, so the first one alerts
and the rest stay quiet; a create that succeeds again proves the problem solved and re-arms the
alert. A 505 (Kie disabled a feature) concerns one model: that model is switched off for users
(API.md §9) and the alert names it. The state is kept in memory: after a restart a problem that
persists is reported once more, which is what an admin would want anyway.
"""

from __future__ import annotations

import asyncio
import logging

from trt_local.core.errors import ModelUnavailable
from trt_local.kie.errors import (
    FeatureDisabledError,
    InsufficientCreditsError,
    KeyLimitError,
    KieError,
    UnauthorizedError,
)
from trt_local.services.notices import Notices
from trt_local.services.ports import AdminAlert, AlertCode
from trt_local.services.runtime_settings import RuntimeSettings

log = logging.getLogger("trt.engine")

_ACCOUNT_CODES: tuple[tuple[type[KieError], AlertCode, str], ...] = (
    (UnauthorizedError, AlertCode.KIE_UNAUTHORIZED, "Kie rejected the API key (401)"),
    (InsufficientCreditsError, AlertCode.KIE_NO_CREDITS, "the Kie account is out of credits (402)"),
    (KeyLimitError, AlertCode.KIE_KEY_LIMIT, "the Kie key's usage cap is exhausted (433)"),
)
_MODEL_PREFIX = "505:"


class Alarms:
    def __init__(self, notices: Notices, settings: RuntimeSettings) -> None:
        self._notices = notices
        self._settings = settings
        self._active: set[str] = set()
        # Concurrent 505s for one model must switch it off (and alert) once.
        self._switching = asyncio.Lock()

    @property
    def active(self) -> frozenset[str]:
        """Problems reported and not yet cleared (account codes, or ``505:<model id>``)."""
        return frozenset(self._active)

    async def report(self, exc: KieError, model_id: str) -> None:
        """Alert the admins about an account or model problem unless it is already reported."""
        if isinstance(exc, FeatureDisabledError):
            async with self._switching:
                await self._model_disabled(exc, model_id)
            return
        for kind, code, text in _ACCOUNT_CODES:
            if isinstance(exc, kind):
                self._raise(code.value, AdminAlert(code, f"{text}: {exc}"))
                return

    def clear_after_create(self, model_id: str) -> None:
        """A create went through: the account works, and so does this model."""
        self._active = {
            key
            for key in self._active
            if key.startswith(_MODEL_PREFIX) and key != _MODEL_PREFIX + model_id
        }

    async def _model_disabled(self, exc: KieError, model_id: str) -> None:
        key = _MODEL_PREFIX + model_id
        switched_off = False
        model = self._settings.catalog().get(model_id)
        if model is not None and model.enabled:
            try:
                await self._settings.set_model_enabled(model_id, False)
                switched_off = True
            except ModelUnavailable:
                log.warning("model %s left the catalog; cannot switch it off", model_id)
        if switched_off:
            # Switched off now, so an admin had it on: tell them even if reported before.
            self._active.discard(key)
        detail = f"Kie disabled {model_id} (505): {exc}"
        if switched_off:
            detail += "; it is now switched off for users until you switch it on again"
        self._raise(key, AdminAlert(AlertCode.KIE_MODEL_DISABLED, detail))

    def _raise(self, key: str, alert: AdminAlert) -> None:
        if key in self._active:
            return
        self._active.add(key)
        log.error("admin alert %s: %s", alert.code.value, alert.detail)
        self._notices.alert(alert)
