"""Shared fixtures for the Kie client and sandbox tests: a fake clock and client factories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from trt_local.kie import KieClient, KieSandbox

from .helpers import API_KEY, FakeClock, MakeClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_client(clock: FakeClock) -> AsyncIterator[MakeClient]:
    """Build clients on a transport with the fake clock and a jitter-free backoff."""
    made: list[KieClient] = []

    def make(transport: httpx.AsyncBaseTransport, **kwargs: Any) -> KieClient:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.sleep)
        kwargs.setdefault("jitter", lambda ceiling: ceiling)
        client = KieClient(API_KEY, transport=transport, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def sandbox(clock: FakeClock) -> KieSandbox:
    return KieSandbox(clock=clock)


@pytest.fixture
def kie(sandbox: KieSandbox, make_client: MakeClient) -> KieClient:
    """The real client on top of the sandbox."""
    return make_client(sandbox)
