"""Group 6, binary: the one-file executable's size and its ``--version`` time.

``python -m bench.binary [--quick] [--build] [--rows FILE]``. The baseline of ``--version`` is the
same checkout run from source (``python -m trt_local --version``): runs alternate, binary then
source, after one warm-up each, and the medians are compared. The binary's start-up under load
(first getUpdates, RSS) is measured by the start-up group, :mod:`bench.startup`.

The binary is ``build/out/trt``; it is built here only with ``--build`` (``python build/build.py``,
1–2 min). Without it the group has no rows and says so.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.procs import (
    BINARY,
    ROOT,
    binary,
    build_binary,
    clean_env,
    interleaved_medians,
    load,
    shown,
    source,
)
from bench.report import Row, at_most, group_main_with_build

GROUP = "6 binary"
TARGET_SIZE_MB = 20.0
TARGET_VERSION_S = 0.2


def run(quick: bool, build: bool = False) -> list[Row]:
    if build:
        build_binary()
    if not BINARY.is_file():
        print(f"{BINARY.relative_to(ROOT)} is missing: no binary rows (--build builds it)")
        return []
    runs = 5 if quick else 21
    commands = {"binary": binary("--version"), "source": source("--version")}
    with tempfile.TemporaryDirectory(prefix="trt-bench-binary-") as scratch:
        env = clean_env(pycache=Path(scratch) / "pyc")  # the warm-up run writes the .pyc files
        medians = interleaved_medians(commands, runs, env)
    print(f"load average after the group: {load()}")
    ratio = medians["binary"] / medians["source"]
    return [
        Row(
            GROUP,
            "size",
            BINARY.stat().st_size / 1_000_000,
            "MB",
            at_most(TARGET_SIZE_MB),
            None,
            f"$ stat -c %s {shown([str(BINARY)])}",
        ),
        Row(
            GROUP,
            "--version",
            medians["binary"],
            "s",
            at_most(TARGET_VERSION_S),
            medians["source"],
            f"median of {runs} alternating runs with the source run (the baseline); {ratio:.1f}x it "
            "(the binary unpacks itself first)",
        ),
    ]


if __name__ == "__main__":
    sys.exit(group_main_with_build(run))
