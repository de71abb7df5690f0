"""``trt doctor --kie`` as a real process against the Kie sandbox served over HTTP: one line per
difference, "no drift" or a count, exit 0/1; a missing key is exit 2; the key never printed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.processes import bot_env, finish, spawn
from trt_local.core.catalog import default_catalog
from trt_local.kie import KieSandbox, KieSandboxServer
from trt_local.services.kie_drift import credits_text, our_credits

KEY = "sk-live-DRIFT-SECRET-7f3a9c"


@pytest.fixture
async def kie() -> AsyncIterator[KieSandboxServer]:
    async with KieSandboxServer(KieSandbox()) as started:
        yield started


async def _doctor(home: Path, kie: KieSandboxServer, **env: str) -> tuple[int, list[str]]:
    code, output = await finish(
        await spawn(bot_env(home, None, kie=kie, KIE_API_KEY=KEY, **env), "doctor", "--kie")
    )
    assert KEY not in output
    return code, output.splitlines()


async def test_the_packaged_catalog_is_no_drift(tmp_path: Path, kie: KieSandboxServer) -> None:
    code, lines = await _doctor(tmp_path, kie)

    assert (code, lines) == (0, ["no drift"])


async def test_a_repriced_and_a_gone_model_are_both_listed(
    tmp_path: Path, kie: KieSandboxServer
) -> None:
    kie.sandbox.catalog.reprice("grok-imagine/text-to-video", 25)
    kie.sandbox.catalog.drop("google/nano-banana")

    code, lines = await _doctor(tmp_path, kie)

    grok = default_catalog().get("grok-imagine/text-to-video")
    assert grok is not None
    ours = credits_text(our_credits(grok))
    assert code == 1
    assert lines == [
        "model google/nano-banana: Kie no longer lists it",
        f"model grok-imagine/text-to-video: price {ours} → 25 credits (Kie), ours {ours}",
        "2 differences (decide in Settings)",
    ]


async def test_without_the_catalog_endpoint_the_probe_finds_a_disabled_family(
    tmp_path: Path, kie: KieSandboxServer
) -> None:
    kie.sandbox.catalog.missing()
    kie.sandbox.fail_next("record", 505)

    code, lines = await _doctor(tmp_path, kie)

    assert code == 1
    assert lines[0] == "note Kie's catalog endpoint answered 404; probed each family instead"
    assert "model z-image: Kie answers 505 feature disabled" in lines
    assert lines[-1].endswith("differences (decide in Settings)")
    assert not kie.sandbox.created  # the probe never starts a paid task


async def test_an_error_naming_the_key_does_not_print_it(
    tmp_path: Path, kie: KieSandboxServer
) -> None:
    kie.sandbox.fail_next("catalog", 401, message=f"key {KEY} is not valid")
    kie.sandbox.fail_next("record", 401, message=f"key {KEY} is not valid")

    code, lines = await _doctor(tmp_path, kie)  # asserts the key is not in the output

    assert code == 1
    assert lines[0].startswith("note Kie's catalog endpoint failed (Kie API error 401")
    assert lines[1].startswith("FAIL family jobs: the status probe failed (Kie API error 401")
    assert lines[-1] == "no drift; 1 part not checked"


async def test_a_missing_key_is_a_configuration_error(tmp_path: Path) -> None:
    env = bot_env(tmp_path, None)
    del env["TRT_SANDBOX"]

    code, output = await finish(await spawn(env, "doctor", "--kie"))

    assert code == 2
    assert output.strip().splitlines() == [
        "FAIL config: KIE_API_KEY is not set: the drift check asks Kie with your key; "
        "export it from kie.ai/api-key or run `trt setup`"
    ]
