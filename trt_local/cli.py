"""The ``trt`` command. Heavy imports happen after argument parsing so ``--version`` stays instant.

Exit codes: 0 ok; 2 configuration error; 3 another instance holds the lock; 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from trt_local import __version__

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_LOCKED = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trt", description="TRT Local: a self-hosted Telegram bot selling Kie.ai generation."
    )
    parser.add_argument("--version", action="version", version=f"trt {__version__}")
    parser.add_argument("--home", type=Path, help="one folder for config, data, logs (= TRT_HOME)")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (default)")
    run.add_argument("--headless", action="store_true", help="no dashboard, log to stderr")
    run.add_argument("--sandbox", action="store_true", help="use the built-in Kie.ai simulator")
    sub.add_parser("demo", help="fully offline: Telegram emulator + Kie simulator")
    sub.add_parser("doctor", help="check config, Telegram token, database")
    backup = sub.add_parser("backup", help="consistent copy of the database while the bot runs")
    backup.add_argument("file", type=Path)
    emu = sub.add_parser("emulator", help="serve the Telegram emulator over HTTP on 127.0.0.1")
    emu.add_argument("--port", type=int, default=8081)
    emu.add_argument("--token", default="123456:DEMO-token")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    # PTB 22 otherwise emits a deprecation warning on every RetryAfter and media duration.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from trt_local.config import ConfigError, load_settings
    from trt_local.lock import AlreadyRunning
    from trt_local.paths import resolve_paths

    env = dict(os.environ)
    paths = resolve_paths(env, home=args.home)
    try:
        if command == "emulator":
            from trt_local.runner import run_emulator

            return run_emulator(args.port, args.token)
        if command == "doctor":
            from trt_local.doctor import run_doctor

            return run_doctor(paths, env)
        if command == "backup":
            from trt_local.runner import run_backup

            return run_backup(paths, args.file)
        flags = {"sandbox": True if getattr(args, "sandbox", False) else None}
        if command == "demo":
            flags["demo"] = True
        settings = load_settings(paths, env, flags=flags)
        from trt_local.runner import run_bot

        headless = getattr(args, "headless", False) or not sys.stdout.isatty()
        return run_bot(settings, headless=headless)
    except ConfigError as exc:
        print(f"trt: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except AlreadyRunning as exc:
        print(f"trt: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
