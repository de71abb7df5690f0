"""100 000 jobs and 50 000 users: every screen loads, and the bot still answers promptly.

Nothing here measures wall-clock time. Promptness is counted in the dashboard's own progress:
while the Jobs screen reloads its page back to back, a ``/start`` must be answered within a
few reloads, and the reloads must keep coming afterwards (neither starves the other).
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste
from tests.tui.seed import FIRST_USER_ID, migrated, seed
from trt_local.demo import build_demo
from trt_local.kie import KieSandbox
from tui.screens.dashboard import DashboardScreen
from tui.screens.jobs import JobsScreen
from tui.screens.users import UsersScreen

JOBS, USERS = 100_000, 50_000
MAX_RELOADS_BEFORE_REPLY = 10


def loaded_at_least(screen: JobsScreen, count: int) -> bool:
    return screen.loads >= count


@pytest.fixture(scope="session")
def big_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "trt.db"
    asyncio.run(migrated(path))
    seed(path, users=USERS, jobs=JOBS, now=time.time())
    return path


async def test_the_bot_answers_while_a_huge_jobs_table_reloads(
    big_database: Path, tmp_path: Path
) -> None:
    shutil.copyfile(big_database, tmp_path / "trt.db")
    clock = JumpClock()
    world = build_demo(tmp_path, clock=clock, sandbox=KieSandbox(speed=0))
    async with dashboard(world) as (app, pilot):
        await pilot.press("f2")
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        await loaded(jobs, lambda: len(jobs.rows) == 100 and jobs.rows[0].id == JOBS)

        stop = asyncio.Event()

        async def reload_back_to_back() -> None:
            while not stop.is_set():
                target = jobs.loads + 1
                jobs.reload()
                await jobs.wait_loaded(functools.partial(loaded_at_least, jobs, target))

        hammer = asyncio.create_task(reload_back_to_back())
        ann = Person(world.emulator.user(FIRST_USER_ID + 7, "Ann"), clock)
        before = jobs.loads
        await ann.send("/start")
        await ann.wait("What shall we make?")
        during = jobs.loads - before
        await loaded(jobs, lambda: jobs.loads >= before + during + 3)  # and they keep coming
        stop.set()
        await hammer
        assert during <= MAX_RELOADS_BEFORE_REPLY, f"/start waited behind {during} reloads"

        await pilot.press("n", "n")  # keyset pages: page 3 costs what page 1 does
        await loaded(jobs, lambda: bool(jobs.rows) and jobs.rows[0].id == JOBS - 200)

        await pilot.press("f3")
        users = app.screen
        assert isinstance(users, UsersScreen)
        await loaded(users, lambda: len(users.users) == 100)
        await paste(pilot, "@user4999", into=users.query_one("#search", Input))
        await loaded(users, lambda: [u.username for u in users.users][:1] == ["user4999"])

        await pilot.press("f1")
        board = app.screen
        assert isinstance(board, DashboardScreen)
        await loaded(board, lambda: board.loads >= 2)
