"""`huiqi rules check|test` and `huiqi match --enterprise ID | --profile FILE`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, warn_rules

DirOption = Annotated[Path | None, typer.Option("--dir", help="rules directory (default: configured)")]
rules_app = typer.Typer(help="政策规则 / policy rules", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``rules`` sub-app and the ``match`` command to the main CLI."""
    app.add_typer(rules_app, name="rules")
    app.command("match")(match_command)


def _rules_dir(directory: Path | None) -> Path:
    from crm.config import get_settings

    return directory or get_settings().rules_dir


@rules_app.command("check")
def check(directory: DirOption = None) -> None:
    """Load every rule file; print each error as file:line: reason."""
    from crm.rules import load_dir

    ruleset, errors = load_dir(_rules_dir(directory))
    for err in errors:
        typer.echo(str(err), err=True)
    extra = len(ruleset.all_versions()) - len(ruleset.policies)
    typer.echo(
        f"{len(ruleset.policies)} 项政策可用"
        + (f"（另有 {extra} 个历史/后续版本）" if extra else "")
        + f"，{len(errors)} 个错误；规则集哈希 {ruleset.hash}"
    )
    raise typer.Exit(1 if errors else 0)


@rules_app.command("test")
def test(directory: DirOption = None) -> None:
    """Run every policy's example cases."""
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
        int | None, typer.Option("--enterprise", help="enterprise id in the database")
    ] = None,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="enterprise profile file (YAML/JSON)")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="as-of date, YYYY-MM-DD (default: today)")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the JSON document (policy_rules/README.md)")
    ] = False,
) -> None:
    """Match one enterprise against every policy in force, with reasons."""
    if (enterprise is None) == (profile is None):
        raise typer.BadParameter("请给出 --enterprise ID 或 --profile FILE 之一")
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


def _report(enterprise: int | None, profile: Path | None, when: date) -> Any:
    from crm.services import matching

    if profile is not None:
        return matching.match_profile(profile, on=when)
    return matching.match(enterprise, on=when)  # type: ignore[arg-type]


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"日期应写作 YYYY-MM-DD，而不是 {text!r}") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value))
