"""What changed, for follow-ups: an addendum, revision or corrigendum of a notification a
subscriber was alerted about, or a later version of the same item (an ``ItemRevision``).

A change is a small JSON-able dict ``{"what": ..., "old": ..., "new": ...}``; ``what`` is one of
:data:`CHANGE_KINDS`, which the templates translate.
"""

import re

from store.models import ItemRevision
from store.queries.alerts import AlertItem

CHANGE_KINDS = (
    "comment_deadline",
    "adopted",
    "withdrawn",
    "entry_into_force",
    "title",
    "addendum",
    "revision",
    "corrigendum",
    "supplement",
    "updated",
)
_WITHDRAWN = re.compile(r"\bwithdr[ae]wn?\b|\bwithdrawal\b|撤回|撤销|废止|retir[ée]|retirad[oa]", re.IGNORECASE)
_ADOPTED = re.compile(r"\badopted\b|\badoption\b|已通过|批准|采纳|adopt[ée]|adoptad[oa]", re.IGNORECASE)
_IN_FORCE = re.compile(r"\bentr(y|ed) into force\b|\bin force\b|生效|entr[ée]e? en vigueur", re.IGNORECASE)
# Fields of an item whose change is worth telling a subscriber about, in the order told.
_REVISION_FIELDS = {
    "comment_deadline": "comment_deadline",
    "entry_into_force_date": "entry_into_force",
    "effective_date": "entry_into_force",
    "title": "title",
}


def addendum_changes(item: AlertItem, original: AlertItem | None) -> list[dict]:
    """What a later document of a notification's thread says, against the one alerted."""
    changes = []
    old_deadline = original.comment_deadline if original else None
    if item.comment_deadline and item.comment_deadline != old_deadline:
        changes.append({"what": "comment_deadline", "old": _iso(old_deadline), "new": _iso(item.comment_deadline)})
    text = item.text()
    if item.status == "withdrawn" or _WITHDRAWN.search(text):
        changes.append({"what": "withdrawn"})
    elif _ADOPTED.search(text):
        changes.append({"what": "adopted"})
    if _IN_FORCE.search(text) and not any(c["what"] == "withdrawn" for c in changes):
        changes.append({"what": "entry_into_force"})
    if not changes:
        changes.append({"what": item.symbol_kind if item.symbol_kind in CHANGE_KINDS else "updated"})
    return changes


def revision_changes(revision: ItemRevision) -> list[dict]:
    """The changes of an item's new version worth a follow-up; empty when none is."""
    changes = []
    for field, what in _REVISION_FIELDS.items():
        if field in revision.changes:
            old, new = revision.changes[field]
            changes.append({"what": what, "old": old, "new": new})
    kind = revision.changes.get("kind")
    if kind and kind[1] == "withdrawn":
        changes.append({"what": "withdrawn"})
    return changes


def _iso(value) -> str | None:
    return value.isoformat() if value else None
