from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import JumpClock, money_invariant_violations
from trt_local.demo import DemoWorld, build_demo
from trt_local.kie import KieSandbox


@pytest.fixture
def clock() -> JumpClock:
    return JumpClock()


@pytest.fixture
def sandbox() -> KieSandbox:
    return KieSandbox(speed=0)


@pytest.fixture
def world(tmp_path: Path, clock: JumpClock, sandbox: KieSandbox) -> DemoWorld:
    return build_demo(tmp_path, clock=clock, sandbox=sandbox)


@pytest.fixture(autouse=True)
def money_invariant(tmp_path: Path) -> Iterator[None]:
    """After every dashboard test: each balance equals the sum of that user's ledger rows."""
    yield
    database = tmp_path / "trt.db"
    if database.exists():
        assert money_invariant_violations(database) == []
