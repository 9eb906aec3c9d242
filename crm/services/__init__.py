"""Use-cases the UI and the CLI call; each opens its own session and combines the pieces below it.

One module per area (enterprises, matching, packs, pipeline, deadlines, radar, dashboard, intake, audit,
auth, backup, demo, search, saved filters, report). Services check the acting principal, compose store
calls, the rules engine, packs, intake and the calendar, and hold no SQL of their own. May import any
crm package except crm.cli; never nicegui or ui, never sqlalchemy or sqlmodel (the ``Session`` type
comes from crm.store).
"""
