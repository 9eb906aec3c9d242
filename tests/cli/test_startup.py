"""Light commands load no heavy module they do not use (NiceGUI, WeasyPrint, numpy, alembic, rich), and the
start-up's schema check (without alembic) agrees with alembic about the newest migration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import sys\nsys.argv = ['huiqi', *sys.argv[1:]]\nfrom ui.cli import main\ntry:\n    main()\n"
    "except SystemExit:\n    pass\n"
    "print('HEAVY:' + ' '.join(sorted(m for m in ('nicegui', 'weasyprint', 'numpy', 'alembic', 'rich') if m in sys.modules)))\n"
)


@pytest.mark.parametrize(
    "command",
    [["--help"], ["rules", "check"], ["match", "--profile", "policy_rules/examples/profile.yaml", "--json"]],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_light_command_loads_no_heavy_module(command: list[str], tmp_path: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT), "HUIQI_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "HEAVY:", done.stderr
    if command == ["--help"]:  # the help option speaks both languages too
        assert "--help  显示本帮助并退出 (show this help and exit)" in done.stdout


def test_the_schema_check_finds_the_same_head_as_alembic() -> None:
    from alembic.script import ScriptDirectory

    from crm import db

    assert db.head_revision() == ScriptDirectory(str(db.MIGRATIONS_DIR)).get_current_head()
