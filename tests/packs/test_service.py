"""Packs from stored enterprises (two policies only, see conftest): record in the history, reopen, out-of-date flag, batch with a failure."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from crm import store
from crm.cli import packs as cli_packs
from crm.db import session_scope
from crm.models import FiscalYear
from crm.services import packs

ON = date(2026, 5, 18)
pytestmark = pytest.mark.usefixtures("two_policies")


def add_enterprise(name: str, **more: object) -> int:
    with session_scope() as session:
        enterprise = store.create_enterprise(
            session=session,
            actor="tester",
            data={
                "name": name,
                "street": "五角场",
                "registration_date": date(2019, 3, 12),
                "sports_division": "07",
                **more,
            },
        )
        for year, revenue in ((2025, 31250000), (2024, 27100000), (2023, 22400000)):
            store.create_child(
                session=session,
                model=FiscalYear,
                enterprise_id=enterprise.id,
                actor="tester",
                data={"year": year, "sales_revenue": Decimal(revenue), "staff_total": 86},
            )
        assert enterprise.id is not None
        return enterprise.id


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_make_pack_records_it_and_reopens_the_same_file() -> None:
    enterprise_id = add_enterprise("上海翀镕体育文化有限公司")
    result = packs.make_pack(enterprise_id, on=ON)
    assert "上海翀镕体育文化有限公司" in text_of(result.pdf)
    for shown in result.record.verdicts:
        if shown["outcome"] in ("eligible", "likely", "near_miss"):
            assert shown["title"] in text_of(result.pdf)
    assert result.record.officer == "tester" and result.record.pages == len(
        PdfReader(io.BytesIO(result.pdf)).pages
    )
    [view] = packs.list_packs(enterprise_id)
    assert not view.out_of_date and view.download_name.endswith("-2026-05-18.pdf")
    assert packs.open_pack(result.record.id) == result.pdf


def test_a_policy_that_needs_data_is_named_in_the_summary_not_given_a_section() -> None:
    enterprise_id = add_enterprise("上海旻玥体育科技有限公司")  # most facts unknown: the fund needs data
    result = packs.make_pack(enterprise_id, on=ON)
    needs = [v["title"] for v in result.record.verdicts if v["outcome"] == "needs_data"]
    title = "上海市文化创意产业发展财政扶持资金"
    assert title in needs
    text = text_of(result.pdf)
    assert "补充资料后可评估的政策" in text and title in text.split("补充资料后可评估的政策")[1]
    assert not re.search(f"[一二三四五六七八九十]、{title}", text)  # no numbered section of its own
    request = text.split("请贵单位补充/核对以下信息")[-1]  # the last page asks for what it misses
    assert "请补充" in request and title in request


def test_pack_is_flagged_out_of_date_when_the_data_changes() -> None:
    enterprise_id = add_enterprise("上海彧昇运动科技有限公司")
    packs.make_pack(enterprise_id, on=ON)
    with session_scope() as session:
        store.update_enterprise(
            session=session,
            enterprise_id=enterprise_id,
            expected_version=1,
            actor="tester",
            data={"street": "大桥"},
        )
    [view] = packs.list_packs(enterprise_id)
    assert view.out_of_date and view.reasons == ["企业数据或人工核定已变更"]


def test_batch_lists_a_failure_and_still_makes_the_others(tmp_path: Path) -> None:
    ids = [add_enterprise("上海喆体育有限公司"), 99999, add_enterprise("上海堃体育有限公司")]
    seen: list[tuple[int, int]] = []
    result = packs.make_packs(
        ids,
        tmp_path / "out",
        on=ON,
        workers=1,
        progress=lambda done, total, _name: seen.append((done, total)),
    )
    assert [f[0] for f in result.failed] == [99999]
    assert len(result.made) == 2 and seen[-1] == (3, 3)
    assert result.zip_path is not None
    names = zipfile.ZipFile(result.zip_path).namelist()
    assert sorted(names) == sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) and len(names) == 2


def test_select_enterprises_by_street() -> None:
    first = add_enterprise("上海甲体育有限公司")
    assert packs.select_enterprises(streets=["五角场"]) == [first]
    assert packs.select_enterprises(streets=["殷行"]) == []


def test_cli_pack_writes_the_pdf(tmp_path: Path) -> None:
    app = typer.Typer()
    cli_packs.register(app)
    enterprise_id = add_enterprise("上海玥体育有限公司")
    out = tmp_path / "p.pdf"
    result = CliRunner().invoke(
        app, ["pack", "--enterprise", str(enterprise_id), "--out", str(out), "--on", "2026-05-18"]
    )
    assert result.exit_code == 0, result.output
    assert "上海玥体育有限公司" in text_of(out.read_bytes()) and "已生成" in result.output


def test_a_settled_manual_condition_shows_in_the_pack_and_flags_older_packs() -> None:
    from crm.services import matching

    enterprise_id = add_enterprise(  # the fund is open (likely) only on its manual conditions: recommended
        "上海昇旻赛事有限公司",
        registered_in_shanghai=True,
        independent_legal_person=True,
        wenchuang_sector="esports",
        serious_dishonesty_listed=False,
    )
    before = packs.make_pack(enterprise_id, on=ON)
    assert "经王专员" not in text_of(before.pdf)
    matching.settle(
        enterprise_id=enterprise_id,
        policy_id="wenchuang_fund",
        condition_id="accounts",
        met=True,
        officer="王专员",
        note="已查看财务制度",
    )
    [view] = packs.list_packs(enterprise_id)
    assert view.out_of_date and view.reasons == ["企业数据或人工核定已变更"]
    after = text_of(packs.make_pack(enterprise_id, on=ON).pdf)
    assert "经王专员" in after and "核定：已查看财务制度" in after


def test_a_second_batch_on_the_kept_workers_prints_the_rules_of_the_moment(tmp_path: Path) -> None:
    # The workers outlive a batch; after a rule file changes, the next batch must not print the old text.
    import dataclasses

    from crm import config
    from crm.rules import loader

    rules = tmp_path / "one-policy"
    rules.mkdir()
    source = (config.get_settings().rules_dir / "wenchuang_fund.yaml").read_text(encoding="utf-8")
    (rules / "wenchuang_fund.yaml").write_text(source, encoding="utf-8")
    config.override_settings(dataclasses.replace(config.get_settings(), rules_dir=rules))
    loader.reload()
    ids = [add_enterprise("上海堃珺体育有限公司"), add_enterprise("上海喆昇体育有限公司")]
    try:
        first = packs.make_packs(ids, tmp_path / "a", on=ON, workers=2)
        assert not first.failed and "第二版标题" not in text_of(packs.open_pack(first.made[0].id))
        title = next(line for line in source.splitlines() if line.startswith("title:"))
        (rules / "wenchuang_fund.yaml").write_text(
            source.replace(title, "title: 第二版标题"), encoding="utf-8"
        )
        loader.reload()
        second = packs.make_packs(ids, tmp_path / "b", on=ON, workers=2)
        assert not second.failed and all("第二版标题" in text_of(packs.open_pack(r.id)) for r in second.made)
    finally:
        packs.shutdown_workers()


def test_the_first_page_preview_is_a_png_and_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    pdf = packs.make_pack(add_enterprise("上海玥彧体育有限公司"), on=ON).pdf
    png = packs.first_page_png(pdf)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert list(cwd.iterdir()) == []


def test_the_pack_names_the_officer_from_their_profile_never_the_sign_in_name() -> None:
    from crm.services import profile

    enterprise_id = add_enterprise("上海珺彧体育有限公司")
    first_page = PdfReader(io.BytesIO(packs.make_pack(enterprise_id, on=ON).pdf)).pages[0].extract_text()
    assert "tester" not in first_page and "上海市杨浦区投资促进办公室" in first_page  # no profile yet
    assert not profile.my_profile().complete
    saved = profile.save_my_profile(
        {"display_name": "王珺", "office": "企业服务科", "phone": "021-6543 2100", "email": "wj@yp.gov.cn"},
        None,
    )
    assert saved.complete and profile.my_profile() == saved
    first_page = PdfReader(io.BytesIO(packs.make_pack(enterprise_id, on=ON).pdf)).pages[0].extract_text()
    assert all(t in first_page for t in ("王珺", "企业服务科", "021-6543 2100", "wj@yp.gov.cn"))
    assert "tester" not in first_page
    profile.save_my_profile({"display_name": "王珺", "phone": "021-6543 2100"}, saved.version)
    with pytest.raises(store.ConflictError):  # a second window saving over the first is refused
        profile.save_my_profile({"display_name": "王敏"}, saved.version)
