"""The app under a broken rule file: one banner saying what runs instead, every policy still listed, and an
admin reloading the rules in the running app with the same guarantee."""

from __future__ import annotations

from pathlib import Path

from nicegui.testing import User

from crm.rules import loader
from tests.cli.conftest import break_file, new_process


async def test_after_a_restart_the_broken_policy_stays_listed_with_one_accurate_banner(
    user: User, rules_dir: Path
) -> None:
    loader.reload()
    line = break_file(rules_dir / "talent_employer.yaml")
    new_process()
    await user.open("/policies")
    assert len(user.find("policy-table").elements.pop().rows) == 10
    await user.should_see("1 个规则文件有误")
    await user.should_see(f"talent_employer.yaml:{line}")
    await user.should_see("政策“人才引进（用人单位申办本市常住户口）”仍按上一次成功载入的版本计算")


async def test_an_admin_reloads_the_rules_in_the_running_app(user: User, rules_dir: Path) -> None:
    target = rules_dir / "talent_employer.yaml"
    good = target.read_text("utf-8")
    await user.open("/policies")
    await user.should_not_see("规则文件有误")
    target.write_text(good.replace("title: 人才引进", "title: 人才引进二"), "utf-8")
    user.find("reload-rules").click()
    await user.should_see("已载入 10 项政策，规则文件无误", retries=50)
    assert "人才引进二（用人单位申办本市常住户口）" in {
        r["title"] for r in user.find("policy-table").elements.pop().rows
    }
    break_file(target)
    user.find("reload-rules").click()
    await user.should_see(marker="rules-banner", retries=50)
    rows = user.find("policy-table").elements.pop().rows
    assert len(rows) == 10 and "人才引进二（用人单位申办本市常住户口）" in {r["title"] for r in rows}
