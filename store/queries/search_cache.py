"""What a process remembers of recent searches: pages of hits for :data:`CACHE_SECONDS` and
counts of matches for :data:`COUNT_SECONDS`, so that the searches many people make (电池, toys,
page 1) do not read and count the same matches again. A count is the dearest part of a search
(up to 1,000 matches read from the table) and one shows as "about" to nobody: a total some
minutes old is good enough, while a page must show what is there now.

A write through this process to a table that search reads (items, their tags) forgets
everything at once: every statement the process's engines run is looked at after it runs
(a write or schema change naming one of :data:`SEARCHED_TABLES`); so does the rollback of a
transaction that wrote (a search in it may have been remembered meanwhile).
What other processes write (crawls, workers classifying) shows in pages after at most
:data:`CACHE_SECONDS` (in totals after :data:`COUNT_SECONDS`), as a revoked API token does (store.queries.users). A search that ran
while something was written is not remembered. Entries are keyed by database URL too, so
engines on different databases never share one.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from sqlalchemy import Engine, event

CACHE_SECONDS = 30.0
COUNT_SECONDS = 300.0  # what store.queries.search remembers counts for
MAX_ENTRIES = 4096  # per kind of entry; the oldest used goes first
SEARCHED_TABLES = ("notification", "standards_change", "intelligence_report", "hs_tag", "sector_tag")
_WRITES = ("INSERT", "UPDATE", "DELETE", "COPY", "TRUNCA", "DROP", "CREATE", "ALTER")

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
_generation = 0


def generation() -> int:
    """Changes whenever this process writes something search reads: take it before a search,
    hand it to :func:`remember` after."""
    return _generation


def recall(key: Hashable) -> object | None:
    """What was remembered under ``key`` and has not expired, or None."""
    with _lock:
        hit = _entries.get(key)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return hit[1]


def remember(key: Hashable, value: object, since: int, seconds: float = CACHE_SECONDS) -> None:
    """Remember ``value`` under ``key`` for ``seconds``, unless something was written since
    generation ``since``."""
    with _lock:
        if since != _generation:
            return
        _entries[key] = (time.monotonic() + seconds, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def forget() -> None:
    global _generation
    with _lock:
        _generation += 1
        _entries.clear()


@event.listens_for(Engine, "after_cursor_execute")
def _forget_after_writes(connection, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    head = statement.lstrip()[:6].upper()
    if head.startswith(_WRITES) and any(table in statement for table in SEARCHED_TABLES):
        connection.info["search_wrote"] = True
        forget()


@event.listens_for(Engine, "commit")
def _written(connection) -> None:
    connection.info.pop("search_wrote", None)


@event.listens_for(Engine, "rollback")
def _forget_after_rollbacks(connection) -> None:
    """What was remembered after a write that is now undone showed that write."""
    if connection.info.pop("search_wrote", None):
        forget()
