"""One module per page. A page module exposes either

* ``create()`` — registers its own ``@ui.page`` routes (each wrapped in ``with frame(...)``), or
* ``content()`` — builds the body of its navigation entry; ``ui.main`` wraps it in the frame.

``ui.main`` lists them. Pages may import nicegui, ui.components and the other ui modules, crm.services and
the plain vocabulary modules (crm.domain, crm.i18n, crm.records.fields, crm.config, crm.errors).
"""
