"""Every text the pages show exists in Chinese and English."""

import re
from pathlib import Path

from service.web.i18n import messages
from store.models import (
    DELIVERY_STATUSES,
    FREQUENCIES,
    ITEM_KINDS,
    REPORT_STATUSES,
    ROLES,
    RUN_STATUSES,
    SYMBOL_KINDS,
    TAG_ORIGINS,
    TRIAGE_STATUSES,
    URGENCY_LEVELS,
    WEEKDAYS,
)
from store.queries.search import SORTS

WEB = Path(__file__).resolve().parents[2] / "service" / "web"
ENUMERATED = {
    "status_": TRIAGE_STATUSES,
    "urgency_": URGENCY_LEVELS,
    "kind_": ITEM_KINDS,
    "role_": ROLES,
    "report_": REPORT_STATUSES,
    "frequency_": FREQUENCIES,
    "run_": RUN_STATUSES,
    "delivery_": DELIVERY_STATUSES,
    "origin_": TAG_ORIGINS,
    "symbol_kind_": SYMBOL_KINDS,
    "sort_": SORTS,
    "weekday_": WEEKDAYS,
}


def test_every_message_is_bilingual():
    assert all(set(entry) == {"zh", "en"} and all(entry.values()) for entry in messages().values())


def test_every_key_the_pages_use_exists():
    used = set()
    for template in WEB.glob("templates/**/*.html"):
        used |= set(re.findall(r"\bt\('([a-z0-9_]+)'\)", template.read_text(encoding="utf-8")))
    for module in WEB.glob("*.py"):
        used |= {f"done_{key}" for key in re.findall(r"done=([a-z_]+)", module.read_text(encoding="utf-8"))}
        used |= set(re.findall(r'"error": "([a-z_]+)"', module.read_text(encoding="utf-8")))
    for prefix, values in ENUMERATED.items():
        used |= {prefix + value for value in values}
    missing = sorted(used - set(messages()) - {"done_report_"})
    assert missing == []
