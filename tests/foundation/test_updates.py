"""``trt --version --check``: the comparison, the download link, and GitHub unreachable.

GitHub is an ``httpx.MockTransport``; nothing here touches the network.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from trt_local.config import load_settings
from trt_local.paths import resolve_paths
from trt_local.updates import (
    ASSETS,
    LATEST_RELEASE_API,
    RELEASES_PAGE,
    asset_name,
    is_newer,
    run_check,
)

ROOT = Path(__file__).resolve().parents[2]
BASE = RELEASES_PAGE


def github_release(tag: str) -> dict[str, object]:
    return {
        "tag_name": tag,
        "html_url": f"{BASE}/tag/{tag}",
        "assets": [
            {"name": name, "browser_download_url": f"{BASE}/download/{tag}/{name}"}
            for name in sorted(ASSETS.values())
        ],
    }


class FakeGitHub:
    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._answer(request)


def releases(tag: str) -> FakeGitHub:
    return FakeGitHub(lambda _request: httpx.Response(200, json=github_release(tag)))


@pytest.mark.parametrize(
    ("candidate", "current", "newer"),
    [
        ("v0.2.0", "0.1.0", True),
        ("v0.10.0", "0.9.3", True),  # numbers, not text: 10 > 9
        ("1.0", "0.99.99", True),
        ("v0.1.0", "0.1.0", False),
        ("0.1", "0.1.0", False),  # the same release, written shorter
        ("v0.1.0", "0.2.0", False),  # an older latest (a release was withdrawn)
        ("v0.3.0-rc1", "0.2.0", False),  # not a plain version: never offered
        ("nightly", "0.2.0", False),
    ],
)
def test_only_a_higher_plain_version_is_an_update(
    candidate: str, current: str, newer: bool
) -> None:
    assert is_newer(candidate, current) is newer


@pytest.mark.parametrize(
    ("system", "machine", "asset"),
    [
        ("linux", "x86_64", "trt-linux-x86_64"),
        ("linux", "aarch64", "trt-linux-arm64"),
        ("darwin", "arm64", "trt-macos-arm64"),
        ("win32", "AMD64", "trt-windows-x86_64.exe"),
        ("darwin", "x86_64", None),  # no Intel Mac build: the release page instead
    ],
)
def test_newer_release_prints_this_platforms_download_link(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    system: str,
    machine: str,
    asset: str | None,
) -> None:
    monkeypatch.setattr(sys, "platform", system)
    monkeypatch.setattr("platform.machine", lambda: machine)
    assert asset_name() == asset
    github = releases("v9.1.0")
    assert run_check("0.1.0", transport=github.transport) == 0
    link = f"{BASE}/download/v9.1.0/{asset}" if asset else f"{BASE}/tag/v9.1.0"
    assert capsys.readouterr().out == f"update available: trt 9.1.0 (you have 0.1.0): {link}\n"
    [request] = github.requests
    assert str(request.url) == LATEST_RELEASE_API and request.method == "GET"
    assert request.headers["user-agent"].startswith("trt/")


def test_up_to_date_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check("0.2.0", transport=releases("v0.2.0").transport) == 0
    assert capsys.readouterr().out == "trt 0.2.0 is up to date (the latest release is 0.2.0)\n"


@pytest.mark.parametrize(
    ("answer", "sentence"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "could not reach GitHub"),
        (httpx.ReadTimeout("timed out"), "could not reach GitHub"),
        (httpx.Response(404, json={"message": "Not Found"}), "no release is published yet"),
        (httpx.Response(403, json={"message": "rate limit"}), "GitHub answered 403"),
        (httpx.Response(200, text="<html>captive portal</html>"), "could not be read"),
        (httpx.Response(200, json={"tag_name": 3}), "could not be read"),
    ],
)
def test_offline_or_odd_answers_are_one_sentence_and_exit_1(
    capsys: pytest.CaptureFixture[str], answer: httpx.Response | Exception, sentence: str
) -> None:
    def respond(_request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert run_check("0.1.0", transport=FakeGitHub(respond).transport) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("trt: ") and sentence in err and RELEASES_PAGE in err


def test_version_alone_stays_offline_and_light() -> None:
    probe = (
        "import sys; from trt_local.cli import main; code = main(['--version']); "
        "print(code, sorted(m for m in ('httpx', 'telegram', 'textual', 'trt_local.updates') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 []"
    assert done.stdout.splitlines()[0].startswith("trt ")


def test_check_without_version_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "trt_local", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2 and "--check goes with --version" in done.stderr


def test_the_release_workflow_publishes_the_files_the_check_links_to() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    published = set(re.findall(r"asset: (trt-\S+)", workflow))
    assert published == set(ASSETS.values())


def test_the_dashboard_check_is_off_unless_config_or_environment_turn_it_on(
    tmp_path: Path,
) -> None:
    paths = resolve_paths({}, home=tmp_path)
    flags = {"demo": True}
    assert not load_settings(paths, {}, flags=flags).update_check
    (tmp_path / "config.toml").write_text("[updates]\ncheck = true\n")
    assert load_settings(paths, {}, flags=flags).update_check
    assert not load_settings(paths, {"TRT_UPDATE_CHECK": "0"}, flags=flags).update_check
    (tmp_path / "config.toml").unlink()
    assert load_settings(paths, {"TRT_UPDATE_CHECK": "1"}, flags=flags).update_check
