"""The fact catalogue and its derivations: the only bridge from stored records to the rule engine.

catalogue (every fact: type, unit, labels, what it reads) <- derive (how, as of a date) ; columns (fact
rows as typed numpy columns for the batch engine) ; profile (a YAML/JSON enterprise profile as an
aggregate). Pure: may import crm.domain and its own modules, never the database, store or rules.
"""

from crm.facts.catalogue import (
    CATALOGUE,
    FACT_TYPES,
    FIELD_ZH,
    NUMERIC_TYPES,
    UNITS,
    CollectItem,
    Fact,
    Read,
    collect_items,
    derive,
    to_collect,
)
from crm.facts.columns import column, columns, fact_table

__all__ = [
    "CATALOGUE",
    "FACT_TYPES",
    "FIELD_ZH",
    "NUMERIC_TYPES",
    "UNITS",
    "CollectItem",
    "Fact",
    "Read",
    "collect_items",
    "column",
    "columns",
    "derive",
    "fact_table",
    "to_collect",
]
