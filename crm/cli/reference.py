"""The README's command table, generated from the `huiqi` command itself (so the two cannot drift).

``command_table(group)`` walks the click group: one row per command, in the order of ``EXAMPLES``, each with
a runnable example, every option the command takes, and the first sentence of its help. `huiqi reference`
prints it; a test fails when README.md's table differs and runs every example on a scratch database.
A command without an example (a new one) is listed after the others with its bare synopsis.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

START, END = "<!-- commands:start -->", "<!-- commands:end -->"

# command path -> the example shown in the README (and run by the test, in this order: later ones use the
# files earlier ones wrote). Values are examples, not defaults.
EXAMPLES: dict[str, str] = {
    "app": "huiqi app --no-browser --port 8080",
    "serve": "huiqi serve --host 0.0.0.0 --port 8080",
    "demo": "huiqi demo --if-empty",
    "db upgrade": "huiqi db upgrade",
    "doctor": "huiqi doctor",
    "rules check": "huiqi rules check",
    "rules test": "huiqi rules test",
    "rules facts": "huiqi rules facts",
    "match": "huiqi match --enterprise 1 --on 2026-05-18",
    "rematch": "huiqi rematch",
    "pack": "huiqi pack --enterprise 1 --out pack.pdf",
    "packs": "huiqi packs --street 五角场 --policy hnte --outcome eligible --outcome near_miss --out packs",
    "export": "huiqi export 企业名单.xlsx --street 五角场",
    "import": "huiqi import 企业名单.xlsx --dry-run",
    "radar": "huiqi radar --within 10 --limit 20",
    "report": "huiqi report --year 2026 --out report.pdf",
    "ics": "huiqi ics --out huiqi.ics",
    "demo-pipeline": "huiqi demo-pipeline",
    "backup": "huiqi backup --to huiqi.backup",
    "restore": "huiqi restore huiqi.backup --yes",
    "officer add": "huiqi officer add wang --name 王敏 --role admin",
    "officer passwd": "huiqi officer passwd wang",
    "officer list": "huiqi officer list",
    "requests make": "huiqi requests make --street 五角场 --outcome needs_data --out requests",
    "requests import": "huiqi requests import requests",
    "requests list": "huiqi requests list --status sent",
}
METAVARS = {
    "on": "YYYY-MM-DD",
    "due": "YYYY-MM-DD",
    "out": "PATH",
    "to": "PATH",
    "dir": "DIR",
    "profile": "FILE",
}


def commands(group: Any) -> Iterator[tuple[str, Any]]:
    """(path, command) of every leaf command of a click group, hidden ones left out."""
    ctx = type(group).context_class(group) if hasattr(type(group), "context_class") else None
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if sub is None or getattr(sub, "hidden", False):
            continue
        if hasattr(sub, "list_commands"):
            for path, leaf in commands(sub):
                yield f"{name} {path}", leaf
        else:
            yield name, sub


def ordered(group: Any) -> list[tuple[str, Any]]:
    """The leaf commands, those with an example first in the example order, then the rest by name."""
    found = dict(commands(group))
    rank = {path: i for i, path in enumerate(EXAMPLES)}
    return sorted(found.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def synopsis(command: Any) -> str:
    """Every parameter of a command: ``NAME``, ``--out PATH``, ``[--street STREET]…``, ``[--json]``."""
    parts = []
    for param in command.params:
        if param.name == "help" or getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            text = (param.metavar or param.name).upper()
        else:
            text = param.opts[0] if param.is_flag else f"{param.opts[0]} {_metavar(param)}"
        if not param.required or getattr(param, "prompt", None):  # a prompted option may be left out
            text = f"[{text}]"
        parts.append(text + ("…" if getattr(param, "multiple", False) else ""))
    return " ".join(parts)


def _metavar(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    if param.name in METAVARS:
        return METAVARS[param.name]
    return "N" if "int" in repr(getattr(param, "type_descriptor", "")).lower() else param.name.upper()


def summary(command: Any) -> str:
    """The first line of the command's help (Chinese, with the English in parentheses)."""
    return (command.help or "").strip().splitlines()[0] if command.help else ""


def command_table(group: Any) -> str:
    """The Markdown table of every command: example, options, what it does."""
    rows = ["| command | options | what it does |", "|---|---|---|"]
    for path, command in ordered(group):
        example = EXAMPLES.get(path, f"huiqi {path}")
        options = synopsis(command).replace("|", "\\|")
        rows.append(f"| `{example}` | {f'`{options}`' if options else ''} | {summary(command)} |")
    return "\n".join(rows)


def readme_block(group: Any) -> str:
    """The table between its markers, as it stands in README.md."""
    return f"{START}\n{command_table(group)}\n{END}"


def replace_block(readme: str, group: Any) -> str:
    """README text with the command table regenerated."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return head + readme_block(group) + tail
