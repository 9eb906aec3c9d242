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
