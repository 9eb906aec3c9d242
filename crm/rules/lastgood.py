"""The last version of each rule file that loaded, kept so that a broken edit never removes or changes a policy.

When every file of a policy (all its dated versions) loads, their texts are copied unchanged into
``<data dir>/rules-last-good/<rules dir key>/<policy id>/``. When a file of that policy is later broken, the
loader compiles these copies instead and reports the file's error beside them. The copy lives on disk because
every ``huiqi`` command is a new process; a copy that cannot be written (read-only data dir) is kept in
memory for the running process only.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

FOLDER = "rules-last-good"


class LastGood:
    """The last loaded files of each policy (all its dated versions) of one rules directory."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._memory: dict[str, dict[str, str]] = {}

    @classmethod
    def for_dir(cls, data_dir: Path, rules_dir: Path) -> LastGood:
        """The store of ``rules_dir`` (two rules directories never share copies)."""
        key = hashlib.sha256(str(Path(rules_dir).resolve()).encode()).hexdigest()[:12]
        return cls(Path(data_dir) / FOLDER / key)

    def files(self, policy_id: str) -> dict[str, str]:
        """File name -> text of the policy's files when it last loaded (empty: it never did)."""
        if policy_id in self._memory:
            return dict(self._memory[policy_id])
        folder = self._folder(policy_id)
        try:
            found = sorted(folder.glob("*.yaml")) if folder is not None else []
            return {path.name: path.read_text(encoding="utf-8") for path in found}
        except OSError:
            return {}

    def saved_at(self, policy_id: str) -> datetime | None:
        """When the policy's kept files were written (None: nothing on disk)."""
        folder = self._folder(policy_id)
        try:
            return datetime.fromtimestamp(folder.stat().st_mtime) if folder is not None else None
        except OSError:
            return None

    def keep(self, policy_id: str, files: dict[str, str]) -> None:
        """Remember ``files`` as the policy's last good files (the folder is rewritten when they changed)."""
        self._memory[policy_id] = dict(files)
        folder = self._folder(policy_id)
        if folder is None:
            return
        try:
            if self._on_disk(folder) == files:
                return
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                tmp = folder / f".{name}.{os.getpid()}.tmp"
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, folder / name)
            for stale in folder.glob("*.yaml"):
                if stale.name not in files:
                    stale.unlink()
            os.utime(folder)
        except OSError:
            return  # kept in memory: this process still falls back; the next one reads the files again

    @staticmethod
    def _on_disk(folder: Path) -> dict[str, str]:
        if not folder.is_dir():
            return {}
        return {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.yaml")}

    def _folder(self, policy_id: str) -> Path | None:
        if self.folder is None or not policy_id or any(c in policy_id for c in "/\\."):
            return None
        return self.folder / policy_id
