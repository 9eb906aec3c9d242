"""Fixtures of the pack tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.config import get_settings
from crm.rules import loader


@pytest.fixture
def two_policies(tmp_path: Path) -> Iterator[None]:
    """Two shipped policies only: packs of a few pages keep the suite fast."""
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("wenchuang_fund.yaml", "talent_employer.yaml"):
        (rules / name).write_text(
            (get_settings().rules_dir / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    ruleset, errors = loader.load_dir(rules)
    assert not errors and len(ruleset.policies) == 2
    loader.use(ruleset)
    yield
    loader.use(None)
