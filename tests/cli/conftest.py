"""Fixtures of the command-line tests: a copy of the shipped rules in a temp dir, a fresh rule registry."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm import config
from crm.rules import loader

LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HUIQI_RULES_DIR pointing at a copy of the shipped rules (tests may break a file in it)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in LIBRARY.glob("*.yaml"):
        shutil.copy(path, rules)
    monkeypatch.setenv("HUIQI_RULES_DIR", str(rules))
    config.override_settings(config.load_settings())
    loader.use(None)
    yield rules
    loader.use(None)


def break_file(path: Path) -> int:
    """Append a duplicate ``id`` key to a rule file; the line of the duplicate."""
    text = path.read_text("utf-8").rstrip("\n") + "\n"
    path.write_text(text + "id: again\n", "utf-8")
    return text.count("\n") + 1


def new_process() -> None:
    """Forget the loaded rules, as a new `huiqi` process would (the last good copies stay on disk)."""
    loader.use(None)
