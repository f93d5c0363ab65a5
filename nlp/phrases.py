"""Phrase evidence: one spaCy PhraseMatcher over every sector's phrases (zh/en/fr/es).

Phrases go through the same tokenizer as documents (see ``nlp.text``), so matching is
case-, accent- and plural-insensitive, and Chinese phrases match character sequences.
Phrases of products outside the catalogue are matched under the label ``OUTSIDE``; sector phrases
inside an ``ignore`` span (agency and law names, exclusions such as "excl. medicaments") do not count,
nor does a phrase inside a longer phrase of another label (the more specific phrase says what the
product is: "fuel" is outside the catalogue, "fuel cell" is not).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp.catalogue import Catalogue

OUTSIDE = "OUTSIDE"
IGNORE = "IGNORE"


class PhraseEvidence:
    def __init__(self, catalogue: Catalogue, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        groups = {s.code: s.phrases for s in catalogue.sectors} | {
            OUTSIDE: catalogue.outside_phrases,
            IGNORE: catalogue.ignore_phrases,
        }
        for label, by_language in groups.items():
            patterns = [nlp.make_doc(p) for phrases in by_language.values() for p in phrases]
            self.matcher.add(label, [p for p in patterns if len(p) and p[0].text])
        self._strings = nlp.vocab.strings
        # generic phrases as the matcher reports them (normalised tokens; Chinese joined)
        self.generic = frozenset(
            _shown([t.text for t in nlp.make_doc(p)]) for phrases in catalogue.generic_phrases.values() for p in phrases
        )

    def __call__(self, doc: Doc, tokens: Sequence[str] | None = None) -> dict[str, list[tuple[str, int]]]:
        """Sector (or OUTSIDE) → distinct matched phrases with the token where each first
        appears, in order of appearance. ``tokens``: the texts of ``doc``'s tokens, if known."""
        if tokens is None:
            tokens = [t.text for t in doc]
        found: dict[str, list[tuple[str, int]]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        matches = [(self._strings[m], start, end) for m, start, end in self.matcher(doc)]
        ignored = {i for label, start, end in matches if label == IGNORE for i in range(start, end)}
        for label, start, end in matches:
            if label == IGNORE or ignored.intersection(range(start, end)) or _inside_longer(label, start, end, matches):
                continue
            text = _shown(tokens[start:end])
            if (label, text) not in seen:
                seen.add((label, text))
                found[label].append((text, start))
        return found


def _inside_longer(label: str, start: int, end: int, matches: list[tuple[str, int, int]]) -> bool:
    """A phrase inside a longer phrase of another label names less than it ("fuel" in "fuel cell")."""
    return any(
        other != label and other != IGNORE and s <= start and end <= e and e - s > end - start
        for other, s, e in matches
    )


def _shown(tokens: Sequence[str]) -> str:
    return ("" if _is_cjk(tokens[0]) else " ").join(tokens)


def _is_cjk(token: str) -> bool:
    return bool(token) and "\u3040" <= token[0] <= "\ufaff"
