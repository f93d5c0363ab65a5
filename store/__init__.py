"""The one database: SQLModel tables (``store.models``), the engine and settings, Alembic
migrations, query functions (``store.queries``), and the rules that guard what is written
(refusals, the triage workflow).

Not here: network access, classification, rendering. Imports no other package of ours.
"""
