"""Matching use-cases: one enterprise (stored, explained), a profile file, what-if, re-match everyone with
diffs, and officers settling manual conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crm import facts as facts_mod
from crm.auth import current_principal, require
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.facts.entry import entry_hint, entry_unit, parse_entry
from crm.facts.profile import Profile, aggregate, load_profile
from crm.models import ManualSettlement, utcnow
from crm.rules import OUTCOMES, Settlement, Verdict, document, evaluate_all, loader
from crm.rules.cases import coerce_facts
from crm.rules.model import Manual, Policy, Score
from crm.store import Session, load_aggregate, matches, policy_view, tx

if TYPE_CHECKING:
    from crm.services.rematch import Progress, RematchSummary


@dataclass
class MatchReport:
    """The verdicts of one enterprise (or profile) on one date, with the facts they came from."""

    subject: dict[str, Any]
    on: date
    rules_hash: str
    verdicts: list[Verdict]
    facts: dict[str, Any]
    aggregate: Any = None
    # the settlements the verdicts used, read with the aggregate (a pack's provenance hashes these)
    settled: dict[str, dict[str, Settlement]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """The documented JSON document (``huiqi match --json``)."""
        return document(
            self.verdicts,
            on=self.on,
            rules_hash=self.rules_hash,
            subject=self.subject,
            aggregate=self.aggregate,
        )


@tx.retrying
def match(
    enterprise_id: int, *, on: date | None = None, overrides: dict[str, Any] | None = None, store: bool = True
) -> MatchReport:
    """Evaluate every policy in force for one stored enterprise; store the verdicts unless ``store`` is False."""
    on = on or date.today()
    ruleset = loader.current()
    with session_scope() as session:
        read_at = utcnow()  # the verdicts replace only ones computed from facts read before this
        agg = load_aggregate(session=session, enterprise_id=enterprise_id)
        settled = settlements(session, enterprise_id)
        facts = facts_mod.derive(agg, on, coerce_facts(overrides or {}))
        verdicts = evaluate_all(ruleset.in_force(on), facts, on, settled=settled)
        if store and not overrides and current_principal().can("write"):  # a viewer looks, stores nothing
            _store_one(session, agg, verdicts, ruleset.hash, on, read_at)
    subject = {"enterprise_id": enterprise_id, "name": agg.enterprise.name, "uscc": agg.enterprise.uscc}
    return MatchReport(subject, on, ruleset.hash, verdicts, facts, agg, settled)


def what_if(enterprise_id: int, *, overrides: dict[str, Any], on: date | None = None) -> MatchReport:
    """The verdicts with some facts changed temporarily (nothing is stored)."""
    return match(enterprise_id, on=on, overrides=overrides, store=False)


def match_profile(profile: str | Path | Profile, *, on: date | None = None) -> MatchReport:
    """Evaluate every policy for an enterprise profile file (no database)."""
    on = on or date.today()
    profile = profile if isinstance(profile, Profile) else load_profile(profile)
    agg = aggregate(profile)
    ruleset = loader.current()
    facts = facts_mod.derive(agg, on, coerce_facts(profile.facts))
    verdicts = evaluate_all(ruleset.in_force(on), facts, on, settled=profile.settled)
    subject = {"enterprise_id": None, "name": profile.enterprise.name, "uscc": profile.enterprise.uscc}
    return MatchReport(subject, on, ruleset.hash, verdicts, facts, agg)


# --- manual settlements --------------------------------------------------------------------------------


@tx.retrying
def settle(
    *,
    enterprise_id: int,
    policy_id: str,
    condition_id: str,
    met: bool | None,
    officer: str | None = None,
    note: str = "",
) -> ManualSettlement:
    """Record an officer's decision on a manual condition (None withdraws it); audited. Recorded under
    the signed-in officer's name unless ``officer`` names someone (the CLI, imports of past decisions)."""
    me = require("write")
    officer = officer or me.display_name or me.username
    _check_settleable(policy_id, condition_id)
    with session_scope() as session:
        return matches.add_settlement(
            session=session,
            enterprise_id=enterprise_id,
            policy_id=policy_id,
            condition_id=condition_id,
            met=met,
            actor=officer,
            note=note,
        )


