"""SQLModel tables of tbtwatch, one module per concern; importing this registers them all."""

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
    "ROLES", "ApiToken", "AuditEntry", "User", "UserCreate", "UserPublic",
    "DELIVERY_STATUSES", "FREQUENCIES", "WEEKDAYS", "Alert", "Delivery", "DeliveryAttempt",
    "Subscription", "SubscriptionCreate", "SubscriptionPublic",
    "CHANGE_KINDS", "ITEM_KINDS", "REPORT_STATUSES", "SYMBOL_KINDS", "Attachment",
    "IntelligenceReport", "IntelligenceReportCreate", "IntelligenceReportPublic", "ItemRevision",
    "Notification", "NotificationCreate", "NotificationPublic", "StandardsChange",
    "StandardsChangePublic", "Member", "MemberSpelling", "RUN_STATUSES", "CrawlRun", "Source",
    "TAG_ORIGINS", "URGENCY_LEVELS", "CatalogueEdition", "ItemClassification", "SectorTag",
    "TRIAGE_STATUSES", "Triage", "TriageNote",
]
