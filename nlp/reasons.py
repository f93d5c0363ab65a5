"""The reasons classification gives, each shape defined once in English and Chinese.

Reasons are stored in English (``ALL_PARTNERS()``, ``DAYS_LEFT(days=9, deadline="2026-12-07")``),
so stored rows and the API keep one stable wording. Readers get them in their language through
:func:`localise`, which matches a stored text back to its template, with a pattern built from
the same English template, and fills the Chinese one with the values it read. Text that fits no
template (human notes, older wordings) comes back unchanged.

Templates take ``str.format`` fields without format specs; the code that makes a reason formats
numbers itself. ``FIELDS`` says what each field's value looks like in the English text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cached_property

from nlp.catalogue import DEFAULT_EDITION, load_edition

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
STRENGTHS_ZH = {"core": "核心", "partial": "部分"}


@dataclass(frozen=True)
class Reason:
    en: str
    zh: str

    def __call__(self, **values) -> str:
        """The reason as stored: the English template filled with ``values``."""
        return self.en.format(**values)

    @cached_property
    def pattern(self) -> re.Pattern:
        parts = []
        for literal, field, spec, _ in string.Formatter().parse(self.en):
            if spec:
                raise ValueError(f"format spec in reason template {self.en!r}: format the value instead")
            parts.append(re.escape(literal))
            if field is not None:
                parts.append(f"(?P<{field}>{FIELDS[field]})")
        return re.compile("".join(parts))


# Urgency (nlp.urgency)
WITHDRAWN = Reason("measure withdrawn", "措施已撤回")
ADOPTED = Reason("measure adopted or in force: compliance needed", "措施已通过或已生效，须满足其要求")
DRAFT = Reason("draft measure", "措施草案")
COMMENT_PERIOD_CHANGED = Reason("comment period changed", "评议期变更")
EMERGENCY = Reason("emergency measure, already applied", "紧急措施，已实施")
NO_DEADLINE = Reason("no comment deadline given", "未列明评议截止日期")
DEADLINE_PASSED = Reason("comment deadline passed {days} days ago", "评议截止日期已过 {days} 天")
DAYS_LEFT = Reason("{days} days left to comment (deadline {deadline})", "距评议截止还有 {days} 天（{deadline}）")
CHINA_NOT_AFFECTED = Reason("China is not among the affected countries", "中国不在受影响国家之列")
ALL_PARTNERS = Reason("all trading partners affected", "影响所有贸易伙伴")
NO_SECTOR = Reason("no catalogue sector affected", "未涉及目录领域")
SECTORS = Reason("sectors: {sectors}", "涉及领域：{sectors}")
# Sector tags (nlp.classifier)
CODE = Reason("code {system} {code} ~ {line} ({strength})", "编码 {system} {code} 对应目录 {line}（{strength}）")
PHRASE = Reason("phrase '{phrase}'", "关键词“{phrase}”")
MODEL = Reason("model {score}", "模型 {score}")

TEMPLATES = tuple(value for value in tuple(globals().values()) if isinstance(value, Reason))


def localise(text: str, language: str, edition: str | None = None) -> str:
    """``text``, a stored reason, in ``language`` ("zh" or "en"); sector codes in it are named
    after ``edition`` of the catalogue (else the default one) when it has them."""
    if language != "zh":
        return text
    for reason in TEMPLATES:
        match = reason.pattern.fullmatch(text)
        if match:
            values = match.groupdict()
            if "strength" in values:
                values["strength"] = STRENGTHS_ZH[values["strength"]]
            if "sectors" in values:
                values["sectors"] = "、".join(_sector_name_zh(code, edition) for code in values["sectors"].split(", "))
            return reason.zh.format(**values)
    return text


def _sector_name_zh(code: str, edition: str | None) -> str:
    for name in (edition or DEFAULT_EDITION, DEFAULT_EDITION):
        try:
            return load_edition(name).sector(code).name_zh
        except KeyError:
            continue
    return code
