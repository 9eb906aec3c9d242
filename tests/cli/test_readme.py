"""The README's command table is the one the commands generate, and every example in it runs as written on
a scratch database: no traceback, no unknown option, exit 0 or 1 (never 2, bad usage)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from crm.cli.reference import EXAMPLES, readme_block
from ui.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKING = {"app", "serve"}  # they serve until stopped: their arguments are parsed, not run
PASSWORDS = "secret-123\nsecret-123\n"


def readme_examples() -> list[str]:
    return re.findall(r"^\| `(huiqi [^`]*)` \|", README.read_text("utf-8"), flags=re.MULTILINE)


def test_the_readme_table_is_generated_from_the_commands() -> None:
    assert readme_block(get_command(app)) in README.read_text("utf-8"), (
        "the README's command table is out of date: run `huiqi reference --write README.md`"
    )


def test_every_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    loaded = runner.invoke(app, ["demo", "--count", "30"])  # so `demo --if-empty` skips, quickly
    assert loaded.exit_code == 0, loaded.output
    examples = readme_examples()
    assert len(examples) >= len(EXAMPLES)
    for example in examples:
        args = shlex.split(example)[1:]
        if args[0] in BLOCKING:
            _parse_only(args)
            continue
        if example not in EXAMPLES.values():  # a command without an example yet: its help must work
            args = [*args, "--help"]
        result = runner.invoke(app, args, input=PASSWORDS)
        assert result.exit_code in (0, 1), f"{example} -> {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output and "No such option" not in result.output, example
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            example,
            result.exception,
        )


def _parse_only(args: list[str]) -> None:
    group = get_command(app)
    ctx = group.make_context("huiqi", list(args))
    command = group.get_command(ctx, args[0])
    assert command is not None
    command.make_context(args[0], args[1:], parent=ctx)  # raises on an unknown option or a bad value
