"""`huiqi rules check|test`, `huiqi match --enterprise ID | --profile FILE` and `huiqi rematch [--on DATE]`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, parse_date, refuse, warn_rules

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="规则目录，缺省为 HUIQI_RULES_DIR (rules directory, default: configured)"),
]
rules_app = typer.Typer(
    help="政策规则：检查、试算案例、事实清单 (policy rules: check, test, facts)", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the ``rules`` sub-app and the ``match`` command to the main CLI."""
    app.add_typer(rules_app, name="rules")
    app.command("match")(match_command)
    app.command("rematch")(rematch_command)


def _rules_dir(directory: Path | None) -> Path:
    from crm.config import get_settings

    found = directory or get_settings().rules_dir
    if not found.is_dir():
        refuse(f"规则目录不存在 (no such directory)：{found}", "--dir")
    return found


@rules_app.command("check")
def check(directory: DirOption = None) -> None:
    """载入全部规则文件并检查完整性，逐条列出“文件:行: 原因” (load and check every rule file: file:line: reason)."""
    from crm.rules import load_dir
    from crm.rules.lint import problems, warnings

    ruleset, errors = load_dir(_rules_dir(directory))
    errors = errors + [e for p in ruleset.all_versions() for e in problems(p)]
    for err in errors:
        typer.echo(str(err), err=True)
    notes = [w for p in ruleset.policies for w in warnings(p)]
    for note in notes:
        typer.echo(f"警告 (warning)：{note}", err=True)
    extra = len(ruleset.all_versions()) - len(ruleset.policies)
    typer.echo(
        f"{len(ruleset.policies)} 项政策可用"
        + (f"（另有 {extra} 个历史/后续版本）" if extra else "")
        + f"，{len(errors)} 个错误，{len(notes)} 个警告；规则集哈希 {ruleset.hash}"
    )
    raise typer.Exit(EXIT_PROBLEMS if errors else EXIT_OK)


@rules_app.command("facts")
def facts(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="输出 Markdown 表格 (print a Markdown table)")
    ] = False,
) -> None:
    """列出规则可用的全部事实：名称、类型、单位、中文名、读取的字段 (the fact catalogue rules may use)."""
    from crm.facts import CATALOGUE
    from crm.facts.catalogue import FIELD_ZH

    rows = [
        (f.name, f.type, f.unit or "—", f"{f.zh} ({f.en})", _reads(f.reads, FIELD_ZH))
        for f in sorted(CATALOGUE.values(), key=lambda f: f.name)
    ]
    if markdown:
        typer.echo("| fact | type | unit | label | reads |\n|---|---|---|---|---|")
        for row in rows:
            typer.echo("| " + " | ".join([f"`{row[0]}`", *row[1:]]) + " |")
        return
    for name, kind, unit, label, reads in rows:
        typer.echo(f"{name:<34} {kind:<7} {unit:<7} {label}\n{'':<34} 读取 (reads)：{reads}")


def _reads(reads: Any, labels: dict[str, str]) -> str:
    parts = []
    for r in reads:
        years = f"（前 {'、'.join(map(str, r.years_back))} 年）" if r.years_back else ""
        parts.append((r.label or labels.get(r.field, r.field)) + years)
    return "；".join(parts) or "—"


@rules_app.command("test")
def test(directory: DirOption = None) -> None:
    """运行每项政策的示例案例 (run every policy's example cases)."""
    from crm.rules import load_dir, run_cases

    ruleset, errors = load_dir(_rules_dir(directory))
    for err in errors:
        typer.echo(f"✗ {err}", err=True)
    results = run_cases(list(ruleset.all_versions()))  # each version's cases run against that version
    for r in results:
        typer.echo(
            f"{'✓' if r.ok else '✗'} {r.policy} · {r.name}" + ("" if r.ok else f"：{'；'.join(r.problems)}")
        )
    failed = sum(not r.ok for r in results)
    typer.echo(f"{len(results)} 个案例，{failed} 个失败")
    raise typer.Exit(1 if failed or errors else 0)


def match_command(
    enterprise: Annotated[
        int | None, typer.Option("--enterprise", help="数据库中的企业编号 (enterprise id in the database)")
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile", help="企业档案文件 YAML/JSON，不用数据库 (enterprise profile file, no database)"
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="按某日计算，YYYY-MM-DD，缺省为今天 (as-of date, default today)"),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="输出 JSON 文档，格式见 policy_rules/README.md (print the JSON document)"
        ),
    ] = False,
) -> None:
    """逐条说明一家企业对每项现行政策的匹配结果 (match one enterprise against every policy, with reasons)."""
    if (enterprise is None) == (profile is None):
        raise typer.BadParameter(
            "请给出 --enterprise ID 或 --profile FILE 二者之一 (give exactly one of --enterprise, --profile)"
        )
    when = _date(on)
    report = _report(enterprise, profile, when)
    broken = warn_rules()
    if as_json:
        typer.echo(json.dumps(report.document(), ensure_ascii=False, indent=2, default=_json_default))
    else:
        from crm.rules import render_text

        typer.echo(f"{report.subject['name']} · {when} · 规则集 {report.rules_hash}\n")
        typer.echo(render_text(report.verdicts, report.aggregate))
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def rematch_command(
    on: Annotated[
        str | None,
        typer.Option("--on", help="按某日计算，YYYY-MM-DD，缺省为今天 (as-of date, default today)"),
    ] = None,
) -> None:
    """全部企业对全部现行政策重新匹配，只写回有变化的结果 (re-match everyone; write back what changed)."""
    from crm.services import matching, rematch

    when = _date(on)
    broken = warn_rules()
    last = [""]

    def progress(step: str, share: float) -> None:
        if step != last[0]:
            last[0] = step
            typer.echo(f"{share:4.0%} {rematch.STEPS.get(step, step)}", err=True)

    summary = matching.rematch_all(on=when, progress=progress)
    typer.echo(matching.rematch_text(summary))
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def _report(enterprise: int | None, profile: Path | None, when: date) -> Any:
    from crm.services import matching

    if profile is not None:
        return matching.match_profile(profile, on=when)
    return matching.match(enterprise, on=when)  # type: ignore[arg-type]


def _date(text: str | None) -> date:
    return parse_date(text) or date.today()


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value))
