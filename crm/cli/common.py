"""What several commands share: the rule-file warning of every evaluating command, and the exit codes.

Exit codes: 0 done, nothing to report · 1 done, but the job found problems (a broken rule file, rows not
imported, packs that failed) · 2 refused: bad usage or bad input (nothing was done).
"""

from __future__ import annotations

from collections.abc import Iterable

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
