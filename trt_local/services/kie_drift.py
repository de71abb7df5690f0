"""The drift check: do the enabled models still exist at Kie, at the prices we pay?

Kie's catalog endpoint (:mod:`trt_local.kie.catalog_api`) is asked first; a model it no longer
lists, or lists at credits ours do not have, is a difference. When that endpoint is missing (404)
or unreadable, each enabled family's status endpoint is probed instead, which can only tell that a
family answers 505 (feature disabled). The check only reports: it never changes a price or
switches a model off; the admin decides in Settings. ``trt doctor --kie`` prints one report;
:class:`KieDriftWatch` keeps the newest in ``bot_state`` for the dashboard and refreshes it at
most hourly, starting and stopping with the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from trt_local.core.model_spec import ModelSpec
from trt_local.kie.catalog_api import (
    CatalogAPI,
    CatalogShapeError,
    KieListing,
    KieModels,
    Probe,
    ProbeResult,
    registered_families,
    status_path,
)
from trt_local.kie.errors import KieError, NotFoundError
from trt_local.services.background import BackgroundTask, run_every
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.bot_state import BotStateRepo

log = logging.getLogger("trt.kie.drift")

STATE_KEY = "kie.drift"
CHECK_EVERY_S = 3600.0  # Kie limits these endpoints; prices do not change by the minute
FIRST_CHECK_AFTER_S = 120.0  # not at start: the bot first gets on with its users
MARKET = "jobs"  # the family whose model names are Kie's catalog names


@dataclass(frozen=True, slots=True)
class DriftReport:
    """One check: ``differences`` (one line each), ``notes`` on how it went, ``problems`` that
    kept part of it from being checked."""

    checked_at: float
    differences: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """No drift found and nothing left unchecked."""
        return not self.differences and not self.problems

    def summary(self) -> str:
        """ "no drift", "2 differences", "1 difference; 1 part not checked"…"""
        count = len(self.differences)
        text = "no drift" if not count else f"{count} difference{'' if count == 1 else 's'}"
        if self.problems:
            text += f"; {len(self.problems)} part{'' if len(self.problems) == 1 else 's'} "
            text += "not checked"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "at": self.checked_at,
            "differences": list(self.differences),
            "notes": list(self.notes),
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, raw: object) -> DriftReport | None:
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                float(raw["at"]),
                _strings(raw.get("differences")),
                _strings(raw.get("notes")),
                _strings(raw.get("problems")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _strings(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise TypeError("expected a list")
    return tuple(str(item) for item in raw)


def our_credits(model: ModelSpec) -> frozenset[Decimal]:
    """Every per-unit credit price the catalog entry may charge (core.pricing_rule)."""
    rule = model.pricing
    return frozenset({rule.base_credits, *(case.credits for case in rule.by)})


def credits_text(credits: Iterable[Decimal]) -> str:
    return "/".join(f"{c.normalize():f}" for c in sorted(credits))


async def check_drift(api: CatalogAPI, models: Sequence[ModelSpec], *, now: float) -> DriftReport:
    """Compare ``models`` (the enabled ones) with what Kie reports."""
    differences: list[str] = []
    notes: list[str] = []
    problems: list[str] = []
    answer: KieModels | None = None
    try:
        answer = await api.models()
    except NotFoundError:
        notes.append("Kie's catalog endpoint answered 404; probed each family instead")
    except CatalogShapeError:
        notes.append(
            "Kie's catalog endpoint did not answer in a known shape; probed each family instead"
        )
    except KieError as exc:
        notes.append(f"Kie's catalog endpoint failed ({exc}); probed each family instead")
    to_probe: list[ModelSpec] = []
    unpriced: list[str] = []
    if answer is None:
        to_probe = list(models)
    else:
        if not answer.complete:
            notes.append(
                "Kie's catalog answered one page only; models not on it were probed instead"
            )
        for model in models:
            entry = answer.listings.get(model.id)
            if entry is None and (model.endpoint != MARKET or not answer.complete):
                # A dedicated family's model name need not be a Market catalog name, and a
                # model missing from one page may be on the next.
                to_probe.append(model)
            elif entry is None:
                differences.append(f"model {model.id}: Kie no longer lists it")
            else:
                line = await _price_difference(api, model, entry, problems, unpriced)
                if line:
                    differences.append(line)
    if unpriced:
        shown = ", ".join(unpriced[:5]) + (", …" if len(unpriced) > 5 else "")
        notes.append(f"Kie named no price for {len(unpriced)} model(s): {shown}")
    await _probe(api, to_probe, differences, notes, problems)
    return DriftReport(now, tuple(differences), tuple(notes), tuple(problems))


async def _price_difference(
    api: CatalogAPI,
    model: ModelSpec,
    entry: KieListing,
    problems: list[str],
    unpriced: list[str],
) -> str:
    kie = entry.credits
    if not kie:
        try:
            kie = await api.price(model.id)
        except KieError as exc:
            problems.append(f"model {model.id}: Kie gave no price ({exc})")
            return ""
    ours = our_credits(model)
    if not kie:
        unpriced.append(model.id)
    if not kie or kie <= ours:
        return ""
    return (
        f"model {model.id}: price {credits_text(ours)} → {credits_text(kie)} credits (Kie), "
        f"ours {credits_text(ours)}"
    )


async def _probe(
    api: CatalogAPI,
    models: Sequence[ModelSpec],
    differences: list[str],
    notes: list[str],
    problems: list[str],
) -> None:
    """One free status call per family of ``models``; a 505 marks each of its models.

    Families that share a status endpoint (Veo and its 4K upgrade) share one call.
    """
    families = list(dict.fromkeys(model.endpoint for model in models))
    known = registered_families()
    asked: dict[str, Probe] = {}
    for name in families:
        members = [model for model in models if model.endpoint == name]
        if name not in known:
            notes.append(f"family {name}: not probed (no adapter registered)")
            continue
        path = status_path(name)
        probe = asked[path] if path in asked else await api.probe(name)
        asked[path] = probe
        if probe.result is ProbeResult.DISABLED:
            differences.extend(
                f"model {model.id}: Kie answers 505 feature disabled" for model in members
            )
        elif probe.result is None:
            problems.append(f"family {name}: the status probe failed ({probe.detail})")


class KieDriftWatch:
    """The newest drift report, refreshed at most every ``every_s`` by a background task."""

    def __init__(
        self,
        api: CatalogAPI,
        settings: RuntimeSettings,
        state: BotStateRepo,
        *,
        clock: Callable[[], float],
        every_s: float = CHECK_EVERY_S,
        first_after_s: float = FIRST_CHECK_AFTER_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._api = api
        self._settings = settings
        self._state = state
        self._clock = clock
        self._every_s = every_s
        self._first_after_s = first_after_s
        self._sleep = sleep
        self._report: DriftReport | None = None
        self._loaded = False
        self._background = BackgroundTask("trt-kie-drift", self._run)
        self._lock = asyncio.Lock()

    @property
    def report(self) -> DriftReport | None:
        """The newest report this process knows (see :meth:`last` for the stored one)."""
        return self._report

    async def last(self) -> DriftReport | None:
        """The newest report, from ``bot_state`` after a restart."""
        if not self._loaded:
            self._report = DriftReport.from_json(await self._state.get(STATE_KEY))
            self._loaded = True
        return self._report

    async def refresh(self) -> DriftReport:
        """Check again unless the newest report is younger than ``every_s``; return the newest.

        Raises nothing from Kie: what failed is in the report's notes and problems.
        """
        async with self._lock:
            last = await self.last()
            now = self._clock()
            if last is not None and 0 <= now - last.checked_at < self._every_s:
                return last
            report = await check_drift(
                self._api, self._settings.catalog().enabled_models(), now=now
            )
            await self._state.put(STATE_KEY, report.to_json())
            self._report = report
            if report.differences:
                log.warning("Kie catalog drift: %s", "; ".join(report.differences))
            return report

    # -- the periodic check ---------------------------------------------------------------------

    def start(self) -> None:
        self._background.start()

    async def stop(self) -> None:
        await self._background.stop()

    async def _run(self) -> None:
        await run_every(
            self._refresh_when_due,
            first_after_s=self._first_after_s,
            retry_after_s=max(self._every_s, self._first_after_s),
            sleep=self._sleep,
            log=log,
            failed="the Kie catalog check failed",
        )

    async def _refresh_when_due(self) -> float:
        """Refresh; the seconds until the report is ``every_s`` old (``first_after_s`` at least)."""
        report = await self.refresh()
        due = report.checked_at + self._every_s - self._clock()
        return max(due, self._first_after_s)