def settlements(session: Session, enterprise_id: int) -> dict[str, dict[str, Settlement]]:
    """The standing settlements of one enterprise, by policy and condition (newest decision wins)."""
    rows = matches.settlements(session=session, enterprise_id=enterprise_id)
    latest = {(r.policy_id, r.condition_id): r for r in rows}
    out: dict[str, dict[str, Settlement]] = {}
    for (policy_id, cid), r in latest.items():
        if r.met is not None:
            out.setdefault(policy_id, {})[cid] = Settlement(r.met, r.officer, r.at, r.note)
    return out


def settleable_conditions(policy: Policy) -> list[tuple[str, str]]:
    """(condition id, label) of the conditions an officer may settle in a policy."""
    return [(n.id, n.label) for n in policy.nodes.values() if isinstance(n, (Manual, Score))]


def _check_settleable(policy_id: str, condition_id: str) -> None:
    ruleset = loader.current()
    if policy_id not in ruleset.ids():
        raise HuiqiError(f"没有政策 '{policy_id}'")
    if condition_id not in dict(settleable_conditions(ruleset.get(policy_id))):
        raise HuiqiError(f"条件 '{condition_id}' 不是需要人工核定的条件")


# --- re-match everyone -----------------------------------------------------------------------------------


REMATCH_STEPS = ("read", "evaluate", "compare", "write", "done")  # the progress steps, in order


@tx.retrying
def rematch_all(*, on: date | None = None, progress: Progress | None = None) -> RematchSummary:
    """Re-evaluate every live enterprise x every policy in force (batch path), write back the verdicts that
    changed and keep the differences (``crm.services.rematch``)."""
    require("write")
    from crm.services import rematch  # numpy: loaded by the re-match only

    return rematch.run(on=on or date.today(), progress=progress)


def rematch_text(summary: RematchSummary) -> str:
    """A re-match's summary as an officer reads it."""
    from crm.services import rematch

    return rematch.summary_text(summary)


def _store_one(
    session: Session, agg: Any, verdicts: list[Verdict], rules_hash: str, on: date, read_at: datetime
) -> None:
    from crm.rules.digest import digest_of  # numpy, like the batch path it agrees with

    enterprise_id, registered = agg.enterprise.id, agg.enterprise.registration_date
    rows = [
        {
            "enterprise_id": enterprise_id,
            "policy_id": v.policy_id,
            "outcome": v.outcome,
            "rank": v.rank,
            "as_of": on,
            "rules_hash": rules_hash,
            "gaps": [{"condition": g.condition, "shortfall": g.shortfall, "near": g.near} for g in v.gaps],
            "to_collect": "、".join(facts_mod.collect_items(v.to_collect, on, registered=registered)) or None,
            "pending": v.pending,
            **matches.value_columns(*((v.value.low, v.value.high) if v.value else (None, None))),
            "digest": digest_of(v, None if registered is None else registered.year),
        }
        for v in verdicts
    ]
    matches.replace_results(
        session=session, rows=rows, enterprise_ids=[enterprise_id], rules_hash=rules_hash, read_at=read_at
    )


# --- reading stored results ------------------------------------------------------------------------------


def stored_results(enterprise_id: int) -> list[dict[str, Any]]:
    """The stored verdicts of one enterprise, best rank first."""
    with session_scope() as session:
        return [r.model_dump() for r in matches.results_of(session=session, enterprise_id=enterprise_id)]


