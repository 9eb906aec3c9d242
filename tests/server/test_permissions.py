"""A viewer cannot write through any service; an officer cannot administer.

Every public function of every crm.services module must be classified below: a new one fails
``test_every_service_function_is_classified`` until its author decides whether it writes.
Write and admin functions are then called as the wrong role with placeholder arguments: the
permission check comes first, so they must refuse before touching anything.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import func, select

import crm.services
from crm.db import session_scope
from crm.models import AuditEntry
from crm.services.auth import PermissionDenied, Principal, acting_as

WRITE = {
    "enterprises": {
        "create_enterprise",
        "update_enterprise",
        "delete_record",
        "restore_record",
        "add_child",
        "update_child",
    },
    "intake": {"run_import", "merge_enterprises", "undo_merge", "save_mapping"},
    "deadlines": {"set_cycle_window", "update_cycle_window"},
    "matching": {"settle", "rematch_all"},
    "requests": {"make_requests", "make_batch", "close_request"},
    "provenance": {"mark_verified"},
    "rematch": {"run"},
    "returns": {"accept"},
    "packs": {"make_pack", "make_packs"},
    "jobs": {"start_pack_batch"},
    "pipeline": {"create_from_match", "move", "update"},
    "application_panel": {"move", "undo"},
    "bulk": {"assign_officer", "change_tag"},
    "demo": {"seed", "load"},
    "saved_filters": {"save_filter", "delete_filter"},
}
ADMIN = {
    "auth": {"list_accounts", "create_account", "update_account", "reset_password", "unlock_account"},
    "audit": {"audit_entries", "audit_actors", "export_audit_xlsx"},
    "backup": {"make_backup", "list_backups", "restore_backup"},
    "pipeline": {"save_stages"},
    "rulebook": {"reload_rules"},
}
# reads, exports to bytes, and the few that need no role (login, mode, the desktop start-up backup)
OPEN = {
    "rulebook": {"rules_status"},
    "auth": {
        "login",
        "principal_for",
        "session_state",
        "is_server_mode",
        "has_active_admin_with_password",
        "change_own_password",
    },
    "backup": {"daily_backup_if_due"},
    "demo": {"has_enterprises"},
    # one's own contact details for packs and requests: any signed-in role, never someone else's
    "profile": {"my_profile", "save_my_profile"},
    "requests": {"list_requests", "outstanding", "request_workbook", "select_enterprises", "status_of"},
    "returns": {"read_folder", "review_returns"},
    # make_requests' parts: reading verdicts, and writing already-made workbooks to the paths it chose
    "request_batch": {"verdicts_of", "write_books"},
    # a pack's asks, built from verdicts already read (pure)
    "pack_asks": {"to_check", "to_collect", "data_request_rows"},
    "provenance": {"provenance_of", "source_text"},
    "jobs": {"latest"},
    "dashboard": {
        "approvals",
        "by_division",
        "by_street",
        "dashboard",
        "export_xlsx",
        "funnel",
        "kpis",
        "matches",
        "packs_by_month",
    },
    "deadlines": {
        "agenda",
        "closing_within",
        "current_cycle",
        "events",
        "ics",
        "list_cycle_windows",
        "policy_titles",
        "windows",
        "write_feed",
    },
    "enterprises": {
        "current_actor",
        "facets",
        "get_aggregate",
        "get_enterprise",
        "history",
        "list_children",
        "list_enterprises",
        "officers",
    },
    "intake": {
        "export_enterprises",
        "export_matches",
        "find_duplicates",
        "import_template",
        "mapping_choices",
        "merges",
        "preview_import",
        "read_file",
        "read_path",
        "check_upload_size",
        "max_upload_bytes",
        "rejected_rows_xlsx",
        "saved_mappings",
        "suggest_mapping",
        "export_match_results",
        "target_label",
    },
    "matching": {
        "rematch_text",
        "assumption_text",
        "condition_text",
        "fact_value_text",
        "match",
        "match_profile",
        "outcome_counts",
        "outcome_page",
        "outcome_totals",
        "parse_assumption",
        "policies",
        "policy_outline",
        "recent_diffs",
        "settleable_conditions",
        "settlements",
        "stored_results",
        "what_if",
        "what_if_facts",
    },
    # the re-match's parts: facts as columns inside the caller's session, stored-value and summary helpers
    "rematch": {"fact_table", "settled_columns", "summary_text"},
    "data_request": {"facts_to_request", "fields_to_check", "held_value", "in_unit", "unit_of"},
    "history_view": {"enterprise_history"},
    "application_panel": {"next_stages", "record"},
    "bulk": {"matching_ids"},
    "overview": {"due", "estimated", "next_deadline", "strip"},
    "pack_input": {
        "data_used",
        "enterprise_block",
        "evaluate",
        "fingerprint",
        "settlements",
        "verdict_input",
    },
    "packs": {
        "first_page_png",
        "list_packs",
        "open_pack",
        "preview_pack",
        "select_enterprises",
    },
    "pack_pool": {"run_each", "shutdown_workers"},  # runs what its caller checked; stops the render workers
    "pipeline": {
        "all_stages",
        "board",
        "for_enterprise",
        "get",
        "list_applications",
        "stages",
    },
    "radar": {"expiring", "radar", "returns_due", "section", "stalled", "tasks", "to_collect", "untold"},
    "report": {"build_context", "report_pdf"},
    "saved_filters": {"saved_filters"},
    "search": {"invalidate", "search"},
}


def public_functions() -> dict[str, dict[str, Callable[..., Any]]]:
    found: dict[str, dict[str, Callable[..., Any]]] = {}
    for info in pkgutil.iter_modules(crm.services.__path__):
        module = importlib.import_module(f"crm.services.{info.name}")
        found[info.name] = {
            name: fn
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not name.startswith("_")
        }
    return found


def _cases(table: dict[str, set[str]]) -> list[Any]:
    return [
        pytest.param(module, name, id=f"{module}.{name}") for module, names in table.items() for name in names
    ]


def _call_with_placeholders(fn: Callable[..., Any]) -> None:
    args, kwargs = [], {}
    for p in inspect.signature(fn).parameters.values():
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = None
        else:
            args.append(None)
    fn(*args, **kwargs)


def _audit_rows() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_every_service_function_is_classified() -> None:
    found = {(m, n) for m, fns in public_functions().items() for n in fns}
    classified = {(m, n) for table in (WRITE, ADMIN, OPEN) for m, names in table.items() for n in names}
    assert found - classified == set(), "classify these in tests/server/test_permissions.py"
    assert classified - found == set(), "these no longer exist"


@pytest.mark.parametrize(("module", "name"), _cases(WRITE))
def test_a_viewer_is_refused_by_every_write_service(module: str, name: str) -> None:
    fn = public_functions()[module][name]
    before = _audit_rows()
    with (
        acting_as(Principal("zhao", "viewer", "赵只读")),
        pytest.raises(PermissionDenied, match="不能修改数据"),
    ):
        _call_with_placeholders(fn)
    assert _audit_rows() == before


@pytest.mark.parametrize(("module", "name"), _cases(ADMIN))
def test_an_officer_is_refused_by_every_admin_service(module: str, name: str) -> None:
    fn = public_functions()[module][name]
    with acting_as(Principal("li", "officer", "李专员")), pytest.raises(PermissionDenied, match="管理账号"):
        _call_with_placeholders(fn)
