"""The sources every deployment has (each a spider of the same name), apart from the tables so
that a quick command can name them without importing the ORM."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltinSource:
    name: str
    title: str
    interval_minutes: int
    body: str | None = None


BUILTIN_SOURCES = (
    BuiltinSource("wto_eping_api", "WTO ePing API (TBT and SPS notifications)", 120, "WTO"),
    BuiltinSource("wto_eping_bulk", "WTO ePing bulk workbook (every notification since 1995)", 1440, "WTO"),
    BuiltinSource("wto_eping_latest", "WTO ePing latest notifications (no key)", 60, "WTO"),
    BuiltinSource("iso_open_data", "ISO open data: deliverables metadata", 1440, "ISO"),
    BuiltinSource("us_federal_register", "US Federal Register: rules and proposed rules", 360, "US Federal Register"),
    BuiltinSource(
        "us_federal_register_inspection",
        "US Federal Register public inspection: rules before publication",
        60,
        "US Federal Register",
    ),
    BuiltinSource("eu_eurlex_oj", "EUR-Lex Official Journal (L and C series)", 360, "EU Official Journal"),
)
