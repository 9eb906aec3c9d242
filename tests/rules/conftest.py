"""Every example case of every shipped policy file becomes its own test item (``policy_case`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.rules import load_dir

LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"


def _library_cases() -> list:
    ruleset, errors = load_dir(LIBRARY)
    assert not errors, errors
    return [
        pytest.param((policy, case), id=f"{Path(policy.path).stem}::{case['name']}")
        for policy in ruleset.all_versions()
        for case in policy.cases
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "policy_case" in metafunc.fixturenames:
        metafunc.parametrize("policy_case", _library_cases())
