"""Background batch jobs (service packs for many enterprises), shared by the UI and the CLI.

A job runs on its own thread as the principal who started it and keeps its progress where any page,
or the command that started it, can read it. One job per officer at a time, kept per server process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from crm.auth import Principal, acting_as, current_principal, require
from crm.config import get_settings
from crm.errors import HuiqiError
from crm.i18n import register, t
from crm.paths import inside
from crm.services import packs

register({"jobs.running": ("已有批量任务在运行", "A batch is already running")})

log = logging.getLogger("huiqi.jobs")
BATCH_WORKERS = 2  # processes rendering packs (the machine's two cores)


class BatchRunning(HuiqiError):
    """The officer's previous batch is still running; nothing was started."""

    key = "jobs.running"


@dataclass(eq=False)
class BatchJob:
    """One officer's batch: progress written by the worker thread, read by whichever page shows it."""

    total: int
    principal: Principal
    done: int = 0
    current: str = ""
    running: bool = True
    result: packs.BatchResult | None = None
    error: str = ""
    started_at: datetime = field(default_factory=datetime.now)
    thread: threading.Thread | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def progress(self, done: int, total: int, name: str) -> None:
        self.done, self.total, self.current = done, total, name


JOBS: dict[str, BatchJob] = {}  # the latest batch of each officer (in this server process)
_lock = threading.Lock()


def latest(officer: str | None = None) -> BatchJob | None:
    """The latest batch of ``officer`` (default: the acting one), running or finished."""
    me = require("read")  # kept in memory: a page whose login ended must not read it
    return JOBS.get(officer or me.username)


def start_pack_batch(enterprise_ids: list[int], *, on: date | None = None) -> BatchJob:
    """Start packs for ``enterprise_ids`` on a thread, as the acting officer; the job outlives its page."""
    require("write")
    principal = current_principal()
    with _lock:
        running = JOBS.get(principal.username)
        if running is not None and running.running:
            raise BatchRunning()
        job = JOBS[principal.username] = BatchJob(len(enterprise_ids), principal)
    root = get_settings().packs_dir / "batches"
    out_dir = inside(root, f"{datetime.now():%Y%m%d-%H%M%S}-{principal.username}")
    job.thread = threading.Thread(
        target=_run,
        args=(job, enterprise_ids, out_dir, on),
        name=f"packs for {principal.username}",
        daemon=True,
    )
    job.thread.start()
    return job


def _run(job: BatchJob, ids: list[int], out_dir: Path, on: date | None) -> None:
    try:
        with acting_as(job.principal):
            job.result = packs.make_packs(ids, out_dir, on=on, workers=BATCH_WORKERS, progress=job.progress)
    except HuiqiError as exc:
        job.error = exc.message()
    except Exception as exc:
        log.exception("pack batch of %s stopped", job.principal.username)
        job.error = t("error.unexpected", kind=type(exc).__name__)  # the text stays in the log, not on screen
    finally:
        job.running = False
