"""The policy engine, pure: schema, loader, evaluate (one enterprise), batch (many), explain.

source (YAML with line numbers, RuleError) <- schema (the closed file format, compiled to model nodes) <-
loader (a folder of files -> the last good RuleSet) ; evaluate (one enterprise, with traces and gaps) ;
batch (all enterprises at once, numpy) ; rank (an enterprise's verdicts best first) ; explain (verdicts as text and JSON) ; cases (a file's examples).
Knows nothing about the database: it evaluates facts given as plain mappings or numpy columns. May import
crm.facts, crm.domain, crm.errors and crm.i18n only.
"""

import importlib
from typing import TYPE_CHECKING, Any

from crm.rules.cases import CaseResult, run_case, run_cases
from crm.rules.evaluate import Gap, Trace, Verdict, evaluate, evaluate_all
from crm.rules.explain import document, render_text, verdict_dict
from crm.rules.loader import RuleSet, current, last_errors, load_dir, load_policy, reload, use
from crm.rules.model import OUTCOMES, Policy, Settlement
from crm.rules.rank import rank
from crm.rules.source import RuleError

if TYPE_CHECKING:
    from crm.rules.batch import BatchVerdicts, evaluate_batch

_LAZY = {"BatchVerdicts": "crm.rules.batch", "evaluate_batch": "crm.rules.batch"}  # numpy: only when used


def __getattr__(name: str) -> Any:
    """The batch engine on first use, so commands that evaluate one enterprise never load numpy."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OUTCOMES",
    "BatchVerdicts",
    "CaseResult",
    "Gap",
    "Policy",
    "RuleError",
    "RuleSet",
    "Settlement",
    "Trace",
    "Verdict",
    "current",
    "document",
    "evaluate",
    "evaluate_all",
    "evaluate_batch",
    "last_errors",
    "load_dir",
    "load_policy",
    "rank",
    "reload",
    "render_text",
    "run_case",
    "run_cases",
    "use",
    "verdict_dict",
]
