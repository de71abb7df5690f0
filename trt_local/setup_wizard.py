"""First-run setup: check the bot token (getMe) and the Kie key (credits), then write config.toml.

The checks and the writing are shared by the dashboard's setup screen and ``trt setup``, which
asks with plain prompts (``input``/``getpass``) for servers without a full terminal. Secrets are
read without echo, never printed in full and never put in an error message; the config file is
written atomically and readable only by the user (mode 0600, an ACL on Windows), or the person is
told it could not be restricted. The Telegram and Kie bases follow the usual precedence
(``TRT_TELEGRAM_API_BASE``, ``KIE_API_BASE``…), so the checks can run against local stand-ins.
"""

from __future__ import annotations

import asyncio
import getpass
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from trt_local.config import (
    _TOKEN_RE,
    ConfigError,
    load_settings,
    parse_admin_ids,
    read_config_file,
    redact_token,
)
from trt_local.paths import Paths
from trt_local.permissions import restrict_to_owner

if TYPE_CHECKING:
    import httpx
    from telegram.request import BaseRequest

SANDBOX_WORD = "sandbox"
MAX_TRIES = 5


class SetupProblem(Exception):
    """A value was refused; ``str()`` is one sentence for the person typing (no secrets)."""


@dataclass(frozen=True, slots=True)
class SetupAnswers:
    token: str
    kie_key: str  # empty when the sandbox is chosen
    sandbox: bool
    admin_ids: frozenset[int]


