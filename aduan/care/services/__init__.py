"""Care services: one module per procedure of seed 004 (and seed 002's special action).

Each public function is one transaction, like the ticket services: it checks who may do it,
changes the rows, writes the timeline entry and the audit entry, or raises an
``ApplicationError`` and changes nothing.
"""
