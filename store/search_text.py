"""How text becomes search terms, the same way on SQLite and PostgreSQL.

Text is cut into words at every character that is not a letter or digit (``G/TBT/N/USA/2150``
→ ``g tbt n usa 2150``, ``8507.60`` → ``8507 60``) and at the edges of CJK runs
(``USB接口`` → ``usb`` ``接口``). Each word outside CJK is lower-cased and stemmed with the
Snowball stemmer of the item's language (:data:`STEMMERS`: French and Spanish items with their
own, everything else with the English one), so ``batteries`` and ``battery`` are both
``batteri``; there are no stop words, so every word of a symbol or a phrase keeps its place.
Each CJK run becomes its overlapping bigrams in order (``锂电池`` → ``锂电 电池``), a run of one
character that character.

A query term goes through the same steps in each of the three languages (:func:`query_forms`),
so it finds an item in any language by the item's own stemming: a phrase of words is a phrase
of their stems, a symbol the phrase of its parts, a CJK run the phrase of its bigrams.

On SQLite :func:`index_text` writes the stemmed text into FTS5 tables (it is registered on
every connection as the SQL function ``tbtwatch_index_text``); on PostgreSQL the database
stems with its own Snowball dictionaries (``tbtwatch_en``/``_fr``/``_es`` text search
configurations of migration ``0009_search_stems``), which are the same algorithms as
PyStemmer 2.2 (pinned in pyproject.toml for that reason).
"""

import re
from functools import lru_cache

import Stemmer

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUN = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")
_IS_CJK = re.compile(rf"[{CJK}]")
STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
QUERY_LANGUAGES = tuple(STEMMERS)
# the commonest function words of the query languages (as indexed): a search leaves them out
# of words that may stand anywhere (store.queries.search), where they narrow nothing
FUNCTION_WORDS = frozenset(
    {
        *("a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"),  # en
        *("au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un", "une"),
        *("al", "con", "del", "el", "las", "los", "para", "por", "y"),  # es
    }
)


def is_cjk(word: str) -> bool:
    return bool(_IS_CJK.match(word))


def words(text: str | None) -> list[str]:
    """The words and CJK runs of ``text``, lower-cased, in order."""
    return [w.lower() for w in _RUN.findall(text or "")]


@lru_cache(maxsize=8)
def _stemmer(language: str) -> "Stemmer.Stemmer":
    return Stemmer.Stemmer(STEMMERS.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


def _stems(text: str | None, language: str) -> list[str]:
    out: list[str] = []
    for word in words(text):
        out += bigrams(word) if is_cjk(word) else [stem(word, language)]
    return out


def tokens(text: str | None, language: str | None) -> list[str]:
    """The indexed tokens of ``text`` written in ``language``: its stems and CJK bigrams in
    order, then each CJK character again."""
    language = (language or "en")[:2].lower()
    return _stems(text, language) + [c for word in words(text) if is_cjk(word) for c in word]


def index_text(text: str | None, language: str | None) -> str:
    """:func:`tokens` as one space-separated text (SQLite's ``tbtwatch_index_text``)."""
    return " ".join(tokens(text, language))


def query_forms(term: str, languages: tuple[str, ...] = QUERY_LANGUAGES) -> list[tuple[str, ...]]:
    """The token sequences a query term (a word, a symbol, a phrase) matches: one per query
    language (of ``languages``), duplicates dropped; empty when the term has no word."""
    forms: list[tuple[str, ...]] = []
    for language in languages:
        form = tuple(_stems(term, language))
        if form and form not in forms:
            forms.append(form)
    return forms
