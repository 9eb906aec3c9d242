"""The audit trail for people: one entry per save, each change with the field's label and its values as the
forms show them (money in 万元, dates, labels of closed vocabularies, names instead of ids), never a key,
a field code, JSON or an internal id."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from crm import domain
from crm.db import session_scope
from crm.i18n import register, t
from crm.models import AuditEntry
from crm.records.fields import SPECS, FieldSpec
from crm.services import deadlines
from crm.store import Session, applications
from crm.store import enterprises as enterprise_store
from crm.store import officers as officer_store

register(
    {
        "history.action.create": ("新建", "Created"),
        "history.action.update": ("修改", "Changed"),
        "history.action.delete": ("删除", "Deleted"),
        "history.action.restore": ("恢复", "Restored"),
        "history.action.merge": ("合并", "Merged"),
        "history.action.settle": ("人工核定", "Settled"),
        "history.action.login": ("登录", "Signed in"),
        "history.action.login_failed": ("登录失败", "Sign-in failed"),
        "history.action.unlock": ("解锁", "Unlocked"),
        "history.entity.enterprise": ("企业", "Enterprise"),
        "history.entity.fiscalyear": ("财务年度", "Fiscal year"),
        "history.entity.ipasset": ("知识产权", "IP item"),
        "history.entity.credential": ("资质荣誉", "Credential"),
        "history.entity.complianceevent": ("合规记录", "Compliance event"),
        "history.entity.contact": ("联系人", "Contact"),
        "history.entity.interaction": ("走访记录", "Interaction"),
        "history.entity.task": ("待办", "Task"),
        "history.entity.officer": ("专员账号", "Officer account"),
        "history.entity.application": ("申报", "Application"),
        "history.entity.manualsettlement": ("人工核定", "Manual settlement"),
        "history.entity.cyclewindow": ("申报窗口", "Application window"),
        "history.entity.pipelinestage": ("申报阶段", "Pipeline stage"),
        "history.entity.other": ("记录", "Record"),
        "history.field.policy_id": ("政策", "Policy"),
        "history.field.stage": ("阶段", "Stage"),
        "history.field.stage_since": ("进入本阶段日期", "In stage since"),
        "history.field.stage_dates": ("各阶段日期", "Stage dates"),
        "history.field.match_outcome": ("匹配结论", "Match verdict"),
        "history.field.decided_on": ("结果日期", "Decided on"),
        "history.field.merged_from": ("合并自", "Merged from"),
        "history.field.condition": ("核定条件", "Condition"),
        "history.field.other": ("其他字段", "Other field"),
        "history.merged_record": ("另一家企业（已并入）", "another enterprise (merged in)"),
        "history.unknown_officer": ("已删除的账号", "a removed account"),
    }
)

# fields of the application (and of other records) that the forms do not edit but the audit records
_AUDIT_ONLY: dict[str, str] = {
    "policy_id": "policy",
    "stage": "stage",
    "stage_since": "date",
    "stage_dates": "stage_dates",
    "match_outcome": "outcome",
    "decided_on": "date",
    "merged_from": "text",
}
_OFFICER_FIELDS = ("owner_officer_id", "officer_id", "assignee_id")
# internal links a person does not need to read: the record's own enterprise
_HIDDEN_FIELDS = frozenset({"enterprise_id"})
# the field that names a record in the trail ("财务年度 2024", "联系人 王芳")
_TITLE_FIELDS: dict[str, tuple[str, ...]] = {
    "fiscalyear": ("year",),
    "ipasset": ("title",),
    "credential": ("kind",),
    "complianceevent": ("kind", "occurred_on"),
    "contact": ("name",),
    "interaction": ("occurred_on", "kind"),
    "task": ("title",),
    "application": ("policy_id", "cycle"),
    "cyclewindow": ("policy_id", "year"),
}
SAME_SAVE_SECONDS = 2.0  # rows of one save are written together; two saves by one person are further apart


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class Save:
    """One save (or create, delete, settlement) of one record: who, when, what, and each changed field."""

    at: datetime
    actor: str
    kind: str  # create | update | delete | restore | merge | settle | ...
    record: str
    changes: list[Change] = field(default_factory=list)
    action: str = ""  # the kind in words
    key: tuple[str, str, str, int] = field(default=("", "", "", 0), repr=False)  # grouping only, never shown


def enterprise_history(enterprise_id: int, *, lang: str = "zh") -> list[Save]:
    """The enterprise's trail and its records', newest first, one entry per save."""
    with session_scope() as session:
        rows = enterprise_store.history(session=session, enterprise_id=enterprise_id, limit=5000)
        return Readable(session, lang, rows).saves()


class Readable:
    """Turns audit rows into saves, reading the names behind ids once (officers, policies, stages)."""

    def __init__(self, session: Session, lang: str, rows: list[AuditEntry]) -> None:
        self.lang, self.rows = lang, rows
        officers = officer_store.every_officer(session=session)
        self.officer_names = {str(o.id): o.display_name for o in officers}
        self.user_names = {o.username: o.display_name for o in officers}
        self.policies = deadlines.policy_titles()
        self.stages = applications.stage_labels(session=session)
        self.titles = self._titles()

    def saves(self) -> list[Save]:
        out: list[Save] = []
        for row in self.rows:  # newest first
            key = (row.actor, row.action, row.entity, row.entity_id)
            last = out[-1] if out else None
            if last is not None and last.key == key and _close(last.at, row.at):
                self._add(last, row)
                continue
            save = Save(_aware(row.at), row.actor, row.action, self.record(row), key=key)
            self._add(save, row)
            out.append(save)
        for save in out:
            save.changes.reverse()  # rows came newest first; a save's fields read in the order written
            save.actor = self.user_names.get(save.actor, save.actor)
            save.action = t(f"history.action.{save.kind}", self.lang)
        return out

    def record(self, row: AuditEntry) -> str:
        label = t(f"history.entity.{row.entity}", self.lang)
        if label.startswith("history."):
            label = t("history.entity.other", self.lang)
        title = self.titles.get((row.entity, row.entity_id))
        return f"{label} {title}" if title else label

    def _add(self, save: Save, row: AuditEntry) -> None:
        if row.field is None or row.field in _HIDDEN_FIELDS:
            return
        if row.entity == "manualsettlement":
            save.changes.append(Change(self.condition(row.field), "", row.new or ""))
            return
        save.changes.append(
            Change(self.label(row.entity, row.field), self.value(row, row.old), self.value(row, row.new))
        )

    def label(self, entity: str, name: str) -> str:
        spec = _spec(entity, name)
        if spec is not None:
            return spec.label(self.lang)
        text = t(f"history.field.{name}", self.lang)
        return text if not text.startswith("history.") else t("history.field.other", self.lang)

    def value(self, row: AuditEntry, text: str | None) -> str:
        """A stored value as text for people, formatted by what the field holds."""
        if text is None or text == "":
            return ""
        name = row.field or ""
        if name in _OFFICER_FIELDS:
            return self.officer_names.get(text, t("history.unknown_officer", self.lang))
        if name == "merged_from":
            return text if not text.startswith("#") else t("history.merged_record", self.lang)
        kind = _AUDIT_ONLY.get(name) or (spec.kind if (spec := _spec(row.entity, name)) else "text")
        return self._format(kind, text, _spec(row.entity, name))

    def _format(self, kind: str, text: str, spec: FieldSpec | None) -> str:
        if kind == "money":
            return _wan(text)
        if kind == "policy":
            return self.policies.get(text, t("history.field.other", self.lang))
        if kind == "stage":
            return self.stages.get(text, text)
        if kind == "outcome":
            return domain.outcome_label(text, self.lang)
        if kind == "stage_dates":
            return self._stage_dates(text)
        if kind == "choice" and spec is not None and spec.choices:
            entry = spec.choices.get(text)
            return (entry[0] if self.lang == "zh" else entry[1]) if entry else text
        if kind in ("tags", "names"):
            return "、".join(_json_list(text))
        if kind == "bool" and self.lang != "zh":
            return {"是": "Yes", "否": "No"}.get(text, text)
        return text

    def _stage_dates(self, text: str) -> str:
        try:
            dates = json.loads(text)
        except ValueError:
            return text
        if not isinstance(dates, dict):
            return text
        return "、".join(f"{self.stages.get(code, code)} {day}" for code, day in dates.items())

    def condition(self, key: str) -> str:
        """'hnte.domain' -> '高新技术企业认定：核心技术属于…' (the policy's title and the condition's label)."""
        policy_id, _, condition_id = key.partition(".")
        labels = dict(_conditions(policy_id))
        title = self.policies.get(policy_id, t("history.field.other", self.lang))
        return f"{title}：{labels.get(condition_id, t('history.field.condition', self.lang))}"

    def _titles(self) -> dict[tuple[str, int], str]:
        """(entity, id) -> a readable name, from the record's own audit rows (its year, title, name...)."""
        found: dict[tuple[str, int], dict[str, str]] = {}
        for row in reversed(self.rows):  # oldest first: later values win
            if row.field in _TITLE_FIELDS.get(row.entity, ()) and row.new:
                found.setdefault((row.entity, row.entity_id), {})[row.field or ""] = self.value(row, row.new)
        return {
            key: " ".join(v for f in _TITLE_FIELDS[key[0]] if (v := values.get(f)))
            for key, values in found.items()
        }


def _spec(entity: str, name: str) -> FieldSpec | None:
    return next((s for s in SPECS.get(entity, ()) if s.name == name), None)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _close(a: datetime, b: datetime) -> bool:
    return abs((_aware(a) - _aware(b)).total_seconds()) <= SAME_SAVE_SECONDS


def _wan(text: str) -> str:
    try:
        return f"{(Decimal(text) / 10000).quantize(Decimal('0.01')):,} 万元"
    except InvalidOperation:
        return text


def _json_list(text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [text]


def _conditions(policy_id: str) -> list[tuple[str, str]]:
    """(id, label) of a policy's settleable conditions; none for a policy no longer in the rules."""
    from crm.rules import loader
    from crm.services.matching import settleable_conditions

    ruleset = loader.current()
    return settleable_conditions(ruleset.get(policy_id)) if policy_id in ruleset.ids() else []
