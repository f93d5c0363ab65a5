"""Short names of the HS chapters in Chinese and English ("85 电机、电气设备" / "85 Electrical
machinery"), for showing a chapter to a person; data in ``resources/hs_chapter_names.csv``
(the Chinese after the customs tariff's chapter titles, shortened)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

NAMES_FILE = Path(__file__).parent / "resources" / "hs_chapter_names.csv"


@cache
def _names() -> dict[str, tuple[str, str]]:
    with NAMES_FILE.open(encoding="utf-8", newline="") as stream:
        return {row["chapter"]: (row["name_zh"], row["name_en"]) for row in csv.DictReader(stream)}


def chapter_name(chapter: str, language: str) -> str | None:
    """The chapter's name in ``language`` (zh, else English); None for an unknown chapter."""
    names = _names().get(chapter[:2])
    return (names[0] if language == "zh" else names[1]) if names else None


def chapter_label(chapter: str, language: str) -> str:
    """``85 电机、电气设备``: the chapter with its name (the number alone when it has none)."""
    name = chapter_name(chapter, language)
    return f"{chapter[:2]} {name}" if name else chapter[:2]