class SetupChecks:
    """Checks a token and a key against Telegram and Kie (or stand-ins given for tests)."""

    def __init__(
        self,
        *,
        telegram_api_base: str,
        telegram_file_base: str,
        kie_api_base: str,
        telegram_request: Callable[[], BaseRequest] | None = None,
        kie_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._tg_base = telegram_api_base
        self._tg_file_base = telegram_file_base
        self._kie_base = kie_api_base
        self._tg_request = telegram_request
        self._kie_transport = kie_transport

    @classmethod
    def from_environment(cls, paths: Paths, env: Mapping[str, str]) -> SetupChecks:
        settings = load_settings(paths, env, require_token=False)
        return cls(
            telegram_api_base=settings.telegram_api_base,
            telegram_file_base=settings.telegram_file_base,
            kie_api_base=settings.kie_api_base,
        )

    async def check_token(self, token: str) -> str:
        """The bot's @username when Telegram accepts ``token``; SetupProblem otherwise."""
        from telegram import Bot
        from telegram.error import InvalidToken, TelegramError

        token = token.strip()
        if not _TOKEN_RE.match(token):
            raise SetupProblem("that is not a bot token: it looks like 123456789:AA… (@BotFather)")
        request = self._tg_request() if self._tg_request else None
        bot = Bot(
            token,
            base_url=self._tg_base,
            base_file_url=self._tg_file_base,
            request=request,
            get_updates_request=self._tg_request() if self._tg_request else None,
        )
        try:
            async with bot:
                me = await bot.get_me()
        except InvalidToken:
            raise SetupProblem(
                "Telegram rejected this token: copy it again from @BotFather (/mybots → API Token)"
            ) from None
        except TelegramError as exc:
            raise SetupProblem(
                f"could not ask Telegram ({type(exc).__name__}); check the network and try again"
            ) from None
        return me.username or str(me.id)

    async def check_kie_key(self, key: str) -> Decimal:
        """The account's credits when Kie accepts ``key``; SetupProblem otherwise."""
        from trt_local.kie import KieClient
        from trt_local.kie.errors import KieError, UnauthorizedError

        key = key.strip()
        if not key:
            raise SetupProblem(f'type the key from kie.ai/api-key, or "{SANDBOX_WORD}"')
        try:
            async with KieClient(
                key, api_base=self._kie_base, transport=self._kie_transport
            ) as client:
                return await client.credits()
        except UnauthorizedError:
            raise SetupProblem("Kie rejected this key: copy it again from kie.ai/api-key") from None
        except KieError as exc:
            raise SetupProblem(
                f"could not ask Kie ({type(exc).__name__}); check the network and try again"
            ) from None


def parse_admins(text: str) -> frozenset[int]:
    try:
        return parse_admin_ids(text)
    except ConfigError as exc:
        raise SetupProblem(str(exc).replace("TRT_ADMIN_IDS has", "admin ids:")) from None


def write_config(path: Path, answers: SetupAnswers) -> str | None:
    """Merge the answers into ``path`` (other settings kept), atomically, readable only by the
    user (mode 0600; an ACL on Windows). Returns None, or why the file could not be restricted."""
    data: dict[str, Any] = dict(read_config_file(path))
    telegram = dict(data.get("telegram", {}))
    kie = dict(data.get("kie", {}))
    telegram["token"] = answers.token
    telegram["admin_ids"] = sorted(answers.admin_ids)
    if answers.sandbox:
        kie["sandbox"] = True
        kie.pop("api_key", None)
    else:
        kie["api_key"] = answers.kie_key
        kie["sandbox"] = False
    data["telegram"], data["kie"] = telegram, kie
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        # Before any secret is in it: an older temporary file may have had wider rights.
        problem = restrict_to_owner(temporary, shown_as=path)
        tomli_w.dump(data, handle)
    os.replace(temporary, path)
    return problem


# -- the plain-prompt wizard (`trt setup`) ---------------------------------------------------


def run_setup(
    paths: Paths,
    env: Mapping[str, str],
    *,
    ask: Callable[[str], str] = input,
    ask_secret: Callable[[str], str] = getpass.getpass,
    say: Callable[[str], None] = print,
    checks: SetupChecks | None = None,
) -> int:
    """Ask, check and save; 0 when saved, 2 when given up (too many tries or end of input)."""
    checks = checks or SetupChecks.from_environment(paths, env)
    say(f"TRT Local setup: answers are checked, then saved to {paths.config_file}")
    try:
        answers = asyncio.run(_ask_all(checks, ask, ask_secret, say))
    except (EOFError, KeyboardInterrupt, SetupProblem) as exc:
        say(f"setup stopped{': ' + str(exc) if isinstance(exc, SetupProblem) else ''}")
        return 2
    problem = write_config(paths.config_file, answers)
    if problem:
        say(f"saved {paths.config_file}, but {problem}. Start the bot with: trt")
    else:
        say(f"saved {paths.config_file} (readable only by you). Start the bot with: trt")
    return 0


async def _ask_all(
    checks: SetupChecks,
    ask: Callable[[str], str],
    ask_secret: Callable[[str], str],
    say: Callable[[str], None],
) -> SetupAnswers:
    token = ""

    async def token_ok(text: str) -> str:
        nonlocal token
        username = await checks.check_token(text)
        token = text.strip()
        return f"ok: the bot is @{username} (token {redact_token(token)})"

    await _until_valid(ask_secret, say, "Telegram bot token (from @BotFather): ", token_ok)
    key = ""

    async def key_ok(text: str) -> str:
        nonlocal key
        if text.strip().lower() == SANDBOX_WORD:
            return "ok: using the offline Kie simulator"
        credits = await checks.check_kie_key(text)
        key = text.strip()
        return f"ok: the Kie account has {credits.normalize():f} credits"

    prompt = f'Kie.ai API key (kie.ai/api-key), or "{SANDBOX_WORD}": '
    await _until_valid(ask_secret, say, prompt, key_ok)
    admins: frozenset[int] = frozenset()

    async def admins_ok(text: str) -> str:
        nonlocal admins
        admins = parse_admins(text)
        return f"ok: {len(admins)} admin(s)" if admins else "ok: no admins for now"

    prompt = "Admin Telegram user ids, comma-separated (ask @userinfobot; may be empty): "
    await _until_valid(ask, say, prompt, admins_ok)
    return SetupAnswers(token, key, sandbox=not key, admin_ids=admins)


async def _until_valid(
    ask: Callable[[str], str],
    say: Callable[[str], None],
    prompt: str,
    check: Callable[[str], Awaitable[str]],
) -> None:
    for _ in range(MAX_TRIES):
        text = ask(prompt)
        try:
            say("  " + await check(text))
            return
        except SetupProblem as problem:
            say(f"  {problem}")
    raise SetupProblem(f"no valid answer after {MAX_TRIES} tries")
