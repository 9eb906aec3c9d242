"""Every database write, and every query behind a screen: keyword-only, version-checked, audited.

tx (row locks in id order, serialised checks, bounded retries of deadlocks and serialisation failures)
<- core (insert, version-checked update, soft delete/restore, audit rows, bulk insert) <- enterprises (the
enterprise aggregate, its children and small reads), officers (accounts, password hashes, sign-in events),
applications (pipeline, windows, stages), transitions (which stage may follow which; undoing a
move), board (the applications board and list), queries (the
enterprise list, import matching), facts (every live aggregate), fact_inputs (every live
enterprise's raw fact inputs as numpy columns, for a re-match), matches (stored verdicts,
settlements, re-match differences), match_source (where verdicts are read from), dashboard, radar (and
the calendar's tasks), packs (pack history), merges (the writes of a merge and its undo), filters (saved
filters), audit (reading the trail), search (the search index's rows and its change hook), maintenance
(emptying the records, planner statistics). Services compose these and hold no SQL of their own; they
take the ``Session`` type from here. May import crm.models, crm.records, crm.db, crm.i18n and crm.domain;
never crm.rules, crm.packs, crm.services or the UI.
"""

from sqlmodel import Session

from crm.store.core import (
    ENTITY_OF,
    MODEL_OF,
    ConflictError,
    NotFoundError,
    StoreError,
    delete,
    entity_name,
    fields_of,
    get_record,
    insert_many,
    insert_one,
    provenance,
    restore,
    table_of,
    update_versioned,
    write_audit,
)
from crm.store.enterprises import (
    Aggregate,
    children,
    create_child,
    create_enterprise,
    history,
    load_aggregate,
    update_child,
    update_enterprise,
)
from crm.store.officers import create_officer
from crm.store.queries import (
    SORTABLE,
    EnterpriseQuery,
    Page,
    enterprise_filters,
    enterprise_keys,
    import_targets,
    list_enterprises,
)

__all__ = [
    "ENTITY_OF",
    "MODEL_OF",
    "SORTABLE",
    "Session",
    "Aggregate",
    "ConflictError",
    "EnterpriseQuery",
    "NotFoundError",
    "Page",
    "StoreError",
    "children",
    "create_child",
    "create_enterprise",
    "create_officer",
    "delete",
    "enterprise_filters",
    "enterprise_keys",
    "entity_name",
    "fields_of",
    "get_record",
    "history",
    "import_targets",
    "insert_many",
    "insert_one",
    "list_enterprises",
    "load_aggregate",
    "provenance",
    "restore",
    "table_of",
    "update_child",
    "update_enterprise",
    "update_versioned",
    "write_audit",
]
