"""The ``trt`` command. Heavy imports happen after argument parsing so ``--version`` stays instant;
``--version --check`` asks GitHub for a newer release (trt_local.updates), nothing else does.

Exit codes: 0 ok; 2 configuration error; 3 another instance holds the lock; 1 anything unexpected,
or ``--version --check`` could not ask GitHub.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from trt_local import __version__

if TYPE_CHECKING:
    from trt_local.paths import Paths

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_LOCKED = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trt", description="TRT Local: a self-hosted Telegram bot selling Kie.ai generation."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--check",
        action="store_true",
        help="with --version: ask GitHub whether a newer release exists (the only network use)",
    )
    parser.add_argument("--home", type=Path, help="one folder for config, data, logs (= TRT_HOME)")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (default)")
    run.add_argument("--headless", action="store_true", help="no dashboard, log to stderr")
    run.add_argument("--sandbox", action="store_true", help="use the built-in Kie.ai simulator")
    demo = sub.add_parser("demo", help="fully offline: Telegram emulator + Kie simulator")
    demo.add_argument("--headless", action="store_true", help="no dashboard, log to stderr")
    demo.add_argument("--home", dest="demo_home", type=Path, help="keep the demo data here")
    sub.add_parser("setup", help="ask for the token, Kie key and admins; write config.toml")
    doctor = sub.add_parser("doctor", help="check config, Telegram token, database")
    doctor.add_argument(
        "--kie",
        action="store_true",
        help="instead: compare the enabled models with Kie's catalog and prices (never changes them)",
    )
    backup = sub.add_parser("backup", help="consistent copy of the database while the bot runs")
    backup.add_argument("file", type=Path)
    emu = sub.add_parser("emulator", help="serve the Telegram emulator over HTTP on 127.0.0.1")
    emu.add_argument("--port", type=int, default=8081)
    emu.add_argument("--token", default="123456:DEMO-token")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.check and not args.version:
        parser.error("--check goes with --version: trt --version --check")
    if args.version:
        print(f"trt {__version__}")
        if not args.check:
            return EXIT_OK
        from trt_local.updates import run_check

        return run_check()
    _tolerant_output()
    command = args.command or "run"
    # PTB 22 otherwise emits a deprecation warning on every RetryAfter and media duration.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from trt_local.config import ConfigError, load_settings
    from trt_local.lock import AlreadyRunning
    from trt_local.paths import resolve_paths
    from trt_local.storage.access import StorageUnavailable, check_writable

    env = dict(os.environ)
    paths = resolve_paths(env, home=args.home)
    try:
        if command == "emulator":
            from trt_local.runner import run_emulator

            return run_emulator(args.port, args.token)
        if command == "doctor":
            from trt_local.doctor import run_doctor

            return run_doctor(paths, env, kie=args.kie)
        if command == "backup":
            from trt_local.runner import run_backup

            return run_backup(paths, args.file)
        headless = getattr(args, "headless", False) or not _has_terminal()
        if command == "demo":
            from trt_local.demo import run_demo

            # Only an explicit --home: TRT_HOME may hold a real bot's data.
            return run_demo(args.demo_home or args.home, headless=headless)
        if command == "setup":
            from trt_local.setup_wizard import run_setup

            return run_setup(paths, env)
        flags = {"sandbox": True if getattr(args, "sandbox", False) else None}
        if not headless and needs_setup(paths, env, flags):
            from trt_local.runner import run_first_setup

            if not run_first_setup(paths, env):
                print(
                    "trt: setup was not finished; run `trt setup`, set TELEGRAM_BOT_TOKEN, "
                    "or try `trt demo`",
                    file=sys.stderr,
                )
                return EXIT_CONFIG
        settings = load_settings(paths, env, flags=flags)
        check_writable(settings.paths.data_dir, settings.paths.database)
        from trt_local.runner import run_bot

        return run_bot(settings, headless=headless)
    except ConfigError as exc:
        print(f"trt: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StorageUnavailable as exc:  # a read-only data folder or a full disk
        print(f"trt: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except AlreadyRunning as exc:
        print(f"trt: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        return EXIT_OK


def _tolerant_output() -> None:
    """Never die printing a path: a Windows console redirected to a file or a service log uses
    the ANSI code page, which has no letters for a user named Пётр."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def needs_setup(paths: Paths, env: Mapping[str, str], flags: Mapping[str, object]) -> bool:
    """First run: no token (or no Kie key and no sandbox) in flags, environment or config."""
    from trt_local.config import load_settings

    settings = load_settings(paths, env, flags=flags, require_token=False)
    return not settings.telegram_token or not (settings.kie_api_key or settings.sandbox)


if __name__ == "__main__":
    sys.exit(main())
