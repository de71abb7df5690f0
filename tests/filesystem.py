"""Making a file or folder refuse writes in a test, also when the suite runs as root."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) refuses writes inside the block.

    Permission bits do not stop root, so as root the immutable attribute (``chattr +i``) is set
    instead, which the kernel enforces for everyone; it is removed afterwards so the test's folder
    can be deleted. Where neither works the test is skipped.
    """
    if getattr(os, "geteuid", lambda: -1)() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root, and this file system has no immutable attribute")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True, capture_output=True)
