"""Huiqi's NiceGUI user interface: the frame (theme), one module per page, small components.

Inside this package write ``from nicegui import ui`` and import our modules with ``from ui.x import y``;
never ``import ui.x`` (it would rebind NiceGUI's ``ui``). May import crm only through crm.services and
the plain vocabulary modules (crm.domain, crm.i18n, crm.records.fields, crm.config, crm.errors).
"""
