"""Build the single ``trt`` executable from the current checkout: ``python build/build.py``.

Runs PyInstaller on ``trt.spec`` with the dist folder ``build/out/`` and the work folder
``build/work/`` (both git-ignored), then prints the binary's path, size and the build time. Needs the
``build`` extra (``pip install -e ".[dev,build]"``) and, on Linux, ``strip`` from binutils.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "trt.spec"
DIST = ROOT / "build" / "out"
WORK = ROOT / "build" / "work"
BINARY_NAME = "trt.exe" if sys.platform == "win32" else "trt"


class BuildError(Exception):
    """The build cannot run or failed; ``str()`` is the one line shown to the user."""


def binary_path() -> Path:
    return DIST / BINARY_NAME


def check_tools() -> None:
    """Fail early with a sentence instead of a PyInstaller traceback half a minute in."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise BuildError(
            'PyInstaller is not installed in this Python: run `pip install -e ".[build]"`'
        ) from None
    if sys.platform.startswith("linux") and shutil.which("strip") is None:
        raise BuildError("`strip` is not on PATH (the spec strips binaries): install binutils")


def pyinstaller_command(clean: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        command.append("--clean")
    return [*command, str(SPEC)]


def build(clean: bool = False) -> Path:
    check_tools()
    command = pyinstaller_command(clean)
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed with exit code {result.returncode}")
    binary = binary_path()
    if not binary.is_file():
        raise BuildError(f"PyInstaller finished but {binary} is missing")
    return binary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the single trt executable.")
    parser.add_argument(
        "--clean", action="store_true", help="drop PyInstaller's caches first (slower)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        binary = build(clean=args.clean)
    except BuildError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    size = binary.stat().st_size
    print(f"built {binary}")
    print(f"size  {size / 1_000_000:.1f} MB ({size} bytes)")
    print(f"time  {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
