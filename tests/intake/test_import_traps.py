"""Import traps: the template's example row is never imported, and a suspected duplicate is neither created
nor merged until the officer chooses."""

from __future__ import annotations

from crm.services import enterprises, intake
from crm.services.enterprises import EnterpriseQuery, list_enterprises
from tests.intake.test_import import officer_xlsx


def test_the_template_example_row_is_skipped_and_said_so() -> None:
    table = intake.read_file(intake.import_template(), "模板.xlsx")
    preview, result = intake.run_import(table, intake.suggest_mapping(table))
    assert result is not None and result.created == []
    assert preview.rows[0].action == "skip"
    assert any("模板的示例行" in note for note in preview.notes)
    assert list_enterprises(EnterpriseQuery()).total == 0


def test_a_suspected_duplicate_defaults_to_skip() -> None:
    old = enterprises.create_enterprise({"name": "上海跃动体育科技有限公司"})
    data = officer_xlsx(
        ["企业名称", "2023年营业收入"],
        [["跃动体育科技（上海）有限公司", "100万元"], ["上海全新赛艇俱乐部有限公司", None]],
    )
    table = intake.read_file(data, "x.xlsx")
    preview, result = intake.run_import(table, intake.suggest_mapping(table))
    assert preview.rows[0].suspects and preview.rows[0].action == "skip"
    assert result is not None and len(result.created) == 1 and result.updated == []
    assert {e.name for e in list_enterprises(EnterpriseQuery()).rows} == {
        old.name,
        "上海全新赛艇俱乐部有限公司",
    }
