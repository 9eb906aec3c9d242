"""One module per page. A page module exposes either

* ``create()`` — registers its own ``@ui.page`` routes (each wrapped in ``with frame(...)``), or
* ``content()`` — builds the body of its navigation entry; ``ui.main`` wraps it in the frame.

``ui.main`` imports each module guarded, so a helper adds a page by dropping its module here.
"""