def outcome_counts(policy_id: str) -> dict[str, list[tuple[int, str]]]:
    """Enterprises (id, name) in each outcome of one policy, from the stored verdicts."""
    out: dict[str, list[tuple[int, str]]] = {o: [] for o in OUTCOMES}
    with session_scope() as session:
        for outcome, eid, name in matches.members_by_outcome(session=session, policy_id=policy_id):
            out[outcome].append((eid, name))
    return out


def outcome_totals(policy_id: str | None = None) -> dict[str, dict[str, int]]:
    """{policy: {outcome: enterprises}} from the stored verdicts (indexed counts, no enterprise loaded)."""
    with session_scope() as session:
        return policy_view.outcome_totals(session=session, policy_id=policy_id)


def outcome_page(policy_id: str, outcome: str, *, page: int = 0, size: int = 50) -> list[tuple[int, str]]:
    """One page (by name) of the enterprises whose stored verdict on a policy is ``outcome``."""
    with session_scope() as session:
        return policy_view.outcome_members(
            session=session, policy_id=policy_id, outcome=outcome, offset=page * size, limit=size
        )


def recent_diffs(*, limit: int = 200) -> list[dict[str, Any]]:
    """The newest re-match differences, for the dashboard."""
    with session_scope() as session:
        return matches.recent_diffs(session=session, limit=limit)


def policies(on: date | None = None) -> tuple[Policy, ...]:
    """The policies in force (all of them when ``on`` is None)."""
    ruleset = loader.current()
    return ruleset.policies if on is None else ruleset.in_force(on)


def condition_text(cond: dict[str, Any]) -> str:
    """A condition of the match document as Chinese text (value vs threshold, gap, settlement)."""
    from crm.rules.explain import condition_text as text

    return text(cond)


def assumption_text(name: str, value: Any) -> str:
    """A what-if assumption in words: the fact's label and its value (a yes/no fact's phrase), no keys."""
    return f"{facts_mod.CATALOGUE[name].zh}＝{fact_value_text(name, value)}"


def fact_value_text(name: str, value: Any) -> str:
    """A fact's value for people: money in 万元, ratios in %, a yes/no fact's phrase, 未知 when unknown."""
    fact = facts_mod.CATALOGUE[name]
    if fact.type == "bool":
        return facts_mod.state_text(name, value) or "未知"
    from crm.rules.explain import fmt

    return fmt(value, fact.unit)


@dataclass(frozen=True)
class WhatIfFact:
    """A fact the what-if drawer may change: its label, the unit beside the input and what may be typed."""

    name: str
    label: str
    kind: str
    unit: str
    hint: str


def what_if_facts(lang: str = "zh") -> list[WhatIfFact]:
    """The facts the what-if drawer may change (not the coded ones, which have their own vocabularies)."""
    return [
        WhatIfFact(
            f.name, f.zh if lang == "zh" else f.en, f.type, entry_unit(f.name, lang), entry_hint(f.name, lang)
        )
        for f in facts_mod.CATALOGUE.values()
        if f.type != "code"
    ]


def parse_assumption(name: str, text: str) -> Any:
    """What an officer typed for fact ``name`` as its value (money in 万元 unless a unit is named);
    raises ``EntryError`` with a message naming the fact and what it takes."""
    return parse_entry(name, text)


def policy_outline(policy_id: str) -> dict[str, Any]:
    """One policy as plain data for the 政策 page: metadata and the criteria tree in Chinese."""
    from crm.rules.explain import criteria_outline

    p = loader.current().get(policy_id)
    return {
        "id": p.id,
        "title": p.title,
        "title_en": p.title_en,
        "level": p.level,
        "authority": p.authority,
        "confidence": p.confidence,
        "todo": p.todo,
        "in_force_from": p.in_force_from,
        "path": p.path,
        "requires": p.requires,
        "excludes": p.excludes,
        "unlocks": p.unlocks,
        **p.meta,
        "criteria": criteria_outline(p.criteria),
        "cases": len(p.cases),
    }
