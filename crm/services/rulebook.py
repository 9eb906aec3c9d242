"""The rule set in force, for admins: its status (each broken file and what runs instead) and reloading it."""

from __future__ import annotations

from typing import Any

from crm.auth import require
from crm.rules import loader


def rules_status() -> dict[str, Any]:
    """Hash, load time and the problems of the last reload: each broken file with its line and reason, and
    whether its policy runs on its last good version (``kept``) or is missing (shown on the 政策 page)."""
    ruleset = loader.current()
    return {
        "hash": ruleset.hash,
        "loaded_at": ruleset.loaded_at,
        "policies": len(ruleset.policies),
        "errors": loader.problems(),
    }


def reload_rules() -> dict[str, Any]:
    """Re-read the rule files in the running app (admins); a broken file keeps its policy's last good
    version. Returns the new status."""
    require("admin")
    loader.reload()
    return rules_status()
