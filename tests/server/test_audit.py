"""The audit trail browser: by user, record and date, exported to .xlsx; admins only."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from crm.services import audit, enterprises
from crm.services.auth import PermissionDenied, acting_as


def test_admins_filter_the_trail_by_user_record_and_date_and_export_it(accounts: dict) -> None:
    with acting_as(accounts["officer"]):
        mine = enterprises.create_enterprise({"name": "李专员录入的公司"})
        enterprises.update_enterprise(mine.id, 1, {"notes": "<b>走访纪要</b>"})
    with acting_as(accounts["admin"]):
        other = enterprises.create_enterprise({"name": "主任录入的公司"})
        rows, total = audit.audit_entries(audit.AuditQuery(actor="li"))
        assert total == len(rows) and {r.actor for r in rows} == {"li"}
        assert [r.action for r in rows][0] == "修改" and rows[0].new == "<b>走访纪要</b>"

        by_record, _ = audit.audit_entries(audit.AuditQuery(record_id=other.id))
        assert {r.enterprise_id for r in by_record} == {other.id}
        today = date.today()
        assert audit.audit_entries(audit.AuditQuery(since=today, until=today))[1] >= 3
        assert audit.audit_entries(audit.AuditQuery(until=today - timedelta(days=1)))[1] == 0
        assert {"li", "chief"} <= set(audit.audit_actors())

        sheet = load_workbook(io.BytesIO(audit.export_audit_xlsx(audit.AuditQuery(actor="li")))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == list(audit.HEADERS)
    assert len(values) - 2 == total and all(row[1] == "li" for row in values[2:])


def test_officers_and_viewers_cannot_read_the_whole_trail(accounts: dict) -> None:
    for who in ("officer", "viewer"):
        with acting_as(accounts[who]), pytest.raises(PermissionDenied):
            audit.audit_entries(audit.AuditQuery())
        with acting_as(accounts[who]), pytest.raises(PermissionDenied):
            audit.export_audit_xlsx(audit.AuditQuery())


def test_the_trail_reads_in_labels_units_and_names(accounts: dict) -> None:
    """No field code, JSON or id: 注册资本 in 万元, the owner officer by name, the enterprise by name."""
    with acting_as(accounts["admin"]):
        e = enterprises.create_enterprise({"name": "审计可读有限公司", "registered_capital": "300万"})
        owner = next(o for o in enterprises.officers() if o.username == "li")
        enterprises.update_enterprise(
            e.id, e.version, {"registered_capital": "450万", "owner_officer_id": owner.id}
        )
        rows, _ = audit.audit_entries(audit.AuditQuery(record_id=e.id))
    changed = {r.field_label: (r.old, r.new) for r in rows if r.action == "修改"}
    assert changed["注册资本"] == ("300.00 万元", "450.00 万元")
    assert changed["负责专员"] == (None, owner.display_name) or changed["负责专员"] == (
        "",
        owner.display_name,
    )
    assert {r.enterprise for r in rows} == {"审计可读有限公司"} and {r.record for r in rows} == {"企业"}
    for r in rows:
        assert str(owner.id) not in (r.new or "") and "_" not in r.field_label
