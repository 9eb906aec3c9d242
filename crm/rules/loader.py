"""Loading the rule set: every policy file checked, relations resolved, content hashed, last good set kept."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crm.rules.model import Held, Policy
from crm.rules.schema import CompileError, Compiler, PolicyFile
from crm.rules.source import LineDict, RuleError, line_of, read_yaml


@dataclass(frozen=True)
class RuleSet:
    """The policies in force, in evaluation order (a policy after those it depends on), with a content hash."""

    policies: tuple[Policy, ...]
    hash: str
    directory: str = ""
    loaded_at: datetime = field(default_factory=datetime.now)

    def get(self, policy_id: str) -> Policy:
        return next(p for p in self.policies if p.id == policy_id)

    def ids(self) -> list[str]:
        return [p.id for p in self.policies]

    def in_force(self, on: date) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies if p.in_force(on))


def load_policy(path: Path, text: str | None = None) -> Policy:
    """One policy file -> a compiled Policy, or a RuleError naming the file, line and reason."""
    raw = read_yaml(path, text)
    if not isinstance(raw, LineDict):
        raise RuleError(path, getattr(raw, "line", 1), "文件应是一个政策映射（id、title、criteria ...）")
    spec = _validate(path, raw)
    if spec.id != path.stem:
        raise RuleError(path, raw.key_lines["id"], f"id '{spec.id}' 应与文件名 '{path.stem}' 相同")
    if spec.confidence != "high" and not spec.todo:
        raise RuleError(path, raw.key_lines["confidence"], f"置信度为 {spec.confidence} 的政策需要 todo: 说明待核实之处")
    compiler = Compiler(spec)
    try:
        root = compiler.root(raw["criteria"])
        held = _held(spec, compiler)
    except CompileError as exc:
        raise RuleError(path, exc.line, exc.reason) from None
    return _policy(spec, raw, root, held, compiler, path)


def load_dir(directory: Path) -> tuple[RuleSet, list[RuleError]]:
    """Every ``*.yaml`` in a directory: the good policies as a RuleSet, and the errors of the bad files."""
    errors: list[RuleError] = []
    policies: list[Policy] = []
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
        try:
            policies.append(load_policy(path, text))
        except RuleError as exc:
            errors.append(exc)
    ordered, relation_errors = _order(policies)
    return RuleSet(tuple(ordered), digest.hexdigest()[:16], str(directory)), errors + relation_errors


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


def _policy(spec: PolicyFile, raw: LineDict, root: Any, held: Held | None, compiler: Compiler, path: Path) -> Policy:
    meta = spec.model_dump(include={"basis", "windows", "benefits", "materials", "params", "notes"}, mode="json")
    cases = tuple(c.model_dump() | {"line": getattr(raw["cases"][i], "line", 0), "on": c.on or spec.cases_on}
                  for i, c in enumerate(spec.cases))
    return Policy(
        id=spec.id, title=spec.title, title_en=spec.title_en, level=spec.level, authority=spec.authority,
        confidence=spec.confidence, todo=spec.todo, in_force_from=spec.in_force.from_,
        in_force_until=spec.in_force.until, criteria=root, meta=meta,
        requires=tuple(spec.relations.requires), excludes=tuple(spec.relations.excludes),
        unlocks=tuple(spec.relations.unlocks), held=held, cases=cases, path=str(path), nodes=compiler.nodes,
    )


def _order(policies: list[Policy]) -> tuple[list[Policy], list[RuleError]]:
    """Topological order over requires/excludes; unknown targets and cycles are errors of the referring file."""
    by_id = {p.id: p for p in policies}
    errors: list[RuleError] = []
    ordered: list[Policy] = []
    state: dict[str, int] = {}
    for policy in policies:
        for target in (*policy.requires, *policy.excludes, *policy.unlocks):
            if target not in by_id:
                errors.append(RuleError(policy.path, policy.criteria.line, f"关联的政策 '{target}' 不存在"))

    def visit(p: Policy) -> bool:
        if state.get(p.id) == 2:
            return True
        if state.get(p.id) == 1:
            errors.append(RuleError(p.path, p.criteria.line, f"政策关联出现循环：{p.id}"))
            return False
        state[p.id] = 1
        ok = all(visit(by_id[t]) for t in (*p.requires, *p.excludes) if t in by_id)
        state[p.id] = 2
        ordered.append(p)
        return ok

    for policy in sorted(policies, key=lambda p: p.id):
        visit(policy)
    return ordered, errors


def check_dir(directory: Path) -> list[RuleError]:
    """The errors of a rules directory, without installing it (``huiqi doctor``, ``huiqi rules check``)."""
    return load_dir(directory)[1]
