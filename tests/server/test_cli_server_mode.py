"""The command line on a server: data commands run as the command-line admin, the UI commands as nobody."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from crm import cli
from crm.auth import current_principal
from crm.services.auth import NotSignedIn


def test_an_export_at_the_servers_shell_runs_as_the_command_line_admin(
    accounts: dict, tmp_path: Path
) -> None:
    out = tmp_path / "企业名单.xlsx"
    result = CliRunner().invoke(cli.app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


@pytest.mark.parametrize("command", ["serve", "app"])
def test_the_ui_commands_run_as_nobody_so_their_requests_inherit_no_principal(
    accounts: dict, command: str
) -> None:
    with (
        cli._as_the_operator(SimpleNamespace(_protected_args=[command], args=[])),
        pytest.raises(NotSignedIn),
    ):
        current_principal()
