"""Slow work off the event loop, done as the officer who asked for it.

``run.io_bound`` runs its callable on a worker thread, where neither the browser session nor the
principal's context variable reaches: in server mode a pack, a re-match or an import would act as nobody.
``io_bound`` takes the principal on the event loop and hands it to the thread explicitly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run

from crm.services.auth import Principal, acting_as, current_principal

R = TypeVar("R")


async def io_bound(fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    """``fn(*args, **kwargs)`` on a worker thread, acting as the signed-in officer of this page."""
    principal = current_principal()  # refuses here, on the page, when nobody is signed in
    boxed = await run.io_bound(_acting, principal, fn, args, kwargs)
    if boxed is None:  # NiceGUI returns None when the app is shutting down (4.0 will raise instead)
        raise asyncio.CancelledError
    return boxed[0]


def _acting(principal: Principal, fn: Callable[..., R], args: tuple, kwargs: dict[str, Any]) -> tuple[R]:
    with acting_as(principal):
        return (fn(*args, **kwargs),)
