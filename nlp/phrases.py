"""Phrase evidence: one spaCy PhraseMatcher over every sector's phrases (zh/en/fr/es).

Phrases go through the same tokenizer as documents (see ``nlp.text``), so matching is
case-, accent- and plural-insensitive, and Chinese phrases match character sequences.
Phrases of products outside the catalogue are matched under the label ``OUTSIDE``.
"""
from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp.catalogue import Catalogue

OUTSIDE = "OUTSIDE"


class PhraseEvidence:
    def __init__(self, catalogue: Catalogue, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        groups = {s.code: s.phrases for s in catalogue.sectors} | {OUTSIDE: catalogue.outside_phrases}
        for label, by_language in groups.items():
            patterns = [nlp.make_doc(p) for phrases in by_language.values() for p in phrases]
            self.matcher.add(label, [p for p in patterns if len(p) and p[0].text])
        self._strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> dict[str, list[str]]:
        """Sector (or OUTSIDE) → distinct matched phrases, in order of appearance."""
        found: dict[str, list[str]] = defaultdict(list)
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            text = "".join(t.text for t in span) if _is_cjk(span[0].text) else span.text
            label = self._strings[match_id]
            if text not in found[label]:
                found[label].append(text)
        return found


def _is_cjk(token: str) -> bool:
    return bool(token) and "\u3040" <= token[0] <= "\ufaff"
