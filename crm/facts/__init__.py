"""The fact catalogue and its derivations: the only bridge from stored records to the rule engine.

bounds (partly known numbers as intervals) <- catalogue (every fact: type, unit, labels, what it reads) <-
derive (how, as of a date) ; columns (fact rows as typed numpy columns for the batch engine) ; rows <- table
(the same derivations over every enterprise's raw record columns at once: the re-match's fact table) ; states (a
yes/no fact's phrases) ; profile (a YAML/JSON enterprise profile as an aggregate). Pure: may import crm.domain and its own modules, never the database, store or rules.
"""

from crm.facts.bounds import Interval
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
from crm.facts.states import state_text

__all__ = [
    "CATALOGUE",
    "FACT_TYPES",
    "FIELD_ZH",
    "NUMERIC_TYPES",
    "UNITS",
    "CollectItem",
    "Fact",
    "Interval",
    "Read",
    "collect_items",
    "column",
    "columns",
    "derive",
    "fact_table",
    "state_text",
    "to_collect",
]
