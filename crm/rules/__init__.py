"""The policy engine, pure: schema, loader, evaluate (one enterprise), batch (many), explain.

Knows nothing about the database: it evaluates facts given as plain mappings or numpy columns.
"""

from crm.rules.batch import BatchVerdicts, columns, evaluate_batch
from crm.rules.cases import CaseResult, run_case, run_cases
from crm.rules.evaluate import Gap, Trace, Verdict, evaluate, evaluate_all, rank
from crm.rules.explain import document, render_text, verdict_dict
from crm.rules.loader import RuleSet, current, last_errors, load_dir, load_policy, reload, use
from crm.rules.model import OUTCOME_ZH, OUTCOMES, Policy, Settlement
from crm.rules.source import RuleError

__all__ = [
    "OUTCOMES",
    "OUTCOME_ZH",
    "BatchVerdicts",
    "CaseResult",
    "Gap",
    "Policy",
    "RuleError",
    "RuleSet",
    "Settlement",
    "Trace",
    "Verdict",
    "columns",
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
