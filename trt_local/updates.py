"""Is a newer trt released? Asked only on request, never by default.

Two ways to ask: ``trt --version --check`` (once, on the command line), and the dashboard when the
operator turned ``[updates] check = true`` (``TRT_UPDATE_CHECK=1``) on. Either makes one GET to
GitHub's releases API for the latest published release of :data:`RELEASES_REPO` (drafts and
pre-releases are not "latest"), with a short timeout, and compares its tag with ``__version__``.
The download link is this platform's binary from that release (the names the release workflow
publishes, :data:`ASSETS`), else the release page. Every failure is :class:`UpdateCheckFailed`
with one sentence; a tag that is not a plain version is never offered as an update.
"""

from __future__ import annotations

import asyncio
import platform
import re
import sys
from dataclasses import dataclass
from typing import Any

import httpx

from trt_local import __version__

RELEASES_REPO = "trt-local/trt-local"  # owner/name on GitHub; the release workflow publishes there
LATEST_RELEASE_API = f"https://api.github.com/repos/{RELEASES_REPO}/releases/latest"
RELEASES_PAGE = f"https://github.com/{RELEASES_REPO}/releases"
TIMEOUT_S = 5.0

# (sys.platform, machine) → the file .github/workflows/release.yml publishes for it.
ASSETS = {
    ("linux", "x86_64"): "trt-linux-x86_64",
    ("linux", "arm64"): "trt-linux-arm64",
    ("darwin", "arm64"): "trt-macos-arm64",
    ("win32", "x86_64"): "trt-windows-x86_64.exe",
}
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)")


class UpdateCheckFailed(Exception):
    """The latest release could not be learnt; ``str()`` is one sentence for the operator."""


@dataclass(frozen=True, slots=True)
class Release:
    version: str  # the tag without its "v"
    page_url: str
    download_url: str  # this platform's binary, or the release page when there is none

    @classmethod
    def from_json(cls, data: Any, asset: str | None) -> Release:
        """From the releases API's answer; KeyError/TypeError/ValueError when it is not one."""
        tag, page = data["tag_name"], data["html_url"]
        if not isinstance(tag, str) or not isinstance(page, str):
            raise TypeError("tag_name and html_url must be strings")
        download = page
        for item in data.get("assets") or []:
            if asset is not None and item.get("name") == asset:
                download = str(item["browser_download_url"])
        return cls(version=tag.removeprefix("v"), page_url=page, download_url=download)

    def is_newer_than(self, current: str) -> bool:
        return is_newer(self.version, current)


def version_key(text: str) -> tuple[int, ...] | None:
    """``"v1.2.3"`` → ``(1, 2, 3)``; None for anything else (``1.3.0rc1``, ``nightly``)."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        return None
    parts = tuple(int(part) for part in match.group(1).split("."))
    while len(parts) > 1 and parts[-1] == 0:
        parts = parts[:-1]  # 1.2 == 1.2.0
    return parts


def is_newer(candidate: str, current: str) -> bool:
    new, old = version_key(candidate), version_key(current)
    return new is not None and old is not None and new > old


def asset_name(system: str | None = None, machine: str | None = None) -> str | None:
    """The release file for this platform (or the one given), None where no binary is built."""
    system = system or sys.platform
    arch = _MACHINES.get((machine or platform.machine()).lower(), "")
    return ASSETS.get(("linux" if system.startswith("linux") else system, arch))


async def latest_release(*, transport: httpx.AsyncBaseTransport | None = None) -> Release:
    """The latest published release, asked of GitHub once; UpdateCheckFailed otherwise."""
    headers = {"Accept": "application/vnd.github+json", "User-Agent": f"trt/{__version__}"}
    try:
        async with httpx.AsyncClient(
            transport=transport, timeout=TIMEOUT_S, headers=headers, follow_redirects=True
        ) as client:
            response = await client.get(LATEST_RELEASE_API)
    except httpx.HTTPError as exc:
        raise UpdateCheckFailed(
            f"could not reach GitHub to check for a newer trt ({type(exc).__name__}); "
            f"the releases are listed at {RELEASES_PAGE}"
        ) from None
    if response.status_code == 404:
        raise UpdateCheckFailed(f"no release is published yet at {RELEASES_PAGE}")
    if response.status_code != 200:
        raise UpdateCheckFailed(
            f"GitHub answered {response.status_code} to the update check; "
            f"the releases are listed at {RELEASES_PAGE}"
        )
    try:
        return Release.from_json(response.json(), asset_name())
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UpdateCheckFailed(
            f"GitHub's answer to the update check could not be read; see {RELEASES_PAGE}"
        ) from None


def describe(release: Release, current: str = __version__) -> str:
    """One line for the operator: what to download, or that this is the latest."""
    if release.is_newer_than(current):
        return (
            f"update available: trt {release.version} (you have {current}): {release.download_url}"
        )
    return f"trt {current} is up to date (the latest release is {release.version})"


def run_check(
    current: str = __version__, *, transport: httpx.AsyncBaseTransport | None = None
) -> int:
    """``trt --version --check``: 0 once GitHub answered (update or not), 1 when it could not."""
    try:
        release = asyncio.run(latest_release(transport=transport))
    except UpdateCheckFailed as exc:
        print(f"trt: {exc}", file=sys.stderr)
        return 1
    print(describe(release, current))
    return 0
