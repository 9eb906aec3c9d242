"""Huiqi's NiceGUI user interface: the frame (theme), one module per page, small components.

Inside this package write ``from nicegui import ui`` and import our modules with ``from ui.x import y``;
never ``import ui.x`` (it would rebind NiceGUI's ``ui``).
"""
