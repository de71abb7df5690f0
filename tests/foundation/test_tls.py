"""Every HTTPS client of the bot shares one TLS context: the CA bundle is read once per start.

httpx reads certifi's bundle for each client it builds (~50 ms of CPU each); the bot opens two
Telegram clients and three Kie clients, so sharing cuts ~200 ms from a production start. Counted
at ``ssl.create_default_context``, which httpx calls once per bundle it loads.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import pytest

from trt_local.bot.application import default_requests
from trt_local.kie import KieClient
from trt_local.tls import client_context


@pytest.fixture
def contexts_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ssl.SSLContext]]:
    built: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(ssl, "create_default_context", counting)
    client_context.cache_clear()  # another test may have built it already
    yield built
    client_context.cache_clear()  # not one that went through the counter


async def test_the_telegram_and_kie_clients_read_the_ca_bundle_once(
    contexts_built: list[ssl.SSLContext],
) -> None:
    bot_request, updates_request = default_requests()
    kie = KieClient("a-real-key")  # no transport: real HTTPS clients, as in production
    try:
        assert len(contexts_built) == 1
        shared = contexts_built[0]
        assert shared is client_context()
        # Sharing must not loosen anything: certificates and host names are still checked.
        assert shared.verify_mode == ssl.CERT_REQUIRED
        assert shared.check_hostname
    finally:
        await bot_request.shutdown()
        await updates_request.shutdown()
        await kie.aclose()
