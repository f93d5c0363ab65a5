"""The reasons classification gives, each shape defined once in English and Chinese.

Reasons are stored in English (``ALL_PARTNERS()``, ``DAYS_LEFT(days=9, deadline="2026-12-07")``),
so stored rows and the API keep one stable wording. Readers get them in their language, in plain
words, through :func:`localise`, which matches a stored text back to its template, with a pattern
built from the same English template, and fills the reader's template (``zh``, or ``shown`` for
English when the stored form is terse) with the values it read. A sector tag's code reason is
stored as "code HS 851713 ~ 851713 (core)" and read as "产品：智能手机（HS 8517.13）" /
"product: Telephone sets; smartphones … (HS 8517.13)", named from the catalogue line it matched
(``nlp.hs_names``). Text that fits no template (human notes, older wordings) comes back unchanged.

Templates take ``str.format`` fields without format specs; the code that makes a reason formats
numbers itself. ``FIELDS`` says what each field's value looks like in the English text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cached_property

from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.hs_names import code_display, line_name

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
    en: str  # stored form
    zh: str  # shown to Chinese readers
    shown: str = ""  # shown to English readers, when the stored form is not plain words

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
# Sector tags (nlp.classifier); {product} and {code} are filled in when read (see localise)
CODE = Reason(
    "code {system} {code} ~ {line} ({strength})",
    "{kind}：{product}（{system} {code}）",
    "{kind}: {product} ({system} {code})",
)
PHRASE = Reason("phrase '{phrase}'", "关键词：{phrase}", "keyword: {phrase}")
MODEL = Reason("model {score}", "文本模型评分 {score}", "text model score {score}")
KINDS = {
    ("HS", "core", "en"): "product",
    ("HS", "core", "zh"): "产品",
    ("HS", "partial", "en"): "product partly in the catalogue",
    ("HS", "partial", "zh"): "产品（部分属于目录）",
    ("ICS", "core", "en"): "standards field",
    ("ICS", "core", "zh"): "标准领域",
    ("ICS", "partial", "en"): "standards field partly in the catalogue",
    ("ICS", "partial", "zh"): "标准领域（部分属于目录）",
}

TEMPLATES = tuple(value for value in tuple(globals().values()) if isinstance(value, Reason))


def localise(text: str, language: str, edition: str | None = None) -> str:
    """``text``, a stored reason, in plain words of ``language`` ("zh" or "en"); sector codes and
    catalogue lines in it are named after ``edition`` of the catalogue (else the default one)."""
    zh = language == "zh"
    for reason in TEMPLATES:
        match = reason.pattern.fullmatch(text)
        if match:
            values = match.groupdict()
            if "line" in values:
                system, line = values["system"], values["line"]
                values["kind"] = KINDS[(system, values["strength"], "zh" if zh else "en")]
                values["product"] = _short(line_name(system, line, language, edition or DEFAULT_EDITION) or line)
                # a code broader than the line (chapter 85 against 8517) is shown as the line it touched
                values["code"] = code_display(system, max(values["code"], line, key=len))
            if "sectors" in values and zh:
                values["sectors"] = "、".join(_sector_name_zh(code, edition) for code in values["sectors"].split(", "))
            if zh:
                return reason.zh.format(**values)
            return reason.shown.format(**values) if reason.shown else text
    return text


def _short(name: str, limit: int = 60) -> str:
    """A long nomenclature label cut at a clause boundary ("Telephone sets; smartphones …")."""
    if len(name) <= limit:
        return name
    cut = max(name.rfind(sep, 0, limit) for sep in ("; ", ", ", "，", "；", " "))
    return name[: cut if cut > 0 else limit].rstrip(" ,;，；") + "…"


def _sector_name_zh(code: str, edition: str | None) -> str:
    for name in (edition or DEFAULT_EDITION, DEFAULT_EDITION):
        try:
            return load_edition(name).sector(code).name_zh
        except KeyError:
            continue
    return code
