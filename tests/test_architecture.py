"""The house's arrows, checked on the imports: no cycles, no upward or sideways import.

Each unit of ``crm`` (a package or a top-level module) lists the units it may import; anything else is a
wrong arrow. ``ui`` reaches ``crm`` only through the services and the plain vocabulary modules. The
self-tests plant a bad import and a cycle in a scratch tree and check that both are reported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LEAVES = {"config", "i18n", "errors", "domain", "parsing", "paths"}
# unit -> the crm units it may import (besides itself); leaves may import each other
ALLOWED: dict[str, set[str]] = {
    **{leaf: LEAVES for leaf in LEAVES},
    "db": LEAVES,
    "models": LEAVES,
    "migrations": LEAVES | {"db", "models"},
    "svgchart": LEAVES,
    "records": LEAVES,
    "facts": LEAVES,
    "rules": LEAVES | {"facts"},
    "packs": LEAVES,
    "calendar": LEAVES,
    "store": LEAVES | {"db", "models", "records"},
    "auth": LEAVES | {"db", "models", "store"},
    "intake": LEAVES | {"db", "models", "records", "store"},
    "demo": LEAVES | {"db", "models", "records", "store"},
    "ops": LEAVES | {"db", "models", "store", "rules", "packs", "facts", "calendar"},
    "services": LEAVES
    | {"db", "models", "records", "store", "facts", "rules", "packs", "calendar", "intake", "auth", "ops"}
    | {"demo", "svgchart"},
    "cli": LEAVES | {"db", "services", "rules", "facts", "ops"},  # ops: `huiqi doctor` runs its checks itself
}
UI_MAY_IMPORT = ("crm.services", "crm.i18n", "crm.domain", "crm.records.fields", "crm.config", "crm.errors")
UI_MAY_IMPORT += ("crm.cli",)  # ui/cli.py extends the `huiqi` command with `app` and `serve`


# --- the checker ---------------------------------------------------------------------------------


def modules(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of a package under ``root``."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules a file imports (relative imports resolved; ``from p import m`` counts m if a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports (crm and ui)."""
    mods = {**modules(root, "crm"), **modules(root, "ui")}
    known = set(mods)
    return {name: {m for m in imports_of(path, name, known) if m in known} for name, path in mods.items()}


def unit(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def wrong_arrows(root: Path) -> list[str]:
    """Every import that the house's map does not allow."""
    mods = {**modules(root, "crm"), **modules(root, "ui")}
    known = set(mods)
    wrong = []
    for name, path in mods.items():
        for target in sorted(imports_of(path, name, known)):
            if name.startswith("ui"):
                if target.startswith("crm.") and not target.startswith(UI_MAY_IMPORT):
                    wrong.append(f"{name} -> {target}")
                continue
            if target.split(".")[0] in ("nicegui", "ui"):
                wrong.append(f"{name} -> {target}")
            elif target.startswith("crm.") and name != "crm":
                source, dest = unit(name), unit(target)
                if source != dest and dest not in ALLOWED.get(source, set()):
                    wrong.append(f"{name} -> {target}")
            elif name.startswith(("crm.rules", "crm.facts", "crm.packs")) and target.split(".")[0] in (
                "sqlmodel",
                "sqlalchemy",
            ):
                wrong.append(f"{name} -> {target}")
    return wrong


def cycles(root: Path) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    edges = graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


# --- the house -----------------------------------------------------------------------------------


def test_no_import_against_the_arrows() -> None:
    wrong = wrong_arrows(ROOT)
    assert not wrong, "imports the map in tests/test_architecture.py does not allow:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    found = cycles(ROOT)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_every_crm_unit_is_on_the_map() -> None:
    units = {unit(name) for name in modules(ROOT, "crm") if name != "crm"}
    assert units <= set(ALLOWED), f"units without arrows in ALLOWED: {sorted(units - set(ALLOWED))}"


def test_every_folder_says_what_lives_there_and_what_it_may_import() -> None:
    silent = []
    for init in sorted([*(ROOT / "crm").rglob("__init__.py"), *(ROOT / "ui").rglob("__init__.py")]):
        if "migrations" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if "import" not in doc.lower():
            silent.append(str(init.relative_to(ROOT)))
    assert not silent, "folders whose __init__ docstring does not say what they may import: " + ", ".join(
        silent
    )


def test_no_crm_module_over_400_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)} ({n})"
        for path in sorted((ROOT / "crm").rglob("*.py"))
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not long, "modules over 400 lines: " + ", ".join(long)


def test_ui_never_rebinds_nicegui_ui() -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "ui").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import)
        and any(a.name == "ui" or a.name.startswith("ui.") for a in node.names)
    ]
    assert not wrong, "use `from ui.x import y` inside ui/, never `import ui.x`: " + ", ".join(wrong)


# --- the checker catches what it is for ------------------------------------------------------------


def _plant(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


HOUSE = {
    "crm/__init__.py": "",
    "crm/store/__init__.py": "from crm.store.core import save\n",
    "crm/store/core.py": "def save(): ...\n",
    "crm/rules/__init__.py": "",
    "crm/rules/engine.py": "def run(): ...\n",
    "crm/services/__init__.py": "",
    "crm/services/match.py": "from crm.store import save\nfrom crm.rules.engine import run\n",
    "ui/__init__.py": "",
    "ui/page.py": "from crm.services import match\n",
}


def test_a_clean_scratch_house_passes(tmp_path: Path) -> None:
    root = _plant(tmp_path, HOUSE)
    assert wrong_arrows(root) == [] and cycles(root) == []


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        ({"crm/store/core.py": "from crm.rules.engine import run\n"}, "crm.store.core -> crm.rules.engine"),
        ({"crm/store/core.py": "from ..rules import engine\n"}, "crm.store.core -> crm.rules.engine"),
        ({"crm/rules/engine.py": "import sqlalchemy\n"}, "crm.rules.engine -> sqlalchemy"),
        ({"crm/services/match.py": "from ui import page\n"}, "crm.services.match -> ui"),
        (
            {"crm/rules/engine.py": "def run():\n    from crm.services import match\n"},
            "crm.rules.engine -> crm.services",
        ),
        ({"ui/page.py": "from crm.store import save\n"}, "ui.page -> crm.store"),
    ],
    ids=[
        "store->rules",
        "relative store->rules",
        "rules->sqlalchemy",
        "services->ui",
        "late import",
        "ui->store",
    ],
)
def test_a_planted_wrong_arrow_is_reported(tmp_path: Path, planted: dict[str, str], expected: str) -> None:
    root = _plant(tmp_path, {**HOUSE, **planted})
    assert any(line.startswith(expected) for line in wrong_arrows(root)), wrong_arrows(root)


def test_a_planted_cycle_is_reported(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            **HOUSE,
            "crm/store/core.py": "from crm.store import other\n",
            "crm/store/other.py": "from crm.store.core import x\n",
        },
    )
    assert cycles(root) == [["crm.store.core", "crm.store.other"]]
