"""Small reusable widgets (forms, tables of child records, tabs of the enterprise page); pages arrange them.

May import nicegui, ui.format, ui.i18n_ui, ui.theme and crm.services (plus the plain vocabulary modules
crm.domain, crm.i18n, crm.records.fields, crm.config, crm.errors); never another crm package.
"""
