"""Loading the rule set: every policy file checked, relations resolved, content hashed, last good set kept."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crm.rules.cases import DEFAULT_CASE_DATE
from crm.rules.compile import CompileError, Compiler
from crm.rules.model import Held, Policy, ValueSpec
from crm.rules.schema import PolicyFile
from crm.rules.source import LineDict, RuleError, line_of, read_yaml
from crm.rules.value import ValueSpecError, compile_value

VERSION_SEP = "@"


@dataclass(frozen=True)
class RuleSet:
    """The policies, in evaluation order (a policy after those it depends on), with a content hash.

    A policy may have several dated versions (``hnte.yaml``, ``hnte@2026-01-01.yaml``): ``versions`` holds
    every one of them (older first within a policy), ``policies`` the newest version of each policy (the
    catalogue shown on screens), ``in_force(on)`` the version of each policy in force on a date (evaluation).
    """

    policies: tuple[Policy, ...]
    hash: str
    directory: str = ""
    loaded_at: datetime = field(default_factory=datetime.now)
    versions: tuple[Policy, ...] = ()

    def all_versions(self) -> tuple[Policy, ...]:
        return self.versions or self.policies

    def get(self, policy_id: str, on: date | None = None) -> Policy:
        """The newest version of a policy, or (with ``on``) the version in force on that date."""
        if on is not None:
            found = [p for p in self.all_versions() if p.id == policy_id and p.in_force(on)]
            if found:
                return found[0]
        return next(p for p in self.policies if p.id == policy_id)

    def history(self, policy_id: str) -> tuple[Policy, ...]:
        """Every version of a policy, oldest first."""
        return tuple(p for p in self.all_versions() if p.id == policy_id)

    def ids(self) -> list[str]:
        return [p.id for p in self.policies]

    def in_force(self, on: date) -> tuple[Policy, ...]:
        return tuple(p for p in self.all_versions() if p.in_force(on))


def load_policy(path: Path, text: str | None = None, *, titles: Mapping[str, str] | None = None) -> Policy:
    """One policy file -> a compiled Policy, or a RuleError naming the file, line and reason."""
    return _compile(path, read_yaml(path, text), titles)


def _compile(path: Path, raw: Any, titles: Mapping[str, str] | None) -> Policy:
    if not isinstance(raw, LineDict):
        raise RuleError(path, getattr(raw, "line", 1), "文件应是一个政策映射（id、title、criteria ...）")
    spec = _validate(path, raw)
    stem, _, stamp = path.stem.partition(VERSION_SEP)
    if spec.id != stem:
        raise RuleError(path, raw.key_lines["id"], f"id '{spec.id}' 应与文件名 '{stem}' 相同")
    if stamp:
        try:
            dated = date.fromisoformat(stamp)
        except ValueError:
            raise RuleError(
                path, raw.key_lines["id"], f"版本文件名应写作 {stem}@YYYY-MM-DD.yaml，'{stamp}' 不是日期"
            ) from None
        if dated != spec.in_force.from_:
            raise RuleError(
                path,
                raw.key_lines["in_force"],
                f"文件名中的日期 {dated} 应与 in_force.from {spec.in_force.from_} 相同",
            )
    if spec.in_force.until is not None and spec.in_force.until < spec.in_force.from_:
        raise RuleError(path, raw.key_lines["in_force"], "in_force.until 早于 in_force.from")
    if spec.confidence != "high" and not spec.todo:
        raise RuleError(
            path, raw.key_lines["confidence"], f"置信度为 {spec.confidence} 的政策需要 todo: 说明待核实之处"
        )
    compiler = Compiler(spec, titles=titles)
    try:
        root = compiler.root(raw["criteria"])
        held = _held(spec, compiler)
    except CompileError as exc:
        raise RuleError(path, exc.line, exc.reason) from None
    return replace(_policy(spec, raw, root, held, compiler, path), value=_value(spec, raw, path))


def load_dir(directory: Path) -> tuple[RuleSet, list[RuleError]]:
    """Every ``*.yaml`` in a directory: the good policies as a RuleSet, and the errors of the bad files."""
    errors: list[RuleError] = []
    parsed: list[tuple[Path, Any]] = []
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
        try:
            parsed.append((path, read_yaml(path, text)))
        except RuleError as exc:
            errors.append(exc)
    titles = _titles(parsed)
    policies: list[Policy] = []
    for path, raw in parsed:
        try:
            policies.append(_compile(path, raw, titles))
        except RuleError as exc:
            errors.append(exc)
    versions, version_errors = _versions(policies)
    ordered, relation_errors = _order(versions)
    newest = {p.id: p for p in ordered}  # ordered keeps a policy's versions oldest first
    latest = tuple(p for p in ordered if newest[p.id] is p)
    ruleset = RuleSet(latest, digest.hexdigest()[:16], str(directory), versions=tuple(ordered))
    return ruleset, errors + version_errors + relation_errors


# --- the registry: the rule set in force --------------------------------------------------------------

_lock = threading.Lock()
_current: RuleSet | None = None
_errors: list[RuleError] = []


def current() -> RuleSet:
    """The rule set in force (loaded from the configured rules dir on first use)."""
    if _current is None:
        reload()
    assert _current is not None
    return _current


def last_errors() -> list[RuleError]:
    """The errors of the last reload (shown in the UI while the last good set stays in force)."""
    return list(_errors)


def reload(directory: Path | None = None) -> list[RuleError]:
    """Re-read the rules; on any error keep the last good set (first load: the good files only)."""
    global _current, _errors
    if directory is None:
        from crm.config import get_settings

        directory = get_settings().rules_dir
    ruleset, errors = load_dir(directory)
    with _lock:
        if not errors or _current is None:
            _current = ruleset
        _errors = errors
    return errors


def use(ruleset: RuleSet | None) -> None:
    """Install a rule set directly (tests, what-if)."""
    global _current, _errors
    with _lock:
        _current, _errors = ruleset, []


# --- helpers ----------------------------------------------------------------------------------------


def _validate(path: Path, raw: LineDict) -> PolicyFile:
    try:
        return PolicyFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        reason = {"extra_forbidden": "未知的键", "missing": "缺少必填项"}.get(err["type"], err["msg"])
        raise RuleError(path, line_of(raw, loc), f"{where}: {reason}") from None


def _value(spec: PolicyFile, raw: LineDict, path: Path) -> ValueSpec | None:
    if spec.value is None:
        return None
    block = raw["value"]
    try:
        return compile_value(spec.value.model_dump(), spec.params)
    except ValueSpecError as exc:
        line = getattr(block, "key_lines", {}).get("estimate", raw.key_lines.get("value", 0))
        raise RuleError(path, line, f"value.estimate: {exc.reason}") from None


def _held(spec: PolicyFile, compiler: Compiler) -> Held | None:
    if spec.held is None:
        return None
    fact = compiler._fact(spec.held.until, 0)
    if fact.type != "date":
        raise CompileError(0, f"held.until 必须是日期事实，'{fact.name}' 是 {fact.type}")
    lead = spec.held.reapply_lead_days
    if isinstance(lead, dict):
        param = spec.params.get(lead.get("param", ""))
        if param is None or not isinstance(param.value, int):
            raise CompileError(0, f"held.reapply_lead_days 引用的参数 {lead} 未定义或不是整数")
        lead = param.value
    return Held(fact.name, int(lead))


def _policy(
    spec: PolicyFile, raw: LineDict, root: Any, held: Held | None, compiler: Compiler, path: Path
) -> Policy:
    meta = spec.model_dump(
        include={"basis", "windows", "benefits", "materials", "params", "notes"}, mode="json"
    )
    # a version's cases run on a date inside that version's range unless they say otherwise
    default_on = spec.cases_on or (spec.in_force.from_ if spec.in_force.from_ > DEFAULT_CASE_DATE else None)
    cases = tuple(
        c.model_dump() | {"line": getattr(raw["cases"][i], "line", 0), "on": c.on or default_on}
        for i, c in enumerate(spec.cases)
    )
    return Policy(
        id=spec.id,
        title=spec.title,
        title_en=spec.title_en,
        level=spec.level,
        authority=spec.authority,
        confidence=spec.confidence,
        todo=spec.todo,
        in_force_from=spec.in_force.from_,
        in_force_until=spec.in_force.until,
        criteria=root,
        meta=meta,
        requires=tuple(spec.relations.requires),
        excludes=tuple(spec.relations.excludes),
        unlocks=tuple(spec.relations.unlocks),
        held=held,
        cases=cases,
        path=str(path),
        nodes=compiler.nodes,
        in_force_line=raw.key_lines.get("in_force", 0),
    )


def _titles(parsed: list[tuple[Path, Any]]) -> dict[str, str]:
    """Policy id -> Chinese title (of its newest version), so relation conditions can name the other policy."""
    titles: dict[str, tuple[str, str]] = {}
    for path, raw in parsed:
        title = raw.get("title") if isinstance(raw, dict) else None
        if isinstance(title, str):
            stem, _, stamp = path.stem.partition(VERSION_SEP)
            if stem not in titles or stamp >= titles[stem][0]:
                titles[stem] = (stamp, title)
    return {k: v[1] for k, v in titles.items()}


def _versions(policies: list[Policy]) -> tuple[list[Policy], list[RuleError]]:
    """Group the versions of each policy and check that their ``in_force`` ranges follow each other.

    Sorted by ``from``, each version ends the day before the next one starts: an open ``until`` is closed
    there, an explicit one must be exactly that day (later = overlap, earlier = gap). A version that breaks
    the chain is refused (with its file and the line of ``in_force``) and left out.
    """
    errors: list[RuleError] = []
    by_id: dict[str, list[Policy]] = {}
    for policy in policies:
        by_id.setdefault(policy.id, []).append(policy)
    out: list[Policy] = []
    for group in by_id.values():
        kept: list[Policy] = []
        for policy in sorted(group, key=lambda p: (p.in_force_from, p.path)):
            if kept:
                prev = kept[-1]
                day_before = policy.in_force_from - timedelta(days=1)
                where = f"{Path(prev.path).name}:{prev.in_force_line}"
                if prev.in_force_until is None or prev.in_force_until == day_before:
                    kept[-1] = replace(prev, in_force_until=day_before)
                elif prev.in_force_until > day_before:
                    errors.append(
                        RuleError(
                            policy.path,
                            policy.in_force_line,
                            f"生效期与上一版本重叠：{where} 生效至 {prev.in_force_until}，"
                            f"本版本自 {policy.in_force_from} 起（应为 {prev.in_force_until + timedelta(days=1)}）",
                        )
                    )
                    continue
                else:
                    errors.append(
                        RuleError(
                            policy.path,
                            policy.in_force_line,
                            f"生效期与上一版本之间有空档：{where} 生效至 {prev.in_force_until}，"
                            f"本版本自 {policy.in_force_from} 起（应为 {prev.in_force_until + timedelta(days=1)}）",
                        )
                    )
                    continue
            kept.append(policy)
        out.extend(kept)
    return out, errors


def _order(policies: list[Policy]) -> tuple[list[Policy], list[RuleError]]:
    """Topological order of the policy ids over requires/excludes (of any version); a policy's versions stay
    together, oldest first. Unknown targets and cycles are errors of the referring file."""
    by_id: dict[str, list[Policy]] = {}
    for policy in policies:
        by_id.setdefault(policy.id, []).append(policy)
    errors: list[RuleError] = []
    ordered: list[Policy] = []
    state: dict[str, int] = {}
    for policy in policies:
        for target in (*policy.requires, *policy.excludes, *policy.unlocks):
            if target not in by_id:
                errors.append(RuleError(policy.path, policy.criteria.line, f"关联的政策 '{target}' 不存在"))

    def visit(pid: str) -> bool:
        if state.get(pid) == 2:
            return True
        versions = by_id[pid]
        if state.get(pid) == 1:
            errors.append(
                RuleError(versions[-1].path, versions[-1].criteria.line, f"政策关联出现循环：{pid}")
            )
            return False
        state[pid] = 1
        targets = dict.fromkeys(t for p in versions for t in (*p.requires, *p.excludes) if t in by_id)
        ok = all(visit(t) for t in targets)
        state[pid] = 2
        ordered.extend(versions)
        return ok

    for pid in sorted(by_id):
        visit(pid)
    return ordered, errors


def check_dir(directory: Path) -> list[RuleError]:
    """The errors of a rules directory, without installing it (``huiqi doctor``, ``huiqi rules check``)."""
    return load_dir(directory)[1]
