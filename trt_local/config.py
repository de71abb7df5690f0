"""One typed settings object, read once at start.

Precedence: command-line flag > environment variable > ``config.toml`` > default. Every problem is a
:class:`ConfigError` that names the setting and the fix in one sentence; the CLI turns it into exit 2.
Secret values never appear in those sentences.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trt_local.paths import Paths

DEFAULT_TELEGRAM_API_BASE = "https://api.telegram.org/bot"
DEFAULT_TELEGRAM_FILE_BASE = "https://api.telegram.org/file/bot"
DEFAULT_KIE_API_BASE = "https://api.kie.ai"
DEFAULT_KIE_UPLOAD_BASE = "https://kieai.redpandaai.co"

_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{5,}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting is missing or malformed; ``str()`` is the one sentence shown to the user."""

    def __init__(self, setting: str, sentence: str) -> None:
        super().__init__(sentence)
        self.setting = setting


@dataclass(frozen=True, slots=True)
class Settings:
    paths: Paths
    telegram_token: str = ""
    telegram_api_base: str = DEFAULT_TELEGRAM_API_BASE
    telegram_file_base: str = DEFAULT_TELEGRAM_FILE_BASE
    kie_api_key: str = ""
    kie_api_base: str = DEFAULT_KIE_API_BASE
    kie_upload_base: str = DEFAULT_KIE_UPLOAD_BASE
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    sandbox: bool = False
    support_contact: str = ""
    terms_text: str = ""  # [payments] terms: shown by /terms (built-in terms when empty)
    payment_details: str = ""  # manual transfers are on when set; the text users are shown
    demo: bool = False
    update_check: bool = False  # ask GitHub for a newer release; off unless the operator says so

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values the log redaction filter must remove."""
        return tuple(s for s in (self.telegram_token, self.kie_api_key) if s)


def redact_token(token: str) -> str:
    """``123456:AAE…`` → ``123…:***`` — enough to tell bots apart, useless to an attacker."""
    if not token:
        return "(not set)"
    bot_id = token.split(":", 1)[0]
    return f"{bot_id[:3]}…:***"


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise ConfigError(
            "config.toml",
            f"config file {path} cannot be read ({reason}); fix it or run `trt setup` to rewrite it",
        ) from None


def load_settings(
    paths: Paths,
    env: Mapping[str, str],
    *,
    flags: Mapping[str, Any] | None = None,
    require_token: bool = True,
) -> Settings:
    """Merge flags, environment and config file into :class:`Settings`, or raise ConfigError."""
    flags = flags or {}
    file = read_config_file(paths.config_file)
    tg = _section(file, "telegram")
    kie = _section(file, "kie")
    payments = _section(file, "payments")
    updates = _section(file, "updates")

    def pick(flag: str, env_name: str, section: dict[str, Any], key: str, default: Any) -> Any:
        if flags.get(flag) is not None:
            return flags[flag]
        if env.get(env_name) not in (None, ""):
            return env[env_name]
        return section.get(key, default)

    demo = bool(flags.get("demo"))
    token = str(pick("token", "TELEGRAM_BOT_TOKEN", tg, "token", "")).strip()
    if token and not _TOKEN_RE.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN",
            "TELEGRAM_BOT_TOKEN is malformed: it should look like 123456789:AA… as @BotFather gives it",
        )
    if require_token and not token and not demo:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN",
            "TELEGRAM_BOT_TOKEN is not set: export it (the token from @BotFather), run `trt setup`, "
            "or try `trt demo`, which needs no token",
        )
    sandbox = _parse_bool("TRT_SANDBOX", pick("sandbox", "TRT_SANDBOX", kie, "sandbox", False))
    kie_key = str(pick("kie_key", "KIE_API_KEY", kie, "api_key", "")).strip()
    if require_token and not kie_key and not sandbox and not demo:
        raise ConfigError(
            "KIE_API_KEY",
            "KIE_API_KEY is not set: export your key from kie.ai/api-key, run `trt setup`, "
            "or start with --sandbox (TRT_SANDBOX=1) to use the offline simulator",
        )
    return Settings(
        paths=paths,
        telegram_token=token,
        telegram_api_base=_url(
            "TRT_TELEGRAM_API_BASE",
            pick("api_base", "TRT_TELEGRAM_API_BASE", tg, "api_base", DEFAULT_TELEGRAM_API_BASE),
        ),
        telegram_file_base=_url(
            "TRT_TELEGRAM_FILE_BASE",
            pick(
                "file_base", "TRT_TELEGRAM_FILE_BASE", tg, "file_base", DEFAULT_TELEGRAM_FILE_BASE
            ),
        ),
        kie_api_key=kie_key,
        kie_api_base=_url(
            "KIE_API_BASE", pick("kie_base", "KIE_API_BASE", kie, "api_base", DEFAULT_KIE_API_BASE)
        ),
        kie_upload_base=_url(
            "KIE_UPLOAD_BASE",
            pick("upload_base", "KIE_UPLOAD_BASE", kie, "upload_base", DEFAULT_KIE_UPLOAD_BASE),
        ),
        admin_ids=parse_admin_ids(pick("admins", "TRT_ADMIN_IDS", tg, "admin_ids", "")),
        sandbox=sandbox or demo,
        support_contact=str(tg.get("support", "")),
        terms_text=str(payments.get("terms", "")).strip(),
        payment_details=str(
            pick("payment_details", "TRT_PAYMENT_DETAILS", payments, "details", "")
        ).strip(),
        demo=demo,
        update_check=_parse_bool(
            "TRT_UPDATE_CHECK", pick("update_check", "TRT_UPDATE_CHECK", updates, "check", False)
        ),
    )


def parse_admin_ids(raw: object) -> frozenset[int]:
    items: list[object]
    if isinstance(raw, list | tuple):
        items = list(raw)
    elif isinstance(raw, int):
        items = [raw]
    else:
        items = [part for part in str(raw).replace(" ", "").split(",") if part]
    ids: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text.isdigit() or int(text) <= 0:
            raise ConfigError(
                "TRT_ADMIN_IDS",
                f"TRT_ADMIN_IDS has {text!r}, which is not a Telegram user id: use numbers "
                "separated by commas, like 12345,67890",
            )
        ids.add(int(text))
    return frozenset(ids)


def _section(file: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = file.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError("config.toml", f"config.toml: [{name}] must be a table; run `trt setup`")
    return value


def _parse_bool(name: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(name, f"{name} must be 1 or 0, not {text!r}")


def _url(name: str, raw: object) -> str:
    text = str(raw).strip()
    if not text.startswith(("http://", "https://")):
        raise ConfigError(name, f"{name} must be an http(s) URL, not {text!r}")
    return text
