"""The reasons classification gives: one English template per kind, the stored form.

Reasons are stored in English (``ALL_PARTNERS()``, ``DAYS_LEFT(days=9, deadline="2026-12-07")``),
so stored rows and the API keep one stable wording. :func:`read` takes a stored text back to its
kind and values (a pattern built from the same template): ``"code HS 851713 ~ 851713 (core)"``
reads as kind ``product`` with ``system``, ``code`` (as shown: ``8517.13``) and ``line`` (the
catalogue line matched, which :func:`nlp.hs_names.line_name` names). Wording them for a reader
("产品：智能手机（HS 8517.13）", "keyword: lithium-ion battery") is the message catalogue's job, where
they are shown (``alerts.reasons``); this package says no word to a reader. Text that fits no
template (human notes, older wordings) reads as None.

Templates take ``str.format`` fields without format specs; the code that makes a reason formats
numbers itself. ``FIELDS`` says what each field's value looks like in the English text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import cached_property

from nlp.hs_names import code_display

FIELDS = {
    "days": r"\d+",
    "deadline": r"\d{4}-\d{2}-\d{2}",
    "sectors": r"[A-Z]{2,6}(?:, [A-Z]{2,6})*",
    "system": r"HS|ICS",
    "code": r"[\d.]+",
    "line": r"[\d.]+",
    "strength": r"core|partial",
    "score": r"\d+\.\d+",
    "phrase": r".+",
}


@dataclass(frozen=True)
class Reason:
    kind: str  # what it says: the key of its wording where it is shown
    en: str  # stored form

    def __call__(self, **values) -> str:
        """The reason as stored: the English template filled with ``values``."""
        return self.en.format(**values)

    @cached_property
    def pattern(self) -> re.Pattern:
        parts = []
        for literal, name, spec, _ in string.Formatter().parse(self.en):
            if spec:
                raise ValueError(f"format spec in reason template {self.en!r}: format the value instead")
            parts.append(re.escape(literal))
            if name is not None:
                parts.append(f"(?P<{name}>{FIELDS[name]})")
        return re.compile("".join(parts))


@dataclass(frozen=True)
class ReadReason:
    """A stored reason taken apart: its kind and the values it holds."""

    kind: str
    values: dict[str, str] = field(default_factory=dict)


# Urgency (nlp.urgency)
WITHDRAWN = Reason("withdrawn", "measure withdrawn")
ADOPTED = Reason("adopted", "measure adopted or in force: compliance needed")
DRAFT = Reason("draft", "draft measure")
COMMENT_PERIOD_CHANGED = Reason("comment_period_changed", "comment period changed")
EMERGENCY = Reason("emergency", "emergency measure, already applied")
NO_DEADLINE = Reason("no_deadline", "no comment deadline given")
DEADLINE_PASSED = Reason("deadline_passed", "comment deadline passed {days} days ago")
DAYS_LEFT = Reason("days_left", "{days} days left to comment (deadline {deadline})")
CHINA_NOT_AFFECTED = Reason("china_not_affected", "China is not among the affected countries")
ALL_PARTNERS = Reason("all_partners", "all trading partners affected")
NO_SECTOR = Reason("no_sector", "no catalogue sector affected")
SECTORS = Reason("sectors", "sectors: {sectors}")
# Sector tags (nlp.classifier): a code reads as one of CODE_KINDS, by system and strength
CODE = Reason("code", "code {system} {code} ~ {line} ({strength})")
PHRASE = Reason("keyword", "phrase '{phrase}'")
MODEL = Reason("model", "model {score}")
CODE_KINDS = {
    ("HS", "core"): "product",
    ("HS", "partial"): "product_partly",
    ("ICS", "core"): "standards_field",
    ("ICS", "partial"): "standards_field_partly",
}

TEMPLATES = tuple(value for value in tuple(globals().values()) if isinstance(value, Reason))
KINDS = tuple(r.kind for r in TEMPLATES if r is not CODE) + tuple(CODE_KINDS.values())


def read(text: str) -> ReadReason | None:
    """The kind and values of ``text``, a stored reason; None for text that fits no template.
    A code reason's ``code`` is the code as shown, or the line it touched where that is
    narrower (chapter 85 against line 8517 shows as 8517)."""
    for reason in TEMPLATES:
        match = reason.pattern.fullmatch(text)
        if match:
            values = match.groupdict()
            if reason is CODE:
                system, line = values["system"], values["line"]
                values["code"] = code_display(system, max(values["code"], line, key=len))
                return ReadReason(CODE_KINDS[(system, values.pop("strength"))], values)
            return ReadReason(reason.kind, values)
    return None
