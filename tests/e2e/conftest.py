from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN, free_grant_violations, money_invariant_violations
from trt_local.emulator import TelegramEmulator


@pytest.fixture
def emu() -> TelegramEmulator:
    return TelegramEmulator(TOKEN)


@pytest.fixture(autouse=True)
def money_invariant(tmp_path: Path) -> Iterator[None]:
    """After every end-to-end test: each balance equals the sum of that user's ledger rows, and
    each user's granted free generations the sum of their grants."""
    yield
    database = tmp_path / "trt.db"
    if database.exists():
        assert money_invariant_violations(database) == []
        assert free_grant_violations(database) == []
