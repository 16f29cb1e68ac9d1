"""The rules of the app, as functions over the models.

Domain functions take keyword-only arguments with an explicit ``actor``, check what matters,
change models, write the audit entry, queue mail, ``flush()`` and return. They never commit
and never read the request: the caller (a view, the CLI, the worker, a test) owns the
transaction, so a failure rolls back the change and its mail together.
"""
