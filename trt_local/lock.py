"""One running instance per data folder, held with an OS file lock (released by the kernel on death).

filelock takes ``flock`` on Linux and macOS and ``LockFileEx`` on byte 0 on Windows. That Windows
lock keeps every other process from reading byte 0, so the holder's pid is written after one
padding byte, where a refused second instance can still read it to name the holder.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

_PAD = b"\n"  # byte 0: the byte Windows locks


def read_pid(lock_path: Path) -> str:
    """The holder's pid as written in the lock file, or "" when it cannot be read."""
    try:
        with lock_path.open("rb", buffering=0) as fh:
            try:
                data = fh.read()
            except OSError:  # Windows: the holder's lock covers byte 0, the pid starts at byte 1
                fh.seek(len(_PAD))
                data = fh.read()
    except OSError:
        return ""
    return data.decode("ascii", errors="replace").strip()


class AlreadyRunning(Exception):
    """Another process holds the lock; ``str()`` is the sentence for the user (exit 3)."""

    def __init__(self, pid: str, data_dir: Path, lock_path: Path) -> None:
        super().__init__(
            f"another instance (pid {pid or 'unknown'}) is already running on the data folder "
            f"{data_dir}; stop it first or use another TRT_HOME"
        )
        self.pid = pid
        self.lock_path = lock_path


class InstanceLock:
    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        # fallback_to_soft=False: a soft lock would survive SIGKILL and lock users out (STACK-NOTES §6).
        self._lock = FileLock(
            str(lock_path), timeout=0, fallback_to_soft=False, on_acquired=self._write_pid
        )

    @staticmethod
    def _write_pid(fd: int) -> None:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, _PAD + str(os.getpid()).encode())

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise AlreadyRunning(read_pid(self.path), self.path.parent, self.path) from None

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
