"""Configuration: precedence, and one clear sentence naming the setting for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from trt_local.config import ConfigError, load_settings, redact_token
from trt_local.paths import resolve_paths

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def settings_for(tmp_path: Path, env: dict[str, str], **kw: object):
    paths = resolve_paths({}, home=tmp_path)
    return load_settings(paths, env, **kw)  # type: ignore[arg-type]


def test_trt_home_puts_everything_in_one_folder(tmp_path: Path) -> None:
    paths = resolve_paths({"TRT_HOME": str(tmp_path)})
    assert paths.config_file == tmp_path / "config.toml"
    assert paths.database == tmp_path / "trt.db"
    assert paths.log_file.parent == tmp_path / "logs"
    assert paths.lock_file == tmp_path / "trt.lock"  # next to trt.db, whatever the token


def test_env_overrides_file_and_flags_override_env(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[telegram]\ntoken = "1:fromfile-token"\nadmin_ids = [5]\n[kie]\napi_key = "filekey"\n'
    )
    s = settings_for(tmp_path, {})
    assert s.telegram_token == "1:fromfile-token"
    assert s.admin_ids == {5}
    s = settings_for(tmp_path, {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_ADMIN_IDS": "7, 8"})
    assert s.telegram_token == TOKEN
    assert s.admin_ids == {7, 8}
    assert s.kie_api_key == "filekey"
    s = settings_for(tmp_path, {"TELEGRAM_BOT_TOKEN": TOKEN}, flags={"sandbox": True})
    assert s.sandbox


def test_all_documented_environment_variables_are_read(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TRT_TELEGRAM_API_BASE": "http://127.0.0.1:9/bot",
        "TRT_TELEGRAM_FILE_BASE": "http://127.0.0.1:9/file/bot",
        "KIE_API_KEY": "kie-secret",
        "KIE_API_BASE": "http://127.0.0.1:10",
        "KIE_UPLOAD_BASE": "http://127.0.0.1:11",
        "TRT_ADMIN_IDS": "42",
        "TRT_SANDBOX": "1",
        "TRT_PAYMENT_DETAILS": "Card 2200 0000 0000 0000",
    }
    s = settings_for(tmp_path, env)
    assert (s.telegram_api_base, s.telegram_file_base) == (
        "http://127.0.0.1:9/bot",
        "http://127.0.0.1:9/file/bot",
    )
    assert (s.kie_api_key, s.kie_api_base, s.kie_upload_base) == (
        "kie-secret",
        "http://127.0.0.1:10",
        "http://127.0.0.1:11",
    )
    assert s.admin_ids == {42} and s.sandbox
    assert s.payment_details == "Card 2200 0000 0000 0000"
    assert set(s.secrets) == {TOKEN, "kie-secret"}


def test_payment_details_switch_transfers_on_with_the_usual_precedence(tmp_path: Path) -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "1"}
    assert settings_for(tmp_path, base).payment_details == ""  # off by default
    (tmp_path / "config.toml").write_text(
        '[payments]\ndetails = """\nCard 2200 0000 0000 0000\nHolder: A. Petrova\n"""\n'
    )
    assert settings_for(tmp_path, base).payment_details == (
        "Card 2200 0000 0000 0000\nHolder: A. Petrova"
    )
    env = {**base, "TRT_PAYMENT_DETAILS": "SBP +7 900 000-00-00, Sberbank"}
    assert settings_for(tmp_path, env).payment_details == "SBP +7 900 000-00-00, Sberbank"
    flagged = settings_for(tmp_path, env, flags={"payment_details": "IBAN DE00 0000"})
    assert flagged.payment_details == "IBAN DE00 0000"
    # An empty variable does not hide the file's details (as for every other setting).
    assert settings_for(tmp_path, {**base, "TRT_PAYMENT_DETAILS": ""}).payment_details


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "KIE_API_KEY"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "1", "TRT_ADMIN_IDS": "12,abc"},
            "TRT_ADMIN_IDS",
        ),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "maybe"}, "TRT_SANDBOX"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "1", "KIE_API_BASE": "ftp://x"},
            "KIE_API_BASE",
        ),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, env)
    assert info.value.setting == setting
    assert setting in str(info.value)
    assert "\n" not in str(info.value)


def test_malformed_token_is_not_echoed(tmp_path: Path) -> None:
    bad = "123456789:AAH dq secret part"
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, {"TELEGRAM_BOT_TOKEN": bad})
    assert "secret part" not in str(info.value)


def test_unreadable_config_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[telegram\ntoken=")
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert info.value.setting == "config.toml"


def test_demo_needs_no_token_or_key(tmp_path: Path) -> None:
    s = settings_for(tmp_path, {}, flags={"demo": True})
    assert s.demo and s.sandbox and s.telegram_token == ""


def test_redacted_token_keeps_only_a_hint() -> None:
    assert redact_token(TOKEN) == "123…:***"
    assert "AAH" not in redact_token(TOKEN)


def test_payment_terms_come_from_the_payments_section(tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TRT_SANDBOX": "1"}
    assert settings_for(tmp_path, env).terms_text == ""  # the bot's built-in terms then
    (tmp_path / "config.toml").write_text(
        '[payments]\nterms = """\nBe nice.\nNo refunds of spent money.\n"""\n'
    )
    assert settings_for(tmp_path, env).terms_text == "Be nice.\nNo refunds of spent money."
    (tmp_path / "config.toml").write_text("payments = 3\n")
    with pytest.raises(ConfigError, match=r"\[payments\] must be a table"):
        settings_for(tmp_path, env)
