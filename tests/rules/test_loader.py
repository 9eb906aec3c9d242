"""The loader refuses bad files loudly: one tiny broken fixture per failure mode, message and line checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm.rules import RuleError, load_dir, load_policy
from crm.rules import loader as registry

BROKEN = Path(__file__).parent / "broken"
LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"

CASES = [
    # file structure and YAML
    ("duplicate_key", 9, "重复的键 'title'"),
    ("yaml_syntax", 10, "YAML 语法错误"),
    ("unknown_key", 9, "benefit: 未知的键"),
    ("missing_criteria", 1, "criteria: 缺少必填项"),
    ("wrong_id", 1, "应与文件名 'wrong_id' 相同"),
    ("low_without_todo", 7, "需要 todo"),
    ("bad_window", 9, "MM-DD"),
    # facts and types
    ("unknown_fact", 11, "未知的事实 'rd_ratio3y'，是否指 'rd_ratio_3y'？"),
    ("type_mismatch", 11, "'hnte_valid_until' 是 date，不能做数值比较"),
    ("date_vs_ratio", 11, "'rd_ratio_3y'（ratio）不能与日期"),
    ("percent_on_money", 11, "百分数 5% 只能与比例事实比较"),
    ("ratio_out_of_range", 11, "比例阈值应在 0 到 1 之间"),
    ("unknown_param", 11, "未定义的参数 'revenue_mni'"),
    # condition tree
    ("duplicate_condition", 12, "条件 id 'a' 重复"),
    ("condition_key_typo", 11, "未知的键 'clasue'，是否指 'clause'？"),
    ("two_operators", 11, "需要恰好一个比较"),
    ("n_of_range", 10, "n_of 的 n=3 应在 1 到 1 之间"),
    ("hard_not_bool", 11, "hard 只能写 true 或 false"),
    ("hard_with_tolerance", 11, "为 hard（界定适用对象），不能再写 tolerance"),
    # value estimates
    ("value_unknown_fact", 10, "未知的事实或参数 'total_income_lastyear'，是否指 'total_income_last_year'？"),
    ("value_divide_by_fact", 10, "除数只能是正的数字或参数"),
    ("value_bad_function", 10, "不支持的函数 sqrt"),
    ("value_code_fact", 10, "事实 'hnte_domain' 是 code，不能参与计算"),
]


@pytest.mark.parametrize(("name", "line", "reason"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_refused_with_file_line_and_reason(name: str, line: int, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        load_policy(BROKEN / f"{name}.yaml")
    err = caught.value
    assert err.path.endswith(f"{name}.yaml")
    assert reason in err.reason
    assert err.line == line
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_unknown_relation_target_is_an_error_of_the_referring_file(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "unknown_relation.yaml", tmp_path)
    ruleset, errors = load_dir(tmp_path)
    assert [e.reason for e in errors] == ["关联的政策 'no_such_policy' 不存在"]
    assert errors[0].path.endswith("unknown_relation.yaml")


def test_the_shipped_library_loads_without_errors() -> None:
    ruleset, errors = load_dir(LIBRARY)
    assert errors == []
    assert len(ruleset.policies) == 10


def test_a_broken_file_leaves_the_last_good_rule_set_in_force(tmp_path: Path) -> None:
    shutil.copy(LIBRARY / "talent_employer.yaml", tmp_path)
    target = tmp_path / "talent_employer.yaml"
    try:
        assert registry.reload(tmp_path) == []
        good = registry.current()
        target.write_text(target.read_text("utf-8") + "\nid: again\n", "utf-8")
        errors = registry.reload(tmp_path)
        assert errors and "重复的键 'id'" in errors[0].reason
        assert registry.current().hash == good.hash and registry.current().ids() == good.ids()
        assert registry.last_errors() == errors
    finally:
        registry.use(None)


def test_the_content_hash_changes_with_the_content(tmp_path: Path) -> None:
    shutil.copy(LIBRARY / "hnte.yaml", tmp_path)
    first = load_dir(tmp_path)[0].hash
    (tmp_path / "hnte.yaml").write_text(
        (tmp_path / "hnte.yaml").read_text("utf-8") + "\n# comment\n", "utf-8"
    )
    assert load_dir(tmp_path)[0].hash != first
