"""Fixtures for the service tests: a real SQLite file, the real Kie client over the sandbox,
a fake clock, a recording notifier — and the money invariant checked after every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from trt_local.core import Catalog, default_catalog
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserService, UserView
from trt_local.storage.db import Database
from trt_local.storage.free_grants import FreeGrantsRepo
from trt_local.storage.users import UsersRepo

from .helpers import API_KEY, FakeClock, Gate, RecordingNotifier

MakeUser = Callable[..., Awaitable[UserView]]
MakeEngine = Callable[..., Engine]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "trt.db"


@pytest.fixture(autouse=True)
async def money_invariant(db_path: Path) -> AsyncIterator[None]:
    """After every test: each user's balance equals the sum of their ledger rows."""
    yield
    db = await Database.open(db_path)  # its own connection: works even if the test closed one
    try:
        assert await Billing(db, clock=lambda: 0.0).invariant_violations() == []
        assert await FreeGrantsRepo(db).invariant_violations() == []
    finally:
        await db.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture
async def settings(db: Database, catalog: Catalog) -> RuntimeSettings:
    return await RuntimeSettings.open(db, catalog)


@pytest.fixture
def sandbox(clock: FakeClock) -> KieSandbox:
    return KieSandbox(clock=clock)


@pytest.fixture
def gate(sandbox: KieSandbox) -> Gate:
    return Gate(sandbox)


@pytest.fixture
async def kie(gate: Gate, clock: FakeClock) -> AsyncIterator[KieClient]:
    client = KieClient(
        API_KEY, transport=gate, clock=clock, sleep=clock.sleep, jitter=lambda ceiling: ceiling
    )
    yield client
    await client.aclose()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def make_engine(
    db: Database,
    kie: KieClient,
    notifier: RecordingNotifier,
    settings: RuntimeSettings,
    clock: FakeClock,
) -> MakeEngine:
    """A new Engine on the shared database (a second one plays the restarted process)."""

    def make(limits: EngineLimits | None = None) -> Engine:
        return Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep, limits=limits)

    return make


@pytest.fixture
def engine(make_engine: MakeEngine) -> Engine:
    return make_engine()


@pytest.fixture
def generation(
    db: Database, settings: RuntimeSettings, engine: Engine, clock: FakeClock
) -> GenerationService:
    return GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)


@pytest.fixture
def billing(db: Database, clock: FakeClock) -> Billing:
    return Billing(db, clock=clock)


@pytest.fixture
def make_user(db: Database, billing: Billing, clock: FakeClock) -> MakeUser:
    """A user in the database with ``balance`` minor units (topped up through the ledger)."""
    users = UserService(UsersRepo(db), admin_ids=frozenset(), clock=clock)

    async def make(user_id: int, *, balance: int = 0, admin: bool = False) -> UserView:
        await users.seen(user_id, username=None, first_name=f"user{user_id}", language_code="en")
        if admin:
            await UsersRepo(db).set_flags(user_id, is_admin=True)
        if balance:
            await billing.admin_topup(1, user_id, balance, "test money")
        view = await users.get(user_id)
        assert view is not None
        return view

    return make
