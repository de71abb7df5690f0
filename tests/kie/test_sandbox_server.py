"""The sandbox over loopback HTTP under the real client: what a bot in another process sees."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from trt_local.kie import (
    KieClient,
    KieSandbox,
    KieSandboxServer,
    KieTransportError,
    NotFoundError,
)

from .helpers import FakeClock, MakeClient

MAX = 5_000_000


@pytest.fixture
async def server(sandbox: KieSandbox) -> AsyncIterator[KieSandboxServer]:
    async with KieSandboxServer(sandbox) as started:
        yield started


def over_http(make_client: MakeClient, server: KieSandboxServer) -> KieClient:
    """A client with no transport of its own: real sockets to the server."""
    return make_client(None, api_base=server.base_url, upload_base=server.base_url)


async def test_a_task_outlives_the_client_that_created_it(
    make_client: MakeClient, server: KieSandboxServer, clock: FakeClock
) -> None:
    first = over_http(make_client, server)
    task_id = await first.create_task(
        "bytedance/seedream-v4-text-to-image", {"prompt": "a fox", "max_images": 2}
    )
    await first.aclose()  # the bot crashed; the sandbox did not
    clock.advance(60)

    second = over_http(make_client, server)
    record = await second.record_info(task_id)

    assert record.is_success and len(record.result_urls) == 2
    assert all(url.startswith(f"{server.base_url}/files/{task_id}/") for url in record.result_urls)
    files = [await second.download(url, max_bytes=MAX) for url in record.result_urls]
    rendered = server.sandbox.account.tasks[task_id].ensure_files()
    assert [f.content for f in files] == [f.content for f in rendered]
    assert files[0].content.startswith(b"\x89PNG") and files[0].content != files[1].content
    assert await second.credits() == Decimal("996")  # 1000 less one image task


async def test_uploads_are_served_from_the_server(
    make_client: MakeClient, server: KieSandboxServer
) -> None:
    kie = over_http(make_client, server)
    url = await kie.upload_file(
        b"\x89PNG-user-photo", file_name="u1.png", mime_type="image/png", upload_path="tg/day"
    )

    assert url == f"{server.base_url}/uploads/tg/day/u1.png"
    assert (await kie.download(url, max_bytes=MAX)).content == b"\x89PNG-user-photo"


async def test_switches_work_over_http(
    make_client: MakeClient, server: KieSandboxServer, sandbox: KieSandbox
) -> None:
    kie = over_http(make_client, server)
    sandbox.drop_response_next(operation="create")

    with pytest.raises(KieTransportError) as caught:
        await kie.create_task("z-image", {"prompt": "x"})

    # The connection dropped after the task was made: the client must not send it again.
    assert caught.value.reached is True
    assert len(sandbox.created) == 1
    sandbox.fail_next("record", 404, message="Task not found")
    with pytest.raises(NotFoundError):
        await kie.record_info(sandbox.created[0].task_id)
