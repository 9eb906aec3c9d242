"""The smaller weaknesses: imported headers shown as text, friendly not-found and error pages without the
exception's text, a cap on rule files, and a server that makes its data dir."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User
from openpyxl import Workbook

from crm import config
from crm.rules import loader
from crm.services import jobs, packs
from crm.services.auth import Principal, acting_as

HOSTILE_HEADER = "[点我](http://evil.example) ![x](http://evil.example/a.png)"


async def test_imported_column_headers_are_shown_as_text_not_markdown(user: User) -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    wb = Workbook()
    wb.active.append(["企业名称", HOSTILE_HEADER])
    wb.active.append(["上海跃动体育科技有限公司", "x"])
    data = io.BytesIO()
    wb.save(data)
    await user.open("/intake")
    upload = user.find("intake-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("名单.xlsx", "application/octet-stream", data.getvalue())])
    await user.should_see(marker="intake-preview", retries=50)
    user.find("intake-preview").click()
    await user.should_see(marker="intake-report", retries=50)
    [report] = user.find("intake-report").elements
    texts = [e.text for e in report.descendants() if isinstance(e, ui.label)]
    assert any(HOSTILE_HEADER in text for text in texts)  # the header, word for word
    assert not [e for e in report.descendants() if isinstance(e, ui.markdown | ui.link | ui.image)]


async def test_an_unknown_policy_is_a_plain_not_found_page(user: User) -> None:
    await user.open("/policies/no-such-policy")
    await user.should_see(marker="policy-not-found")
    await user.should_see("没有这项政策")


async def test_an_error_page_never_shows_the_exceptions_text(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    @ui.page("/test-broken-page")
    def broken() -> None:
        raise RuntimeError("secret path /srv/huiqi/internal.db")

    response = await user.http_client.get("/test-broken-page")
    assert response.status_code == 500
    assert "页面出错" in response.text and "secret path" not in response.text
    assert "secret path" in caplog.text  # the log keeps what the page does not show
    caplog.clear()  # the error was expected here


def test_a_batch_that_breaks_reports_no_exception_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret path /srv/huiqi/internal.db")

    monkeypatch.setattr(packs, "make_packs", broken)
    monkeypatch.setattr(jobs, "JOBS", {})
    with acting_as(Principal("li", "officer")):
        job = jobs.start_pack_batch([1])
    assert job.thread is not None
    job.thread.join()
    assert "意外错误" in job.error and "secret" not in job.error


def test_a_rule_file_over_the_size_cap_is_refused_with_file_and_reason(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    big.write_text("# padding\n" * (loader.MAX_RULE_FILE_BYTES // 10 + 1), encoding="utf-8")
    _ruleset, errors = loader.load_dir(tmp_path)
    [error] = [e for e in errors if "huge.yaml" in str(e)]
    assert "文件过大" in str(error) and "上限 512 KB" in str(error)


def test_serve_makes_a_missing_data_dir_before_it_starts(tmp_path: Path) -> None:
    from ui.server import server_problem

    missing = tmp_path / "not" / "yet"
    settings = config.get_settings()
    config.override_settings(replace(settings, data_dir=missing, storage_secret="x" * 32))
    server_problem()
    assert missing.is_dir()
