"""Where TRT Local keeps its files.

platformdirs gives the per-OS defaults (app name ``trt``); ``TRT_HOME=DIR`` puts config, data, logs and
the lock under one folder, which tests and outside tools rely on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "trt"


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "trt.db"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def proofs_dir(self) -> Path:
        """Transfer proofs the dashboard operator downloaded to look at."""
        return self.data_dir / "proofs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "trt.log"

    @property
    def lock_file(self) -> Path:
        # One lock per data folder, whatever the token: two bots (a rotated token, a staging bot)
        # on one trt.db would each recover and refund the other's jobs.
        return self.data_dir / "trt.lock"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_paths(env: Mapping[str, str] | None = None, home: Path | None = None) -> Paths:
    """Paths from an explicit home, else ``TRT_HOME``, else platformdirs."""
    env = os.environ if env is None else env
    root = home or (Path(env["TRT_HOME"]).expanduser() if env.get("TRT_HOME") else None)
    if root is not None:
        return Paths(config_dir=root, data_dir=root, log_dir=root / "logs")
    import platformdirs  # imported late: `trt --version` must stay fast

    return Paths(
        config_dir=platformdirs.user_config_path(APP_NAME),
        data_dir=platformdirs.user_data_path(APP_NAME),
        log_dir=platformdirs.user_log_path(APP_NAME),
    )
