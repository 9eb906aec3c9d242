"""The persistent pool of pack-rendering processes: started on first use, stopped at exit, never outliving us.

Workers keep their imports, parsed templates and font faces between batches (spawning two fresh workers
costs seconds of imports and a cold first render every time). Each worker watches its parent and ends when
the parent is gone, however it ended (a killed server would otherwise leave ~190 MB per worker behind).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crm.config import Settings, override_settings

PARENT_CHECK_S = 1.0  # how often a worker looks whether its parent is still there

_pools: dict[tuple[int, Settings], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
_stopping_at_exit = False


def run_each(
    task: Callable[..., Any], ids: Sequence[int], args: tuple[Any, ...], *, workers: int, settings: Settings
) -> Iterator[tuple[int, Any]]:
    """(id, ``task(id, *args)`` or the reason it failed) as each finishes on the pool's worker processes."""
    pool = _pool(workers, settings)
    futures = {pool.submit(task, i, *args): i for i in ids}
    try:
        for future in as_completed(futures):
            yield futures[future], _outcome(future)
    finally:
        for future in futures:
            future.cancel()  # a batch abandoned half-way leaves no work queued in the shared pool


def shutdown_workers() -> None:
    """Stop the persistent pack workers (at exit, or when settings change in tests)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, settings: Settings) -> ProcessPoolExecutor:
    key = (workers, settings)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or getattr(pool, "_broken", False):
            _stop_at_exit()
            context = multiprocessing.get_context("spawn")  # no fork: the UI process runs threads
            pool = _pools[key] = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_start_worker, initargs=(settings, os.getpid())
            )
        return pool


def _stop_at_exit() -> None:
    """Stop the pools when the process ends: registered with the first pool, not at import."""
    global _stopping_at_exit
    if not _stopping_at_exit:
        atexit.register(shutdown_workers)
        _stopping_at_exit = True


def _outcome(future: Any) -> Any:
    try:
        return future.result()
    except (
        BrokenProcessPool
    ) as exc:  # a worker died (out of memory, killed): listed, next batch gets a new pool
        return f"BrokenProcessPool: {exc}"


# --- in the worker process ----------------------------------------------------------------------------


def _start_worker(settings: Settings, parent_pid: int) -> None:
    # a watcher thread rather than prctl(PR_SET_PDEATHSIG): that signal fires when the *thread* that spawned
    # the worker ends (a batch's job thread), not the parent process, and would kill the pool after each batch
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="parent watch", daemon=True).start()
    override_settings(settings)
    from crm.packs.render import get_renderer

    get_renderer()  # templates parsed once per worker


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)  # the parent is gone (killed, crashed): nobody will collect our work
