"""The house's arrows, checked on the imports: no cycles, no upward or sideways import, no SQL in services.

Each unit of ``crm`` (a package or a top-level module) lists the units it may import; anything else is a
wrong arrow. ``ui`` reaches ``crm`` only through the services and the plain vocabulary modules. Every
query and write lives in ``crm.store``: the services import neither sqlalchemy nor sqlmodel and call no
session method that runs SQL. The self-tests plant a bad import, a cycle and a query in a scratch tree
and check that each is reported.

Run ``pytest tests/test_architecture.py`` to see that there are no import cycles and no wrong arrows.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LEAVES = {"config", "i18n", "errors", "domain", "parsing", "paths"}
# unit -> the crm units it may import (besides itself); leaves may import each other
ALLOWED: dict[str, set[str]] = {
    **{leaf: LEAVES for leaf in LEAVES},
    "db": LEAVES | {"auth"},  # making an engine installs the sessions' write guard (crm.auth.guard_writes)
    "models": LEAVES,
    "migrations": LEAVES | {"db", "models"},
    "svgchart": LEAVES,
    "records": LEAVES,
    "facts": LEAVES,
    "rules": LEAVES | {"facts"},
    "packs": LEAVES,
    "calendar": LEAVES,
    "store": LEAVES | {"db", "models", "records"},
    "auth": LEAVES,  # principals, roles, passwords, the write guard: no data (accounts are in services)
    "intake": LEAVES | {"db", "models", "records", "store"},
    "demo": LEAVES | {"db", "models", "records", "store"},
    "ops": LEAVES | {"db", "models", "store", "rules", "packs", "facts", "calendar"},
    "services": LEAVES
    | {"db", "models", "records", "store", "facts", "rules", "packs", "calendar", "intake", "auth", "ops"}
    | {"demo", "svgchart"},
    "cli": LEAVES | {"db", "services", "rules", "facts", "ops"},  # ops: `huiqi doctor` runs its checks itself
}
# pure units, and the services (which reach the database only through crm.store)
NO_SQLALCHEMY = ("crm.rules", "crm.facts", "crm.packs", "crm.services")
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
            elif name.startswith(NO_SQLALCHEMY) and target.split(".")[0] in (
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


SQL_BUILDERS = {"select", "insert", "update", "delete", "text"}
# session calls that run SQL (transaction boundaries such as a savepoint are the caller's business)
SESSION_SQL = {"exec", "execute", "add", "add_all", "flush", "delete", "get", "merge", "scalar", "scalars"}
SESSION_SQL |= {"query", "refresh", "connection"}
# the units whose reads and writes must all go through crm.store
THROUGH_STORE = ("services", "intake", "demo")


def sql_in(path: Path) -> list[str]:
    """Where a file builds SQL (select/insert/... from sqlalchemy or sqlmodel) or runs it on a session."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules, builders = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.split(".")[0] in _SQL_PACKAGES}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _SQL_PACKAGES:
            builders |= {a.asname or a.name for a in node.names if a.name in SQL_BUILDERS}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in builders:
            found.append(f"{path.name}:{node.lineno} {func.id}(")
        elif isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            if (
                owner in modules
                and func.attr in SQL_BUILDERS
                or func.attr in SESSION_SQL
                and _is_session(func.value)
            ):
                found.append(f"{path.name}:{node.lineno} {owner}.{func.attr}(")
    return found


_SQL_PACKAGES = ("sqlalchemy", "sqlmodel")


def _is_session(node: ast.expr) -> bool:
    """A session by its name (``session``, ``s``, ``db_session``...) or a ``session_scope()`` call."""
    if isinstance(node, ast.Call):
        node = node.func
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name == "s" or "session" in name.lower()


# --- the house -----------------------------------------------------------------------------------


def test_no_import_against_the_arrows() -> None:
    wrong = wrong_arrows(ROOT)
    assert not wrong, "imports the map in tests/test_architecture.py does not allow:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    found = cycles(ROOT)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_services_intake_and_demo_hold_no_sql() -> None:
    found = [
        f"{unit}/{hit}"
        for unit in THROUGH_STORE
        for path in sorted((ROOT / "crm" / unit).rglob("*.py"))
        for hit in sql_in(path)
    ]
    assert not found, "SQL outside crm.store (move it into a store module):\n" + "\n".join(found)


def test_importing_the_code_registers_no_sqlalchemy_listener() -> None:
    """Listeners are installed explicitly (an engine installs the write guard, the search index its
    change hook); importing every crm and ui module must register none."""
    script = f"""
import importlib, pkgutil, sys
import sqlalchemy.event as event

ours = ({str(ROOT / "crm")!r}, {str(ROOT / "ui")!r})
calls = []


def spy(real):
    def call(*args, **kwargs):
        where = sys._getframe(1).f_code.co_filename
        if where.startswith(ours):
            calls.append(f"{{where}}: {{args[1]}}")
        return real(*args, **kwargs)

    return call


event.listen, event.listens_for = spy(event.listen), spy(event.listens_for)
import crm, ui

for package in (crm, ui):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
print(calls)
"""
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", f"listeners registered on import: {run.stdout}"


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


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        ("from sqlmodel import select\n\ndef f(session):\n    return select(X)\n", "select("),
        ("import sqlalchemy as sa\n\ndef f():\n    return sa.update(t)\n", "sa.update("),
        ("def f(session):\n    session.add(x)\n", "session.add("),
        ("def f():\n    with session_scope() as s:\n        return s.exec(q).all()\n", "s.exec("),
        ("def f(self):\n    self.session.execute(q)\n", "self.session.execute("),
    ],
    ids=["sqlmodel select", "sa.update", "session.add", "with-bound s.exec", "attribute session"],
)
def test_planted_sql_in_a_service_is_reported(tmp_path: Path, planted: str, expected: str) -> None:
    root = _plant(tmp_path, {**HOUSE, "crm/services/match.py": planted})
    found = sql_in(root / "crm" / "services" / "match.py")
    assert any(hit.split(" ", 1)[1] == expected for hit in found), found
    assert sql_in(_plant(tmp_path / "clean", HOUSE) / "crm" / "services" / "match.py") == []


def test_a_planted_sqlalchemy_import_in_a_service_is_reported(tmp_path: Path) -> None:
    root = _plant(tmp_path, {**HOUSE, "crm/services/match.py": "from sqlmodel import Session\n"})
    assert "crm.services.match -> sqlmodel" in wrong_arrows(root)


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
