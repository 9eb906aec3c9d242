"""What to ask an enterprise for: the fields that settle its open verdicts, deduplicated, best-valued first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crm.facts.profile import Profile
from crm.services import matching
from crm.services.data_request import facts_to_request, fields_to_check, in_unit

ON = date(2026, 6, 1)


def _report(**enterprise: object) -> matching.MatchReport:
    profile = Profile.model_validate(
        {
            "enterprise": {
                "name": "杨浦测试体育科技有限公司",
                "registration_date": date(2018, 1, 1),
                **enterprise,
            },
            "fiscal_years": [{"year": 2025, "sales_revenue": 30_000_000, "staff_total": 40}],
        }
    )
    return matching.match_profile(profile, on=ON)


def test_each_missing_field_is_asked_once_with_its_unit_and_the_policies_it_settles() -> None:
    report = _report()
    items = facts_to_request(report.verdicts, report.aggregate)
    keys = [i.key for i in items]
    assert len(keys) == len(set(keys))
    by_key = {i.key: i for i in items}
    rd = by_key["rd_expense@2025"]
    assert (rd.label, rd.unit, rd.held) == ("2025 年研发费用", "万元", None)
    assert rd.policies and all(p.outcome in ("needs_data", "likely") for p in rd.policies)
    # a figure we already hold is not asked again, but is offered for checking
    assert "sales_revenue@2025" not in by_key
    check = {i.key: i for i in fields_to_check(report.verdicts, report.aggregate)}
    assert float(check["sales_revenue@2025"].held) == 30_000_000
    # the lists (IP, credentials, compliance) are complete by convention: never asked in a cell
    assert not {"ip_assets", "credentials", "compliance_events"} & {i.field for i in items}


def test_items_are_ordered_by_the_value_of_the_policies_they_settle() -> None:
    items = facts_to_request(_report().verdicts, _report().aggregate)
    values = [i.value for i in items]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0


def test_a_settled_enterprise_is_asked_nothing_more_for_the_fields_it_gave() -> None:
    before = {i.key for i in facts_to_request(_report().verdicts, _report().aggregate)}
    after_report = _report(serious_dishonesty_listed=False, abnormal_operation_listed=False)
    after = {i.key for i in facts_to_request(after_report.verdicts, after_report.aggregate)}
    assert "serious_dishonesty_listed" in before and "serious_dishonesty_listed" not in after


def test_money_is_asked_in_wan_yuan() -> None:
    assert in_unit("rd_expense", Decimal("1500000")) == Decimal("150")
    assert in_unit("staff_total", 12) == 12


def test_the_batch_path_gives_the_verdicts_of_matching_one_enterprise(enterprise_id: int) -> None:
    from crm.services import request_batch

    matching.settle(
        enterprise_id=enterprise_id,
        policy_id="talent_employer",
        condition_id="contract",
        met=False,
        officer="wang",
    )
    one = matching.match(enterprise_id, on=ON, store=False)
    [(eid, _agg, verdicts)] = list(request_batch.verdicts_of([enterprise_id], ON))
    assert eid == enterprise_id
    assert any(v.policy_id == "talent_employer" and v.outcome == "ineligible" for v in verdicts)
    assert [(v.policy_id, v.outcome, v.to_collect) for v in verdicts] == [
        (v.policy_id, v.outcome, v.to_collect) for v in one.verdicts
    ]
