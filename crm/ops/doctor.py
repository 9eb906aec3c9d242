"""`huiqi doctor`: checks the installation and says how to fix each problem."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crm.config import get_settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks() -> Iterator[Check]:
    """Run every check, one result each; a check that crashes is reported, not raised."""
    for check in (_data_dir, _database, _rules, _templates, _cjk_font, _weasyprint):
        try:
            yield check()
        except Exception as exc:  # noqa: BLE001 - doctor reports every failure instead of stopping
            yield Check(check.__name__.strip("_"), False, f"{type(exc).__name__}: {exc}", "见上方错误信息")


def _data_dir() -> Check:
    path = get_settings().data_dir
    path.mkdir(parents=True, exist_ok=True)
    ok = os.access(path, os.W_OK)
    return Check("数据目录 data dir", ok, str(path), f"确保 {path} 可写，或设置 HUIQI_DATA_DIR")


def _database() -> Check:
    from sqlalchemy import text

    from crm.db import current_revision, get_engine, safe_url

    engine = get_engine()
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    return Check(
        "数据库 database",
        True,
        f"{safe_url()} (revision {current_revision(engine)})",
        "检查 HUIQI_DATABASE_URL，然后运行 huiqi db upgrade",
    )


def _rules() -> Check:
    path = get_settings().rules_dir
    files = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not files:
        return Check(
            "政策规则 rules", False, f"{path}: 没有规则文件", "设置 HUIQI_RULES_DIR 指向 policy_rules 目录"
        )
    detail = f"{path}: {len(files)} 个规则文件"
    loader = _optional("crm.rules.loader", "check_dir")
    if loader is not None:
        errors = loader(path)
        if errors:
            return Check(
                "政策规则 rules",
                False,
                f"{detail}; {len(errors)} 个错误: {errors[0]}",
                "运行 huiqi rules check 查看并修正",
            )
    return Check("政策规则 rules", True, detail)


def _templates() -> Check:
    path = get_settings().templates_dir
    found = sorted(p.name for p in path.glob("*.html")) if path.is_dir() else []
    return Check(
        "服务包模板 templates",
        bool(found),
        f"{path}: {', '.join(found) or '没有模板'}",
        "设置 HUIQI_TEMPLATES_DIR 指向 templates 目录",
    )


def _cjk_font() -> Check:
    from crm.packs.fonts import fonts_status, missing_characters

    status = fonts_status()
    absent = [name for name, present in status["faces"].items() if not present]
    if absent:
        return Check(
            "中文字体 CJK font",
            False,
            f"缺少 {', '.join(absent)}（{status['font_dir']}）",
            "pip install pylopdf-fonts-zh-cn（make run 会自动安装）",
        )
    missing = missing_characters(_names_in_database())
    detail = (
        f"{', '.join(status['faces'])}; 子集化 subsetter: {status['subsetter']}; "
        f"WeasyPrint: {status['weasyprint_subsetter']}"
    )
    if missing:
        return Check(
            "中文字体 CJK font",
            False,
            f"{detail}; 字体缺字: {''.join(sorted(missing))}",
            "这些字符在服务包中会显示为方框；请核对企业/联系人名称或换用覆盖更全的字体",
        )
    return Check(
        "中文字体 CJK font",
        True,
        detail + "; 库中企业和联系人名称的每个字都能显示",
        "apt-get install -y libharfbuzz-subset0（服务包文件更小）",
    )


def _names_in_database() -> str:
    from crm.db import session_scope
    from crm.store.enterprises import all_names

    with session_scope() as session:
        return "".join(all_names(session=session))


def _weasyprint() -> Check:
    try:
        weasyprint = importlib.import_module("weasyprint")
    except OSError as exc:
        return Check(
            "PDF 引擎 WeasyPrint",
            False,
            str(exc),
            "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
        )
    return Check("PDF 引擎 WeasyPrint", True, f"WeasyPrint {weasyprint.__version__}")


def _optional(module: str, name: str) -> Callable[..., list[str]] | None:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError:
        return None
