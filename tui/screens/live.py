"""The base of screens that show live data: reload from the services while visible.

A timer asks for a reload every ``RELOAD_S`` seconds; a tick that finds the previous load still
running is dropped, so a slow query never piles up work (at most one load in flight, at most a
few per second). An explicit :meth:`reload` (a filter changed) replaces a running load instead.
Hidden screens and screens under a modal do not reload. Subclasses implement :meth:`load` and
must not define ``on_mount``/``on_screen_resume`` without knowing they chain (STACK-NOTES P7).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.css.query import NoMatches
from textual.screen import Screen

from trt_local.services.registry import Services
from tui.context import DashboardContext

log = logging.getLogger("trt.tui")


class LiveScreen(Screen[None]):
    RELOAD_S: ClassVar[float] = 1.0

    def __init__(self, context: DashboardContext) -> None:
        super().__init__()
        self.context = context
        self.loads = 0  # completed loads (tests watch progress with it)
        self._loading = False
        self._latest = 0  # number of the newest load started
        self._loaded = asyncio.Condition()

    def on_mount(self) -> None:
        self.set_interval(self.context.reload_s or self.RELOAD_S, self._tick)

    def on_screen_resume(self) -> None:
        self.reload()

    def _tick(self) -> None:
        if self.is_active and not self._loading:
            self.reload()

    def reload(self) -> None:
        """Load fresh data now (a running load is replaced)."""
        services = self.context.services
        if services is not None:
            self._loading = True
            self._latest += 1
            self._load_worker(services, self._latest)

    @work(exclusive=True, group="live-load")
    async def _load_worker(self, services: Services, number: int) -> None:
        try:
            await self.load(services)
        except NoMatches as exc:
            # The screen's widgets are not there (yet, or any more): it was resumed before its
            # children mounted, or torn down while the load awaited the database. The next tick
            # loads again; a load that never succeeds shows as a screen that never fills (`loads`).
            log.debug("%s skipped a load: %s", type(self).__name__, exc)
            return
        except sqlite3.Error as exc:
            # A busy or failing database must not take the dashboard (and the bot) down:
            # say so and try again on the next tick.
            log.warning("%s could not load: %s", type(self).__name__, exc)
            self.notify(f"Could not read the database: {exc}", severity="error")
        else:
            self.loads += 1
            async with self._loaded:
                self._loaded.notify_all()
        finally:
            if number == self._latest:  # a replaced load must not clear its successor's flag
                self._loading = False

    async def wait_loaded(self, predicate: Callable[[], bool]) -> None:
        """Wait until a completed load leaves ``predicate()`` true (tests, scripted demos)."""
        async with self._loaded:
            await self._loaded.wait_for(predicate)

    async def load(self, services: Services) -> None:
        """Read from the services and update the widgets."""
        raise NotImplementedError
