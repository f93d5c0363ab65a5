"""HS and ICS codes: normalisation, extraction from free text, and matching catalogue prefixes.

A notification code matches a catalogue line when either is a prefix of the other. When the
notification code is the narrower one (8517.13 under 8517) the line's own strength applies; when
it is broader (chapter "85" against line 8517) it only points at part of the chapter, so it counts
as ``partial`` whatever the line says. Per sector the most specific matching line wins, which
lets an edition carve a partial exception out of a core prefix (ICS 33 core, 33.100 EMC partial).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp import reasons as why
from nlp.catalogue import Catalogue, CodeLine

_HS_TRIGGER = re.compile(
    r"(?:\bhs\s*(?:code|codes|code\(s\)|编码|代码|编号)?|\bhsn|\bcccn|\bccc|\bncm|\bsa|"
    r"tariff (?:item|heading|code)s?|arancel\w*|税号|税则号)\s*[:：.\-–—]?\s*"
    r"((?:\d[\d.\s]*\d|\d)(?:\s*(?:[,;、，/]|and|y|et|及|和)\s*(?:\d[\d.\s]*\d|\d))*)",
    re.IGNORECASE,
)
_HS_MARKERS = ("hs", "ccc", "ncm", "sa:", "sa ", "tariff", "arancel", "税号", "税则号")
_ICS_IN_TEXT = re.compile(r"(?<![\d.])(\d{2}\.\d{3}(?:\.\d{2})?)(?!\d|\.\d)")
_ICS_FIELD = re.compile(r"\bics\b[^0-9]{0,20}(\d{2})(?!\d|\.\d)", re.IGNORECASE)


def normalise_hs(code: str) -> str | None:
    digits = re.sub(r"\D", "", str(code))[:10]  # national 11-digit codes carry a check digit
    return digits if len(digits) >= 2 else None


def normalise_ics(code: str) -> str | None:
    code = str(code).strip()
    return code if re.fullmatch(r"\d{2}(\.\d{3}(\.\d{2})?)?", code) else None


def hs_codes_in_text(text: str) -> list[str]:
    """HS codes quoted after an 'HS'/'HSN'/'CCCN'/'SA'/'税号' marker ("HS code(s): 8517.13.00")."""
    found: list[str] = []
    lowered = text.lower()
    if not any(marker in lowered for marker in _HS_MARKERS):  # cheap test: most texts quote no code
        return found
    for match in _HS_TRIGGER.finditer(text):
        for piece in re.split(r"\s*(?:[,;、，/]|and|y|et|及|和)\s*", match.group(1)):
            for token in _split_run(piece):
                code = normalise_hs(token)
                if code and code not in found:
                    found.append(code)
    return found


_CODE_LIST = re.compile(r"\s*\d{4}(?:\.?\d{2}){0,3}(?:\s*[,;、，]\s*\d{4}(?:\.?\d{2}){0,3})+\s*[.。]?\s*")


def hs_code_list(products: str | None) -> list[str]:
    """Codes of a products field that is nothing but a list of HS codes ("2709、2710、3403")."""
    if not products or not _CODE_LIST.fullmatch(products):
        return []
    return list(dict.fromkeys(re.findall(r"\d{4}(?:\.?\d{2}){0,3}", products)))


def _split_run(piece: str) -> list[str]:
    """'8415.10.8415.81' or '8517 13 00' → codes; dots inside one code are kept together."""
    parts = piece.split()
    if len(parts) > 1 and all(len(p) == 2 for p in parts[1:]):
        return ["".join(parts)]
    out = []
    for part in parts:
        groups = part.split(".")
        if len(groups) > 2 and all(len(g) == 4 for g in groups[::2]):
            out += [".".join(groups[i : i + 2]) for i in range(0, len(groups), 2)]
        else:
            out.append(part)
    return out


def ics_codes_in_text(text: str) -> list[str]:
    """ICS codes: dotted groups anywhere once 'ICS' is mentioned, field numbers right after it."""
    if "ics" not in text.lower():
        return []
    codes = _ICS_IN_TEXT.findall(text) + _ICS_FIELD.findall(text)
    return list(dict.fromkeys(codes))


@dataclass(frozen=True)
class CodeMatch:
    sector: str
    code: str
    line: CodeLine
    strength: str
    system: str  # "HS" or "ICS"

    def reason(self) -> str:
        return why.CODE(system=self.system, code=self.code, line=self.line.code, strength=self.strength)


class CodeIndex:
    """Catalogue code lines of one edition, indexed by every prefix for fast matching."""

    def __init__(self, catalogue: Catalogue):
        self._exact: dict[tuple[str, str], list[tuple[str, CodeLine]]] = {}
        self._under: dict[tuple[str, str], list[tuple[str, CodeLine]]] = {}
        for sector in catalogue.sectors:
            for system, lines in (("HS", sector.hs), ("ICS", sector.ics)):
                for line in lines:
                    self._exact.setdefault((system, line.code), []).append((sector.code, line))
                    for end in range(2, len(line.code)):
                        self._under.setdefault((system, line.code[:end]), []).append((sector.code, line))

    def match(self, hs_codes: list[str], ics_codes: list[str]) -> list[CodeMatch]:
        best: dict[tuple[str, str, str], CodeMatch] = {}
        for system, codes, norm in (("HS", hs_codes, normalise_hs), ("ICS", ics_codes, normalise_ics)):
            for code in filter(None, map(norm, codes)):
                candidates = [
                    (s, line, line.strength)
                    for end in range(2, len(code) + 1)
                    for s, line in self._exact.get((system, code[:end]), ())
                ]
                candidates += [(s, line, "partial") for s, line in self._under.get((system, code), ())]
                for sector, line, strength in candidates:
                    key = (sector, system, code)
                    if key not in best or len(line.code) > len(best[key].line.code):
                        best[key] = CodeMatch(sector, code, line, strength, system)
        return list(best.values())
