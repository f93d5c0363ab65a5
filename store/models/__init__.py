"""SQLModel tables of tbtwatch, one module per concern; importing this registers them all.

Surrogate primary keys are typed ``id: int`` with ``default=None``: the database assigns them at
the first flush, and no code reads an id before that, so the type says what every reader sees.
"""

from store.models.accounts import ROLES, ApiToken, AuditEntry, User, UserCreate, UserPublic
from store.models.alerts import (
    DELIVERY_STATUSES,
    FREQUENCIES,
    SUBSCRIPTION_PURPOSES,
    THREAD_CHOICES,
    WEEKDAYS,
    Alert,
    Delivery,
    DeliveryAttempt,
    Subscription,
    SubscriptionCreate,
    SubscriptionPublic,
    ThreadChoice,
)
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
    HS_ORIGINS,
    TAG_ORIGINS,
    URGENCY_LEVELS,
    CatalogueEdition,
    HsTag,
    ItemClassification,
    SectorTag,
)
from store.models.triage import TRIAGE_STATUSES, Triage, TriageNote

__all__ = [
    "CHANGE_KINDS",
    "DELIVERY_STATUSES",
    "FREQUENCIES",
    "HS_ORIGINS",
    "ITEM_KINDS",
    "REPORT_STATUSES",
    "ROLES",
    "RUN_STATUSES",
    "SUBSCRIPTION_PURPOSES",
    "SYMBOL_KINDS",
    "TAG_ORIGINS",
    "THREAD_CHOICES",
    "TRIAGE_STATUSES",
    "URGENCY_LEVELS",
    "WEEKDAYS",
    "Alert",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "CatalogueEdition",
    "CrawlRun",
    "Delivery",
    "DeliveryAttempt",
    "HsTag",
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
    "ThreadChoice",
    "Triage",
    "TriageNote",
    "User",
    "UserCreate",
    "UserPublic",
]
