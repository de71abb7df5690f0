"""Crash points for the crash-recovery suite: ``TRT_CRASH_AT=<point>`` kills the process there.

Inert unless the variable is set (one dictionary lookup). The suite runs the real ``trt run
--headless`` with one point set, lets it die with :func:`os._exit` (no ``finally``, no flush — the
closest a test gets to a power cut), restarts it and checks that nothing was lost or done twice.
``TRT_CRASH_AFTER=N`` lets the point pass N times first (e.g. the second of three files).
"""

from __future__ import annotations

import os

ENV = "TRT_CRASH_AT"
SKIP_ENV = "TRT_CRASH_AFTER"
EXIT_CODE = 70

AFTER_CONFIRM_COMMIT = "after_confirm_commit"  # the job and its charge are committed
BEFORE_CREATE = "before_create"  # the job is marked creating; createTask not sent yet
AFTER_CREATE = "after_create"  # Kie returned a task id; not recorded yet
WHILE_POLLING = "while_polling"  # recordInfo answered; the answer not recorded yet
AFTER_DOWNLOAD = "after_download"  # the results are downloaded; nothing sent yet
BETWEEN_FILES = "between_files"  # one part of a multi-part result sent and recorded
AFTER_LAST_FILE = "after_last_file"  # Telegram accepted the last part; not recorded yet
DURING_TOPUP = "during_topup"  # a top-up is committed; its update is not marked handled

POINTS = (
    AFTER_CONFIRM_COMMIT,
    BEFORE_CREATE,
    AFTER_CREATE,
    WHILE_POLLING,
    AFTER_DOWNLOAD,
    BETWEEN_FILES,
    AFTER_LAST_FILE,
    DURING_TOPUP,
)

_passed: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Exit at once with :data:`EXIT_CODE` when ``TRT_CRASH_AT`` names this point."""
    if os.environ.get(ENV) != name:
        return
    seen = _passed.get(name, 0)
    _passed[name] = seen + 1
    if seen >= int(os.environ.get(SKIP_ENV) or 0):
        os._exit(EXIT_CODE)
