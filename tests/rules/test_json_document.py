"""The `huiqi match --json` document as a program reads it: money to the fen, one to-collect list, known units."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from crm.rules.explain import FORMAT, JSON_UNITS
from crm.services import matching

ON = date(2025, 6, 1)
PROFILE = Path(__file__).resolve().parents[2] / "policy_rules" / "examples" / "profile.yaml"


def _document(tmp_path: Path, change: dict[str, Any] | None = None) -> dict[str, Any]:
    profile = yaml.safe_load(PROFILE.read_text("utf-8"))
    for fy in profile["fiscal_years"]:
        fy.update((change or {}).get(fy["year"], {}))
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), "utf-8")
    # through json.dumps/loads, as a consumer of the command's output sees it
    return json.loads(json.dumps(matching.match_profile(path, on=ON).document(), default=str))


def _numbers(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(unit, key, value) of every value, threshold and gap in the document."""
    found = []
    for policy in doc["policies"]:
        items = [*policy["gaps"], *policy["conditions"].values()]
        for item in items:
            for key in ("value", "threshold", "gap", "shortfall"):
                values = item.get(key)
                for v in values if isinstance(values, list) else [values]:
                    if isinstance(v, float):
                        found.append((item.get("unit"), key, v))
    return found


def test_money_is_rounded_to_the_fen(tmp_path: Path) -> None:
    # 20,000,000 − 19,948,095.51 is not 51904.49 in floating point
    assert 20_000_000 - 19_948_095.51 != 51904.49
    doc = _document(tmp_path, {2024: {"sales_revenue": 19948095.51}})
    gap = next(
        g
        for p in doc["policies"]
        if p["policy"] == "demo_unit_municipal"
        for g in p["gaps"]
        if g["condition"] == "revenue"
    )
    assert gap["shortfall"] == 51904.49 and gap["unit"] == "CNY"
    money = [v for unit, _, v in _numbers(doc) if unit == "CNY"]
    assert money and all(round(v, 2) == v for v in money)


def test_to_collect_is_one_list_of_objects_naming_fact_field_year_and_label(tmp_path: Path) -> None:
    doc = _document(tmp_path, {2023: {"equity_financing": None}, 2024: {"main_business_revenue": None}})
    assert doc["format"] == FORMAT == "huiqi.match/2"
    for policy in doc["policies"]:
        assert "to_collect_zh" not in policy
        for item in policy["to_collect"]:
            assert set(item) == {"fact", "field", "year", "label"}
    innovative = next(p for p in doc["policies"] if p["policy"] == "innovative_sme")
    assert {"fact": "equity_financing_3y", "field": "equity_financing", "year": 2023} | {
        "label": "2023 年股权融资额"
    } in innovative["to_collect"]


def test_every_unit_in_the_document_is_documented(tmp_path: Path) -> None:
    doc = _document(tmp_path)
    units = {c.get("unit") for p in doc["policies"] for c in p["conditions"].values() if "unit" in c}
    units |= {g["unit"] for p in doc["policies"] for g in p["gaps"]}
    assert units <= set(JSON_UNITS)
    readme = (PROFILE.parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("## The JSON document") :]
    assert all(f"`{u}`" in section for u in JSON_UNITS if u), "a unit is missing from policy_rules/README.md"
