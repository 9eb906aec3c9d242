"""What used to print a traceback is one clear line and exit 2: a duplicate username (never the password
hash), an unknown enterprise id, a bad environment value."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crm.cli import app

ADD = ["officer", "add", "wang", "--name", "王敏"]


def test_a_duplicate_username_is_one_line_without_the_hash() -> None:
    assert CliRunner().invoke(app, ADD, input="secret123\nsecret123\n").exit_code == 0
    again = CliRunner().invoke(app, ADD, input="secret123\nsecret123\n")
    assert again.exit_code == 2
    assert "登录名“wang”已被使用" in again.output
    assert "argon2" not in again.output and "Traceback" not in again.output


@pytest.mark.parametrize("command", ["match", "pack"])
def test_an_unknown_enterprise_id_is_one_line(command: str) -> None:
    args = [command, "--enterprise", "9999"] + (["--out", "x.pdf"] if command == "pack" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "enterprise #9999" in result.output and result.exception is not None
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "value"),
    [("HUIQI_SESSION_HOURS", "eight"), ("HUIQI_MAX_UPLOAD_MB", "-1"), ("HUIQI_COOKIE_SECURE", "maybe")],
)
def test_a_bad_environment_value_is_named(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm import config

    monkeypatch.setenv(name, value)
    config.override_settings(None)
    result = CliRunner().invoke(app, ["rules", "check"])
    assert result.exit_code == 2 and name in result.output and repr(value) in result.output


def test_an_unexpected_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.services import matching

    def broken(*_args: object, **_kw: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(matching, "match_profile", broken)
    args = ["match", "--profile", "policy_rules/examples/profile.yaml"]
    result = CliRunner().invoke(app, args)
    assert (
        result.exit_code == 1 and "意外错误（ValueError）" in result.stderr and "HUIQI_DEBUG" in result.stderr
    )
    assert "Traceback" not in result.output
    monkeypatch.setenv("HUIQI_DEBUG", "1")
    assert isinstance(CliRunner().invoke(app, args).exception, ValueError)


def test_a_missing_rules_dir_is_bad_usage() -> None:
    result = CliRunner().invoke(app, ["rules", "check", "--dir", "/no/such/rules"])
    assert result.exit_code == 2 and "/no/such/rules" in result.output
