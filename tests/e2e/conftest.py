from __future__ import annotations

import pytest

from tests.e2e.harness import TOKEN
from trt_local.emulator import TelegramEmulator


@pytest.fixture
def emu() -> TelegramEmulator:
    return TelegramEmulator(TOKEN)
