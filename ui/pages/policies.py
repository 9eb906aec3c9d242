"""政策: the policy list (level, confidence, window, outcome counts) and one policy's detail with its
criteria tree in Chinese, basis, windows, parameters and the enterprises in each outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import ui

from crm.i18n import register
from crm.services import auth as accounts
from crm.services import matching, rulebook
from ui.background import io_bound
from ui.format import outcome
from ui.i18n_ui import tr
from ui.theme import frame

# --- rule-engine UI strings (policies page) ------------------------------------------------------------
register(
    {
        "policies.rules_hash": ("规则集 {hash}，共 {count} 项政策", "Rule set {hash}, {count} policies"),
        "policies.rules_banner": (
            "{count} 个规则文件有误，改正后点“重新载入规则文件”：",
            "{count} rule files have errors; fix them, then click “Reload rule files”:",
        ),
        "policies.rules_kept": (
            "{path}:{line} {reason} —— 政策“{title}”仍按上一次成功载入的版本计算",
            "{path}:{line} {reason} — policy “{title}” runs on its last version that loaded",
        ),
        "policies.rules_missing": (
            "{path}:{line} {reason} —— 该文件从未成功载入，其政策未参与匹配",
            "{path}:{line} {reason} — this file never loaded: its policy is not matched",
        ),
        "policies.reload": ("重新载入规则文件", "Reload rule files"),
        "policies.reloaded": ("已载入 {count} 项政策，规则文件无误", "{count} policies loaded, no errors"),
        "policies.reloaded_errors": (
            "已载入 {count} 项政策；{errors} 个规则文件有误（见页首）",
            "{count} policies loaded; {errors} rule files have errors (see the top of the page)",
        ),
        "policies.col.title": ("政策", "Policy"),
        "policies.col.level": ("层级", "Level"),
        "policies.col.confidence": ("可信度", "Confidence"),
        "policies.col.window": ("申报窗口", "Window"),
        "policies.col.matches": (
            "符合 / 基本符合 / 差距较小 / 需补充资料",
            "Eligible / likely / near miss / needs data",
        ),
        "policies.basis": ("政策依据", "Basis"),
        "policies.criteria": ("申报条件", "Criteria"),
        "policies.params": ("规则参数（在规则文件中修改）", "Rule parameters (changed in the rule file)"),
        "policies.todo": ("待核实：{todo}", "To verify: {todo}"),
        "policies.enterprises": ("企业（按上次匹配结果）", "Enterprises (last match)"),
        "policies.not_found_title": ("未找到政策", "Policy not found"),
        "policies.not_found": (
            "没有这项政策：链接可能已过期，或政策已停用。",
            "There is no such policy: the link may be old, or the policy was withdrawn.",
        ),
        "policies.back": ("返回政策列表", "Back to the policy list"),
        "policies.rematch": ("重新匹配全部企业", "Re-match all enterprises"),
        "policies.rematched": (
            "已重新匹配 {count} 家企业（{seconds} 秒）：写入 {written} 条变化的结果，{unchanged} 家企业结果未变；"
            "新符合 {newly} 项，不再符合 {lost} 项，服务包需更新 {packs} 家",
            "Re-matched {count} enterprises ({seconds} s): {written} changed verdicts written, {unchanged} "
            "enterprises unchanged; newly eligible {newly}, no longer eligible {lost}, packs out of date {packs}",
        ),
        "policies.more": ("显示更多", "Show more"),
        "policies.step.read": ("读取企业数据…", "Reading the enterprises…"),
        "policies.step.evaluate": ("按政策评估…", "Evaluating every policy…"),
        "policies.step.compare": ("比对已存结果…", "Comparing with the stored verdicts…"),
        "policies.step.write": ("写入变化…", "Writing the changes…"),
        "policies.step.done": ("完成", "Done"),
    }
)

PAGE = 50  # enterprises listed per outcome at a time
OUTCOME_ORDER = ("eligible", "likely", "near_miss", "needs_data", "held", "ineligible")
LEVEL_ZH = {"national": "国家级", "municipal": "市级", "district": "区级"}
CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低（含占位参数）"}


def create() -> None:
    @ui.page("/policies")
    def policies_page() -> None:
        with frame(tr("nav.policies")):
            policy_list()

    @ui.page("/policies/{policy_id}")
    def policy_page(policy_id: str) -> None:
        if policy_id not in {p.id for p in matching.policies()}:  # an old link, a typo: say so, not a 500
            with frame(tr("policies.not_found_title"), breadcrumbs=[(tr("nav.policies"), "/policies")]):
                ui.label(tr("policies.not_found")).mark("policy-not-found")
                ui.link(tr("policies.back"), "/policies")
            return
        outline = matching.policy_outline(policy_id)
        with frame(outline["title"], breadcrumbs=[(tr("nav.policies"), "/policies")]):
            policy_detail(outline)


@ui.refreshable
def policy_list() -> None:
    """The table of policies with the rule-set status above it (refreshed when an admin reloads the rules)."""
    status = rulebook.rules_status()
    with ui.row().classes("items-center gap-4"):
        ui.label(tr("policies.rules_hash", hash=status["hash"], count=status["policies"])).classes(
            "text-caption"
        )
        if accounts.current_principal().can("admin"):
            ui.button(tr("policies.reload"), icon="refresh", on_click=_reload).props("flat dense").mark(
                "reload-rules"
            )
    _rules_banner(status["errors"])
    totals = matching.outcome_totals()
    rows = [_row(p, totals.get(p.id, {})) for p in matching.policies()]
    columns = [
        {"name": k, "label": tr(f"policies.col.{k}"), "field": k, "align": "left", "sortable": True}
        for k in ("title", "level", "confidence", "window", "matches")
    ]
    table = (
        ui.table(columns=columns, rows=rows, row_key="id")
        .props("dense flat")
        .classes("w-full")
        .mark("policy-table")
    )
    table.on("rowClick", lambda e: ui.navigate.to(f"/policies/{e.args[1]['id']}"))
    state = _Rematch()
    with ui.row().classes("items-center gap-4 w-full"):
        ui.button(tr("policies.rematch"), icon="sync", on_click=lambda: _rematch(state)).props(
            "unelevated"
        ).mark("rematch-all").bind_enabled_from(state, "busy", backward=lambda busy: not busy)
        ui.label().bind_text_from(state, "step").bind_visibility_from(state, "busy").classes("text-caption")
    ui.linear_progress(show_value=False).bind_value_from(state, "fraction").bind_visibility_from(
        state, "busy"
    ).mark("rematch-progress")


def _row(policy: Any, counts: dict[str, int]) -> dict[str, Any]:
    windows = "；".join(f"{w['opens']}～{w['closes']}" for w in policy.meta.get("windows") or [])
    return {
        "id": policy.id,
        "title": policy.title,
        "level": LEVEL_ZH[policy.level],
        "confidence": CONFIDENCE_ZH[policy.confidence],
        "window": windows,
        "matches": " / ".join(
            str(counts.get(o, 0)) for o in ("eligible", "likely", "near_miss", "needs_data")
        ),
    }


def _rules_banner(errors: list[dict[str, Any]]) -> None:
    """One banner for every broken rule file, each saying what runs instead of it."""
    if not errors:
        return
    titles = {p.id: p.title for p in matching.policies()}
    with ui.column().classes("w-full gap-1 p-2 bg-red-1 rounded").mark("rules-banner"):
        ui.label(tr("policies.rules_banner", count=len(errors))).classes("text-negative text-weight-medium")
        for err in errors:
            key = "policies.rules_kept" if err["kept"] else "policies.rules_missing"
            title = titles.get(err["policy"], err["file"])
            ui.label(tr(key, **err, title=title)).classes("text-negative text-body2").mark("rules-error")


async def _reload() -> None:
    status = await io_bound(rulebook.reload_rules)
    errors = len(status["errors"])
    if errors:
        ui.notify(tr("policies.reloaded_errors", count=status["policies"], errors=errors), type="warning")
    else:
        ui.notify(tr("policies.reloaded", count=status["policies"]), type="positive")
    policy_list.refresh()


@dataclass
class _Rematch:
    """A running re-match as the page shows it (the worker thread sets step and fraction)."""

    busy: bool = False
    step: str = ""
    fraction: float = 0.0


async def _rematch(state: _Rematch) -> None:
    if state.busy:
        return
    labels = {step: tr(f"policies.step.{step}") for step in matching.REMATCH_STEPS}
    state.busy, state.step, state.fraction = True, labels["read"], 0.0

    def progress(step: str, share: float) -> None:
        state.step, state.fraction = labels.get(step, ""), share

    try:
        summary = await io_bound(matching.rematch_all, progress=progress)
    finally:
        state.busy = False
    kinds = [d["kind"] for d in summary.diffs]
    ui.notify(
        tr(
            "policies.rematched",
            count=summary.enterprises,
            seconds=f"{summary.seconds:.1f}",
            written=summary.written,
            unchanged=summary.unchanged,
            newly=kinds.count("newly_eligible"),
            lost=kinds.count("no_longer_eligible"),
            packs=kinds.count("pack_out_of_date"),
        ),
        type="positive",
        multi_line=True,
        timeout=10_000,
    )
    policy_list.refresh()


def policy_detail(o: dict[str, Any]) -> None:
    """One policy: what it is based on, its conditions, its parameters, and who matches it."""
    ui.label(f"{o['title_en']} · {LEVEL_ZH[o['level']]} · {o['authority']}").classes("text-grey-8")
    if o["todo"]:
        ui.label(tr("policies.todo", todo=o["todo"])).classes("text-warning").mark("policy-todo")
    ui.label(tr("policies.basis")).classes("text-subtitle1")
    for b in o["basis"]:
        ui.label(" ".join(x for x in (b["doc"], b.get("number"), b.get("clause")) if x))
    for w in o["windows"]:
        ui.label(f"{tr('policies.col.window')}：{w['opens']}～{w['closes']} {w.get('note') or ''}")
    ui.label(tr("policies.criteria")).classes("text-subtitle1")
    _tree(o["criteria"], 0)
    if o["params"]:
        ui.label(tr("policies.params")).classes("text-subtitle1")
        for name, p in o["params"].items():
            ui.label(
                f"{p['label']}（{name}）= {p['value']} {p.get('unit') or ''}；{p['as_of']}；{p['source']}；"
                f"{CONFIDENCE_ZH[p['confidence']]}"
            ).mark(f"param-{name}")
    _enterprises(o["id"])


def _tree(node: dict[str, Any], depth: int) -> None:
    with ui.row().classes("gap-2 items-baseline").style(f"margin-left: {depth * 1.2}rem"):
        ui.label(node["label"]).classes("text-body2")
        ui.label(node["text"] + (f"（{node['clause']}）" if node.get("clause") else "")).classes(
            "text-caption text-grey-8"
        ).mark(f"criterion-{node['id']}")
    for child in node.get("children", []):
        _tree(child, depth + 1)


def _enterprises(policy_id: str) -> None:
    """Who matches the policy, by outcome: counts from the index, enterprises a page at a time when opened."""
    ui.label(tr("policies.enterprises")).classes("text-subtitle1")
    totals = matching.outcome_totals(policy_id).get(policy_id, {})
    for code in OUTCOME_ORDER:
        if totals.get(code):
            _members(policy_id, code, totals[code])


def _members(policy_id: str, code: str, total: int) -> None:
    shown = {"pages": 0}
    with ui.expansion(f"{outcome(code)}（{total}）").classes("w-full").mark(f"members-{code}") as box:
        links = ui.column().classes("gap-0")
        more = (
            ui.button(tr("policies.more"), on_click=lambda: load()).props("flat dense").mark(f"more-{code}")
        )
        more.set_visibility(False)

    def load() -> None:
        page = matching.outcome_page(policy_id, code, page=shown["pages"], size=PAGE)
        shown["pages"] += 1
        with links:
            for eid, name in page:
                ui.link(name, f"/enterprises/{eid}")
        more.set_visibility(shown["pages"] * PAGE < total)

    box.on_value_change(lambda e: load() if e.value and not shown["pages"] else None)
