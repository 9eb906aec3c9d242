"""Dated policy versions: ``<id>.yaml`` + ``<id>@YYYY-MM-DD.yaml``; the version in force on the date is evaluated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crm.facts import columns
from crm.rules import evaluate_all, evaluate_batch, load_dir, run_cases
from crm.rules import loader as registry
from crm.rules.explain import criteria_outline

HEAD = """id: grant
title: 测试补贴
title_en: Test grant
level: district
authority: 测试
basis: [{doc: 测试办法}]
confidence: high
"""
V1 = (
    HEAD
    + """in_force: {from: 2020-01-01}
criteria: {all: [{id: staff, label: 从业人员达到规定人数, fact: staff_total, at_least: 10}]}
cases:
  - {name: 十二人符合旧版, facts: {staff_total: 12}, expect: {outcome: eligible}}
"""
)
V2 = (
    HEAD
    + """in_force: {from: 2026-01-01}
criteria: {all: [{id: staff, label: 从业人员达到规定人数, fact: staff_total, at_least: 20}]}
cases:
  - {name: 十二人不符合新版, facts: {staff_total: 12}, expect: {outcome: ineligible, failing: [staff]}}
"""
)
FOLLOWER = """id: follower
title: 后续政策
title_en: Follower
level: district
authority: 测试
basis: [{doc: 测试办法}]
confidence: high
in_force: {from: 2020-01-01}
relations: {requires: [grant]}
criteria: {all: [{id: resident, label: 居民企业, fact: resident_enterprise, is: true}]}
"""
BEFORE, SWITCH = date(2025, 12, 31), date(2026, 1, 1)


def _write(directory: Path, **files: str) -> Path:
    for name, text in files.items():
        (directory / f"{name}.yaml").write_text(text, "utf-8")
    return directory


def _outcome(ruleset, on: date, facts: dict) -> str:
    return {v.policy_id: v.outcome for v in evaluate_all(ruleset.in_force(on), facts, on)}["grant"]


def test_two_versions_give_different_verdicts_before_and_after_the_switch(tmp_path: Path) -> None:
    ruleset, errors = load_dir(_write(tmp_path, grant=V1, **{"grant@2026-01-01": V2}))
    assert errors == []
    assert [p.id for p in ruleset.policies] == ["grant"]  # the catalogue shows one policy, its newest version
    assert [(p.in_force_from, p.in_force_until) for p in ruleset.history("grant")] == [
        (date(2020, 1, 1), BEFORE),
        (SWITCH, None),
    ]  # the old version's open end is closed by the new one
    assert _outcome(ruleset, BEFORE, {"staff_total": 12}) == "eligible"
    assert _outcome(ruleset, SWITCH, {"staff_total": 12}) == "ineligible"
    assert ruleset.get("grant", on=BEFORE).path.endswith("grant.yaml")
    assert ruleset.get("grant").path.endswith("grant@2026-01-01.yaml")


def test_batch_and_one_enterprise_paths_agree_across_the_switch(tmp_path: Path) -> None:
    ruleset, _ = load_dir(_write(tmp_path, grant=V1, **{"grant@2026-01-01": V2}))
    rows = [{"staff_total": n} for n in (None, 5, 9, 12, 17, 20, 30)]
    for on in (BEFORE, SWITCH):
        batch = evaluate_batch(ruleset.in_force(on), columns(rows), on)
        for i, facts in enumerate(rows):
            one = {v.policy_id: v.outcome for v in evaluate_all(ruleset.in_force(on), facts, on)}
            assert batch["grant"].row(i)["outcome"] == one["grant"], (on, facts)


def test_each_versions_cases_run_against_that_version(tmp_path: Path) -> None:
    ruleset, _ = load_dir(_write(tmp_path, grant=V1, **{"grant@2026-01-01": V2}))
    results = run_cases(list(ruleset.all_versions()))
    assert [(r.name, r.ok) for r in results] == [("十二人符合旧版", True), ("十二人不符合新版", True)]


def test_an_overlap_is_refused_with_file_and_line(tmp_path: Path) -> None:
    old = V1.replace("{from: 2020-01-01}", "{from: 2020-01-01, until: 2026-06-30}")
    ruleset, errors = load_dir(_write(tmp_path, grant=old, **{"grant@2026-01-01": V2}))
    assert len(errors) == 1
    err = errors[0]
    assert err.path.endswith("grant@2026-01-01.yaml") and err.line == 8
    assert "重叠" in err.reason and "grant.yaml:8" in err.reason
    assert [p.path for p in ruleset.history("grant")] == [
        str(tmp_path / "grant.yaml")
    ]  # the bad version is left out


def test_a_gap_is_refused(tmp_path: Path) -> None:
    old = V1.replace("{from: 2020-01-01}", "{from: 2020-01-01, until: 2025-06-30}")
    errors = load_dir(_write(tmp_path, grant=old, **{"grant@2026-01-01": V2}))[1]
    assert [(Path(e.path).name, e.line) for e in errors] == [("grant@2026-01-01.yaml", 8)]
    assert "空档" in errors[0].reason


def test_the_date_in_the_file_name_must_be_its_in_force_from(tmp_path: Path) -> None:
    errors = load_dir(_write(tmp_path, grant=V1, **{"grant@2026-02-01": V2}))[1]
    assert [(Path(e.path).name, e.line) for e in errors] == [("grant@2026-02-01.yaml", 8)]
    assert "应与 in_force.from 2026-01-01 相同" in errors[0].reason


def test_the_last_good_rule_set_stays_in_force_when_a_new_version_is_bad(tmp_path: Path) -> None:
    _write(tmp_path, grant=V1)
    try:
        assert registry.reload(tmp_path) == []
        good = registry.current()
        v2 = V2.replace("{from: 2026-01-01}", "{from: 2026-01-01, until: 2026-12-31}")
        _write(
            tmp_path, **{"grant@2026-01-01": v2, "grant@2026-06-01": V2.replace("2026-01-01", "2026-06-01")}
        )
        errors = registry.reload(tmp_path)
        assert [(Path(e.path).name, e.line) for e in errors] == [("grant@2026-06-01.yaml", 8)]
        assert "重叠" in errors[0].reason
        assert registry.current().hash == good.hash and registry.current().kept == ("grant",)
        assert _outcome(registry.current(), SWITCH, {"staff_total": 12}) == "eligible"
    finally:
        registry.use(None)


def test_a_relation_condition_shows_the_other_policys_title(tmp_path: Path) -> None:
    ruleset, errors = load_dir(_write(tmp_path, grant=V1, follower=FOLLOWER))
    assert errors == []
    follower = ruleset.get("follower")
    assert follower.nodes["requires_grant"].label == "须先取得：测试补贴"
    assert (
        "测试补贴" in str(criteria_outline(follower.criteria))
        and "grant" not in follower.nodes["requires_grant"].label
    )
