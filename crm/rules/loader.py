"""Loading the rule set: every policy file checked, relations resolved, content hashed, last good set kept."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crm.rules.cases import DEFAULT_CASE_DATE
from crm.rules.chain import order as _order
from crm.rules.chain import versions as _versions
from crm.rules.compile import CompileError, Compiler
from crm.rules.lastgood import LastGood
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
    kept: tuple[str, ...] = ()  # ids of policies with a broken file: built from their last good files
    loaded: tuple[tuple[str, dict[str, str]], ...] = field(default=(), repr=False)  # policy id, its files

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


def load_dir(directory: Path, last_good: LastGood | None = None) -> tuple[RuleSet, list[RuleError]]:
    """Every ``*.yaml`` in a directory: the good policies as a RuleSet, and the errors of the bad files.

    With ``last_good``, a policy with a file that does not load is built from its files as they last loaded
    (its id listed in ``RuleSet.kept``): a broken edit never removes or changes a policy. The errors are
    those of the files on disk; the hash covers the texts used.
    """
    directory = Path(directory)
    texts, unreadable = _read_texts(directory)
    built = _build(directory, texts)
    errors, used = unreadable + built.file_errors, texts
    failed = built.failed | {policy_of(Path(e.path).name) for e in unreadable}
    candidates = {pid: last_good.files(pid) for pid in failed} if last_good is not None else {}
    kept = {pid: files for pid, files in candidates.items() if files and files != _files_of(texts, pid)}
    while kept:  # a kept copy that no longer loads (the code changed under it) is dropped, then retried
        used = {n: t for n, t in texts.items() if policy_of(n) not in kept}
        used |= {name: text for files in kept.values() for name, text in files.items()}
        built = _build(directory, used)
        if not built.failed & kept.keys():
            break
        kept = {pid: files for pid, files in kept.items() if pid not in built.failed}
        if not kept:
            used, built = texts, _build(directory, texts)
    digest = hashlib.sha256()
    for name in sorted(used):
        digest.update(name.encode() + b"\0" + used[name].encode() + b"\0")
    failed |= built.failed
    fresh = {pid: _files_of(texts, pid) for pid in {policy_of(n) for n in texts} - failed - kept.keys()}
    ruleset = RuleSet(
        built.latest,
        digest.hexdigest()[:16],
        str(directory),
        versions=built.ordered,
        kept=tuple(sorted(kept)),
        loaded=tuple(sorted(fresh.items())),
    )
    return ruleset, errors + built.relation_errors


MAX_RULE_FILE_BYTES = 512 * 1024  # the largest shipped policy file is ~10 KB; a 7 MB one took 10 s and 410 MB


def _too_large(size: int) -> str:
    return f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_RULE_FILE_BYTES // 1024} KB）：一项政策一个文件，不会这么大"


def _read_texts(directory: Path) -> tuple[dict[str, str], list[RuleError]]:
    """File name -> text of every rule file; a file that cannot be read as UTF-8 is an error, not a crash."""
    texts: dict[str, str] = {}
    errors: list[RuleError] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            if (size := path.stat().st_size) > MAX_RULE_FILE_BYTES:
                errors.append(RuleError(path, 0, _too_large(size)))
                continue
            texts[path.name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            errors.append(RuleError(path, 0, f"文件不是 UTF-8 编码（第 {exc.start} 字节）：请另存为 UTF-8"))
        except OSError as exc:
            errors.append(RuleError(path, 0, f"无法读取文件：{exc.strerror or exc}"))
    return texts, errors


def policy_of(file_name: str) -> str:
    """The policy id a rule file belongs to (``hnte@2026-01-01.yaml`` -> ``hnte``)."""
    return Path(file_name).stem.partition(VERSION_SEP)[0]


def _files_of(texts: Mapping[str, str], policy_id: str) -> dict[str, str]:
    return {name: text for name, text in texts.items() if policy_of(name) == policy_id}


@dataclass(frozen=True)
class _Built:
    ordered: tuple[Policy, ...]
    latest: tuple[Policy, ...]
    file_errors: list[RuleError]
    relation_errors: list[RuleError]
    failed: set[str]  # ids of the policies with a file that did not load


def _build(directory: Path, texts: Mapping[str, str]) -> _Built:
    """Parse, compile, chain the versions of and order the given file texts."""
    errors: list[RuleError] = []
    parsed: list[tuple[Path, Any]] = []
    for name, text in sorted(texts.items()):
        try:
            parsed.append((directory / name, read_yaml(directory / name, text)))
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
    errors += version_errors
    failed = {policy_of(Path(e.path).name) for e in errors}
    return _Built(tuple(ordered), latest, errors, relation_errors, failed)


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
    """The errors of the last reload (shown in the UI and by every evaluating command)."""
    return list(_errors)


def problems() -> list[dict[str, Any]]:
    """The errors of the last reload as plain data: file, line, reason, the policy id, and whether that
    policy's last good version stands in (``kept``) or the file has never loaded (its policy is missing)."""
    ruleset = current()
    return [
        e.to_dict()
        | {
            "file": Path(e.path).name,
            "policy": policy_of(Path(e.path).name),
            "kept": policy_of(Path(e.path).name) in ruleset.kept,
        }
        for e in _errors
    ]


def reload(directory: Path | None = None) -> list[RuleError]:
    """Re-read the rules. A file that does not load keeps its last good version (remembered on disk under
    the data dir), so an edit never removes or changes a policy until it loads; the errors are returned."""
    global _current, _errors
    from crm.config import get_settings

    settings = get_settings()
    directory = directory or settings.rules_dir
    store = _last_good(settings.data_dir, Path(directory))
    ruleset, errors = load_dir(directory, store)
    for policy_id, files in ruleset.loaded:
        store.keep(policy_id, files)
    with _lock:
        _current, _errors = ruleset, errors
    return errors


_stores: dict[tuple[Path, Path], LastGood] = {}


def _last_good(data_dir: Path, directory: Path) -> LastGood:
    """One store per (data dir, rules dir) for the life of the process (its memory outlives a failed write)."""
    key = (data_dir, directory)
    if key not in _stores:
        _stores[key] = LastGood.for_dir(data_dir, directory)
    return _stores[key]


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
        include={
            "basis",
            "windows",
            "benefits",
            "materials",
            "params",
            "notes",
            "apply",
            "group",
            "reviewed",
        },
        mode="json",
        exclude_none=False,
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


def check_dir(directory: Path) -> list[RuleError]:
    """The errors of a rules directory, without installing it (``huiqi doctor``, ``huiqi rules check``)."""
    return load_dir(directory)[1]
