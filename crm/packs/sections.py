"""The pieces of a pack's context that read conditions: each condition's row, the next thing to do, the one
decisive reason against, and the sections (related policies grouped into one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crm.domain import OP_SYMBOLS

RELATIONS = ("ge", "gt", "le", "lt", "ne")  # comparisons printed before a threshold (≥ 60 分)
STATUSES: dict[str, str] = {"met": "达标", "not_met": "未达标", "unknown": "待核实", "manual": "需专家评审"}


def condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    """One condition as its table row reads it."""
    status = condition.get("status", "unknown")
    return {
        "id": condition.get("id", ""),
        "fact": condition.get("fact") or "",
        "label": condition["label"],
        "status": status,
        "status_label": STATUSES.get(status, status),
        "value": condition.get("value"),
        "threshold": condition.get("threshold"),
        "gap": condition.get("gap"),
        "unit": condition.get("unit"),
        "op": condition.get("op") or "",
        "relation": OP_SYMBOLS[condition["op"]] if condition.get("op") in RELATIONS else "",
        "clause": condition.get("clause") or "",
        "note": condition.get("note") or "",
        "provisional": condition.get("provisional") or "",
        # Set when the condition is one alternative of an any/n_of group ("route"): that group's label,
        # how many of its alternatives are needed, and whether the group as a whole is met.
        "route": condition.get("route") or "",
        "route_label": condition.get("route_label") or "",
        "route_n": condition.get("route_n") or 1,
        "route_status": condition.get("route_status") or "",
    }


def failed_routes(conditions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Groups of alternatives that all failed: the enterprise needs one (or n) of them. Open groups are no gap."""
    routes: dict[str, dict[str, Any]] = {}
    for c in conditions:
        if c["route"] and c["route_status"] == "not_met" and c["status"] == "not_met":
            route = routes.setdefault(
                c["route"], {"label": c["route_label"], "n": c["route_n"], "options": []}
            )
            route["options"].append(c)
    return list(routes.values())


def next_step(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The one thing to do next, as data the template words: submit, close a gap, collect a fact, prepare a
    review, or nothing (held, ineligible)."""
    outcome = policy["outcome"]
    if outcome == "eligible":
        return {"kind": "submit"}
    if outcome in ("held", "ineligible"):
        return {"kind": outcome}
    if policy["short"]:
        return {"kind": "gap", "cond": policy["short"][0], "more": len(policy["short"]) - 1}
    if policy["routes_short"]:
        return {"kind": "route", "route": policy["routes_short"][0]}
    if policy["to_collect"]:
        return {"kind": "collect", "item": policy["to_collect"][0], "more": len(policy["to_collect"]) - 1}
    manual = [c for c in policy["unknown"] if c["status"] == "manual"]
    if manual:
        return {"kind": "review", "cond": manual[0], "more": len(manual) - 1}
    if policy["unknown"]:
        return {"kind": "check", "cond": policy["unknown"][0]}
    return {"kind": "submit"}


def reason_against(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The one decisive reason an ineligible policy is out of reach (the first condition that fails)."""
    if policy["short"]:
        return {"kind": "gap", "cond": policy["short"][0]}
    if policy["routes_short"]:
        return {"kind": "route", "route": policy["routes_short"][0]}
    failing = [c for c in policy["conditions"] if c["status"] == "not_met"]
    if failing:
        return {"kind": "gap", "cond": failing[0]}
    return {"kind": "other"}


def group_sections(policies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One section per policy, except that policies sharing a ``group`` (the same title at another level,
    a unit and a project) share one: their common conditions are printed once."""
    sections: list[dict[str, Any]] = []
    by_group: dict[str, dict[str, Any]] = {}
    for policy in policies:
        if policy["group"] and policy["group"] in by_group:
            by_group[policy["group"]]["members"].append(policy)
            continue
        section = {"title": policy["title"], "members": [policy]}
        if policy["group"]:
            by_group[policy["group"]] = section
            section["group_title"] = policy["group"]
        sections.append(section)
    for number, section in enumerate(sections, start=1):
        _fill(section, number)
    return sections


def _fill(section: dict[str, Any], number: int) -> None:
    members = section["members"]
    grouped = len(members) > 1
    section.update(
        number=number,
        anchor=f"section-{number}",
        grouped=grouped,
        title=section.pop("group_title", section["title"]) if grouped else members[0]["title"],
        rows=_shared(members, lambda m: [c for c in m["conditions"] if _in_table(c)]),
        met=_shared(members, lambda m: [c for c in m["conditions"] if c["status"] == "met"]),
        other_routes=_shared(members, lambda m: [c for c in m["conditions"] if _other_route(c)]),
        routes_short=_unique(r for m in members for r in m["routes_short"]),
        provisional=_unique(c["provisional"] for m in members for c in m["conditions"] if c["provisional"]),
        materials=_unique(item for m in members for item in m["materials"]),
        basis=_unique(b for m in members for b in m["basis"]),
        apply=_unique(m["apply"] for m in members if any(m["apply"].values())),
    )
    section.pop("group_title", None)


def _in_table(c: Mapping[str, Any]) -> bool:
    """The table shows what stands between the enterprise and the policy; met conditions read as one line."""
    return c["status"] != "met" and not (c["route"] and c["status"] == "not_met")


def _other_route(c: Mapping[str, Any]) -> bool:
    """An alternative not met while its group is still open or met: another way in, not a gap."""
    return bool(c["route"]) and c["status"] == "not_met" and c["route_status"] != "not_met"


def _shared(members: Sequence[Mapping[str, Any]], pick: Any) -> list[dict[str, Any]]:
    """Conditions of the members, each once with the members it applies to ('' when it applies to all): the
    same fact with the same value, requirement and result is one row, whatever each file calls it."""
    rows: dict[tuple, dict[str, Any]] = {}
    for member in members:
        for c in pick(member):
            key = (c["fact"] or c["label"], c["status"], str(c["value"]), str(c["threshold"]))
            rows.setdefault(key, {"c": c, "titles": []})["titles"].append(member["title"])
    for row in rows.values():
        row["only"] = "、".join(row["titles"]) if len(row["titles"]) < len(members) else ""
    return list(rows.values())


def _unique(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
