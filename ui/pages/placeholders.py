"""What a navigation entry shows until its feature lands: what will come there, not an error."""

from __future__ import annotations

from nicegui import ui

from ui.i18n_ui import tr


def coming_soon(key: str) -> None:
    """The body of a page that is not built yet (``key`` is its navigation key)."""
    with ui.card().classes("max-w-xl").mark("coming-soon"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("construction", color="primary")
            ui.label(tr("ui.soon.title")).classes("text-subtitle1")
        ui.label(tr(f"ui.soon.{key}"))
