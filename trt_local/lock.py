"""One running instance per data folder, held with an OS file lock (released by the kernel on death)."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout


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
        os.write(fd, str(os.getpid()).encode())

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            try:
                pid = self.path.read_text().strip()
            except OSError:
                pid = ""
            raise AlreadyRunning(pid, self.path.parent, self.path) from None

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
