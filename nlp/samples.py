"""The sample notifications: 212 real WTO TBT/SPS notifications as WTO and national enquiry points
published them (English, Chinese, Spanish and others), each labelled by hand with the catalogue
sectors of ``nlp/catalogue/SECTORS.md``.

This is the one copy in the repository. The model learns from it (``nlp.training``), evaluation
and benchmarks use it as gold, tests build their data from it, and ``tbtwatch import --sample``
loads it so that a newcomer without network access can try everything. Its schema is the JSON
Lines interchange format (``store.interchange``): ``id``, ``symbol``, ``all_symbols``,
``committee``, ``member``, ``notification_type``, ``distribution_date``, ``comment_deadline``,
``title``, ``description``, ``products_text``, ``hs_codes``, ``ics_codes``, ``objectives``,
``language``, ``source_url`` and ``sectors`` (the gold tags; empty = no catalogue sector).
"""

import json
from pathlib import Path

SAMPLE_NOTIFICATIONS = Path(__file__).parent / "data" / "sample_notifications.jsonl"
UNSEEN_NOTIFICATIONS = Path(__file__).parent / "data" / "unseen_notifications.jsonl"


def sample_records() -> list[dict]:
    """Every sample notification, in file order."""
    return _read(SAMPLE_NOTIFICATIONS)


def unseen_records() -> list[dict]:
    """Real notifications that are not among the samples, in the same schema, labelled by hand
    before the tagger was run on them (``nlp/data/README.md``). Evaluation only: nothing learns
    from them, so they measure how the tagger does on notifications it has never seen."""
    return _read(UNSEEN_NOTIFICATIONS)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
