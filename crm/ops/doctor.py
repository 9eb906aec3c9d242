"""`huiqi doctor`: checks the installation, each thing under its own name, and says how to fix each problem.

A check that needs another one (the names in the database need the database) is skipped, not failed, when
that one failed, so a bad database URL is blamed on the database and nothing else.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from crm.config import Settings, get_settings, load_settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    skipped: bool = False


@dataclass(frozen=True)
class _Spec:
    name: str
    fix: str  # what to do when the check itself crashes
    run: Callable[[], Check]
    needs: tuple[str, ...] = ()


def run_checks() -> Iterator[Check]:
    """Run every check, one result each; a check that crashes is reported under its own name, not raised."""
    failed: set[str] = set()
    for spec in _SPECS:
        blocked = [n for n in spec.needs if n in failed]
        if blocked:
            failed.add(spec.name)
            yield Check(spec.name, False, f"跳过：先修好“{'、'.join(blocked)}” (skipped)", skipped=True)
            continue
        try:
            result = spec.run()
        except Exception as exc:  # noqa: BLE001 - doctor reports every failure instead of stopping
            result = Check(spec.name, False, _reason(exc), spec.fix)
        if not result.ok:
            failed.add(spec.name)
        yield result


def _reason(exc: BaseException) -> str:
    from crm.errors import HuiqiError

    text = exc.message() if isinstance(exc, HuiqiError) else f"{type(exc).__name__}: {exc}"
    text = text.split("(Background on this error at")[0]  # SQLAlchemy's link, not a reason
    return " ".join(text.split())[:400]


SETTINGS, DATA_DIR, DATABASE, RULES = (
    "设置 settings",
    "数据目录 data dir",
    "数据库 database",
    "政策规则 rules",
)
TEMPLATES, FONT, NAMES, PDF = (
    "服务包模板 templates",
    "中文字体 CJK font",
    "库中名称可显示 names printable",
    "PDF 引擎 WeasyPrint",
)


def _settings() -> Check:
    settings: Settings = load_settings()  # raises on a bad HUIQI_* value, naming it
    where = "服务器模式 server" if settings.is_server else "桌面模式 desktop"
    return Check(SETTINGS, True, f"{where}; HUIQI_* 环境变量有效")


def _data_dir() -> Check:
    path = get_settings().data_dir
    path.mkdir(parents=True, exist_ok=True)
    ok = os.access(path, os.W_OK)
    return Check(DATA_DIR, ok, str(path), f"确保 {path} 可写，或设置 HUIQI_DATA_DIR")


def _database() -> Check:
    from sqlalchemy import text

    from crm.db import current_revision, get_engine, safe_url

    engine = get_engine()
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    return Check(DATABASE, True, f"{safe_url()} (revision {current_revision(engine)})")


def _rules() -> Check:
    from crm.rules.loader import load_dir

    path = get_settings().rules_dir
    files = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not files:
        return Check(RULES, False, f"{path}: 没有规则文件", "设置 HUIQI_RULES_DIR 指向 policy_rules 目录")
    ruleset, errors = load_dir(path)
    detail = f"{path}: {len(files)} 个规则文件，{len(ruleset.policies)} 项政策"
    if errors:
        return Check(
            RULES,
            False,
            f"{detail}; {len(errors)} 个错误，首个：{errors[0]}",
            "运行 huiqi rules check 查看并修正",
        )
    return Check(RULES, True, detail)


def _templates() -> Check:
    """Every template the app uses exists and renders with the sample data (StrictUndefined catches a
    misspelt name, the sandbox a forbidden one)."""
    from crm.packs.render import get_renderer
    from crm.packs.sample import sample_context, sample_report_context

    path = get_settings().templates_dir
    samples: dict[str, Callable[[], dict[str, Any]]] = {
        "pack.html": sample_context,
        "report.html": sample_report_context,
    }
    renderer = get_renderer(path)
    problems = []
    for name, sample in samples.items():
        if not (path / name).is_file():
            problems.append(f"缺少 {name}")
            continue
        try:
            renderer.render_html(sample(), template=name)
        except Exception as exc:  # noqa: BLE001 - any failure of a template is reported with its reason
            problems.append(_reason(exc))
    if problems:
        return Check(TEMPLATES, False, f"{path}: {'；'.join(problems)}", "按错误中的文件和行号修正模板")
    return Check(TEMPLATES, True, f"{path}: {', '.join(samples)} 均可用示例数据渲染")


def _cjk_font() -> Check:
    from crm.packs.fonts import fonts_status

    status = fonts_status()
    absent = [name for name, present in status["faces"].items() if not present]
    if absent:
        return Check(
            FONT,
            False,
            f"缺少 {', '.join(absent)}（{status['font_dir']}）",
            "pip install pylopdf-fonts-zh-cn（make run 会自动安装）",
        )
    detail = (
        f"{', '.join(status['faces'])}; 子集化 subsetter: {status['subsetter']}; "
        f"WeasyPrint: {status['weasyprint_subsetter']}"
    )
    return Check(FONT, True, detail, "apt-get install -y libharfbuzz-subset0（服务包文件更小）")


def _names() -> Check:
    from crm.db import session_scope
    from crm.packs.fonts import missing_characters
    from crm.store.enterprises import all_names

    with session_scope() as session:
        missing = missing_characters("".join(all_names(session=session)))
    if missing:
        return Check(
            NAMES,
            False,
            f"字体缺字: {''.join(sorted(missing))}",
            "这些字符在服务包中会显示为方框；请核对企业/联系人名称或换用覆盖更全的字体",
        )
    return Check(NAMES, True, "库中企业和联系人名称的每个字都能显示")


def _weasyprint() -> Check:
    try:
        weasyprint = importlib.import_module("weasyprint")
    except OSError as exc:
        return Check(
            PDF, False, str(exc), "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        )
    from crm.packs.render import get_renderer
    from crm.packs.sample import sample_report_context

    pdf = get_renderer().render_pdf(sample_report_context(), template="report.html")
    return Check(PDF, True, f"WeasyPrint {weasyprint.__version__}; 示例报告 {len(pdf) // 1024} KB")


_SPECS = (
    _Spec(SETTINGS, "按错误信息修正环境变量（见 README 的 Configuration 一节）", _settings),
    _Spec(DATA_DIR, "确保数据目录可写，或设置 HUIQI_DATA_DIR", _data_dir, (SETTINGS,)),
    _Spec(
        DATABASE,
        "检查 HUIQI_DATABASE_URL（用户、密码、主机、库名）与数据库服务是否在运行，然后运行 huiqi db upgrade",
        _database,
        (SETTINGS, DATA_DIR),
    ),
    _Spec(RULES, "运行 huiqi rules check 查看并修正；或设置 HUIQI_RULES_DIR", _rules, (SETTINGS,)),
    _Spec(TEMPLATES, "设置 HUIQI_TEMPLATES_DIR 指向 templates 目录", _templates, (SETTINGS,)),
    _Spec(FONT, "pip install pylopdf-fonts-zh-cn（make run 会自动安装）", _cjk_font, (SETTINGS,)),
    _Spec(NAMES, "运行 huiqi doctor 前先修好数据库", _names, (DATABASE, FONT)),
    _Spec(
        PDF,
        "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
        _weasyprint,
        (SETTINGS, TEMPLATES, FONT),
    ),
)
