"""What several commands share: the rule-file warning of every evaluating command, and the exit codes.

Exit codes: 0 done, nothing to report · 1 done, but the job found problems (a broken rule file, rows not
imported, packs that failed) · 2 refused: bad usage or bad input (nothing was done).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn

import typer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def warn_rules(asked: Iterable[str] = ()) -> bool:
    """Print a warning on stderr for each rule file that did not load; True when there was one.

    Each names the file and line and says whether the policy's last good version stands in or the policy
    is missing. ``asked``: policy ids the caller named (their problems come first and are marked).
    """
    from crm.rules import loader

    found = loader.problems()
    wanted = set(asked)
    for p in sorted(found, key=lambda p: p["policy"] not in wanted):
        tail = (
            f"政策 {p['policy']} 仍按上一次成功载入的版本计算 (last good version in use)"
            if p["kept"]
            else f"该文件从未成功载入，政策 {p['policy']} 未参与计算 (never loaded: policy left out)"
        )
        typer.echo(f"警告 (warning)：规则文件有误 {p['path']}:{p['line']}：{p['reason']}；{tail}", err=True)
    return bool(found)


def one_of(value: str, valid: Sequence[str], option: str, *, hint: Mapping[str, str] | None = None) -> str:
    """``value`` if it is in the closed vocabulary ``valid``; else bad usage (exit 2) listing the valid values
    and the closest one. ``hint`` maps a value to the one it probably means (``3`` -> ``03``)."""
    if value in valid:
        return value
    unknown(value, valid, option, hint=hint)


def unknown(
    value: str, valid: Sequence[str], option: str, *, hint: Mapping[str, str] | None = None
) -> NoReturn:
    """Bad usage: ``value`` is not in ``valid`` (the valid values listed, the closest one suggested)."""
    guess = (hint or {}).get(value) or next(
        iter(difflib.get_close_matches(value, valid, n=1, cutoff=0.5)), None
    )
    shown = "、".join(valid) if len(valid) <= 40 else "、".join(valid[:40]) + " …"
    raise typer.BadParameter(
        f"“{value}”不是有效值 (not a valid value)"
        + (f"；是否想写 (did you mean) {guess}？" if guess else "")
        + f"\n可选 (valid values)：{shown}",
        param_hint=option,
    )


def all_of(values: Sequence[str] | None, valid: Sequence[str], option: str, **kw: Any) -> list[str]:
    """Each of a repeatable option's values checked by ``one_of``."""
    return [one_of(v, valid, option, **kw) for v in values or ()]


def parse_date(text: str | None, option: str = "--on") -> date | None:
    """A YYYY-MM-DD option as a date (None when not given); anything else is bad usage."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"日期应写作 YYYY-MM-DD，例如 2026-05-18，而不是“{text}” (date as YYYY-MM-DD)", param_hint=option
        ) from None


def refuse(message: str, option: str) -> NoReturn:
    """Bad usage (exit 2): a contradictory or incomplete combination of options."""
    raise typer.BadParameter(message, param_hint=option)


def division_hints() -> dict[str, str]:
    """``3`` -> ``03``: the division a bare number means."""
    from crm.domain import SPORTS_DIVISIONS

    return {code.lstrip("0"): code for code in SPORTS_DIVISIONS}


def officer_names() -> list[str]:
    """Usernames of the live officer accounts (the vocabulary of every --officer option)."""
    from crm.services.enterprises import officers

    return sorted(o.username for o in officers())
