"""Ask before a destructive action."""

from __future__ import annotations

from nicegui import ui

from ui.i18n_ui import tr


async def confirm(question: str, *, ok: str | None = None) -> bool:
    """Show ``question`` with confirm/cancel buttons; True when the officer confirmed."""
    with ui.dialog() as dialog, ui.card():
        ui.label(question).mark("confirm-question")
        with ui.row().classes("w-full justify-end"):
            ui.button(tr("common.cancel"), on_click=lambda: dialog.submit(False)).props("flat").mark(
                "confirm-no"
            )
            ui.button(ok or tr("common.confirm"), on_click=lambda: dialog.submit(True)).props(
                "unelevated color=negative"
            ).mark("confirm-yes")
    answer = await dialog
    dialog.delete()
    return bool(answer)
