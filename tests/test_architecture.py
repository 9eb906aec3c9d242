"""Dependencies point one way: ui -> crm.services -> the rest. crm never imports nicegui or ui,
and crm.rules knows nothing of the database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


FORBIDDEN = [
    ("crm", ("nicegui", "ui")),
    ("crm/rules", ("sqlmodel", "sqlalchemy", "crm.models", "crm.db", "crm.store", "crm.services")),
    ("crm/packs", ("sqlmodel", "sqlalchemy", "crm.models", "crm.db", "crm.store")),
]


@pytest.mark.parametrize(("package", "banned"), FORBIDDEN, ids=[p for p, _ in FORBIDDEN])
def test_no_import_against_the_arrows(package: str, banned: tuple[str, ...]) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files(package)
        for name in sorted(imports_of(path))
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]
    assert not wrong, "\n".join(wrong)


def test_ui_reaches_crm_only_through_services_and_plain_modules() -> None:
    allowed = ("crm.services", "crm.i18n", "crm.domain", "crm.fields", "crm.config")
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files("ui")
        for name in sorted(imports_of(path))
        if name.startswith("crm.") and not name.startswith(allowed)
    ]
    assert not wrong, "\n".join(wrong)


def test_ui_never_rebinds_nicegui_ui() -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for path in files("ui")
        if any(name == "ui" or name.startswith("ui.") for name in _plain_imports(path))
    ]
    assert not wrong, "use `from ui.x import y` inside ui/, never `import ui.x`: " + ", ".join(wrong)


def _plain_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}


def test_the_architecture_test_catches_a_wrong_arrow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from nicegui import ui\nimport sqlmodel\n", encoding="utf-8")
    assert {"nicegui", "sqlmodel"} <= imports_of(bad)
