"""Pack worker processes end with the process that started them, even when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import time
from crm import config
from crm.services import pack_pool

pool = pack_pool._pool(1, config.load_settings())
pool.submit(abs, -1).result()  # the worker is up (and warmed)
print(*pool._processes, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its new parent to reap it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}


def test_a_killed_parent_takes_its_pack_workers_with_it() -> None:
    command = [sys.executable, "-c", PARENT]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as parent:
        try:
            assert parent.stdout is not None
            [worker] = [int(pid) for pid in parent.stdout.readline().split()]
            assert _alive(worker)
        finally:
            parent.send_signal(
                signal.SIGKILL
            )  # no atexit, no pool shutdown: only the worker's own watch helps
    deadline = time.monotonic() + 30  # the worker looks once a second; this only bounds a failing run
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(worker):
        os.kill(worker, signal.SIGKILL)  # leave no stray process behind a failing run
        raise AssertionError("the pack worker outlived its killed parent")
