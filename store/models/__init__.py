"""SQLModel tables of tbtwatch, one module per concern; importing this registers them all.

Surrogate primary keys are typed ``id: int`` with ``default=None``: the database assigns them at
the first flush, and no code reads an id before that, so the type says what every reader sees.
"""

from store.models.accounts import ROLES, ApiToken, AuditEntry, User, UserCreate, UserPublic
from store.models.alerts import (
    DELIVERY_STATUSES,
    FREQUENCIES,
    WEEKDAYS,
    Alert,
    Delivery,
    DeliveryAttempt,
    Subscription,
    SubscriptionCreate,
    SubscriptionPublic,
)
from store.models.feedback import FEEDBACK_REASONS, VERDICTS, AlertFeedback, TrainingRun, UsedLink
from store.models.items import (
    CHANGE_KINDS,
    ITEM_KINDS,
    REPORT_STATUSES,
    SYMBOL_KINDS,
    Attachment,
    IntelligenceReport,
    IntelligenceReportCreate,
    IntelligenceReportPublic,
    ItemRevision,
    Notification,
    NotificationCreate,
    NotificationPublic,
    StandardsChange,
    StandardsChangePublic,
)
from store.models.members import Member, MemberSpelling
from store.models.sources import RUN_STATUSES, CrawlRun, Source
from store.models.tags import (
    TAG_ORIGINS,
    URGENCY_LEVELS,
    CatalogueEdition,
    ItemClassification,
    SectorTag,
)
from store.models.triage import TRIAGE_STATUSES, Triage, TriageNote

__all__ = [
    "CHANGE_KINDS",
    "DELIVERY_STATUSES",
    "FEEDBACK_REASONS",
    "FREQUENCIES",
    "ITEM_KINDS",
    "REPORT_STATUSES",
    "ROLES",
    "RUN_STATUSES",
    "SYMBOL_KINDS",
    "TAG_ORIGINS",
    "TRIAGE_STATUSES",
    "URGENCY_LEVELS",
    "VERDICTS",
    "WEEKDAYS",
    "Alert",
    "AlertFeedback",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "CatalogueEdition",
    "CrawlRun",
    "Delivery",
    "DeliveryAttempt",
    "IntelligenceReport",
    "IntelligenceReportCreate",
    "IntelligenceReportPublic",
    "ItemClassification",
    "ItemRevision",
    "Member",
    "MemberSpelling",
    "Notification",
    "NotificationCreate",
    "NotificationPublic",
    "SectorTag",
    "Source",
    "StandardsChange",
    "StandardsChangePublic",
    "Subscription",
    "SubscriptionCreate",
    "SubscriptionPublic",
    "TrainingRun",
    "Triage",
    "TriageNote",
    "UsedLink",
    "User",
    "UserCreate",
    "UserPublic",
]
