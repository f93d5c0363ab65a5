"""A search box's query as people write it in web search, read into clauses.

* words: every word must match (``lithium battery``); a word stuck to a CJK run is a word of
  its own (``USB接口`` → ``USB``, ``接口``); a symbol or code is one term matched as the
  sequence of its parts (``USA/2150``, ``G/TBT/N/EU/1201/Add.1``, ``8507.60``);
* ``"mobile phone"``: a phrase, its words next to each other in that order;
* ``a OR b``: either (``OR`` in capitals; ``battery OR accumulator lithium`` is
  (battery or accumulator) and lithium);
* ``-word`` or ``-"a phrase"``: leave out items that match it.

Anything else reads as plain words: unbalanced quotes are dropped, a stray ``OR`` is ignored,
a query made only of exclusions searches for those words instead. Parsing never fails.

:func:`parse` gives the clauses; :mod:`store.glossary` then adds other-language terms to the
clauses whose terms were not quoted (:func:`expand`).
"""

import re
from dataclasses import dataclass, replace

from store.search_text import CJK, QUERY_LANGUAGES, query_forms

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_PIECES = re.compile(rf"[{CJK}]+|[^{CJK}]+")
_WORDS = re.compile(rf"[^\W\d_{CJK}]+")  # words of letters: a symbol or code (USA/2150) has at most one


@dataclass(frozen=True)
class Clause:
    """Items match a clause when they match any of its terms (none of them, if negated)."""

    terms: tuple[str, ...]
    negated: bool = False
    quoted: bool = False  # a phrase the person quoted: matched as written, never expanded
    added: tuple[str, ...] = ()  # terms the glossary added (also in ``terms``)
    added_languages: tuple[str, ...] = ()  # the language of each added term (zh, en, fr, es)
    loose: bool = False  # the first term's words may stand anywhere (plain words the glossary read as one term)

    def as_phrase(self, term: str) -> bool:
        """Whether ``term`` matches as a phrase (its words in order, side by side) rather than
        as its words anywhere: the person's own terms unless the clause is loose, and every
        symbol and CJK run; the glossary's words anywhere, as translations reorder words
        ("lithium battery", "batteries au lithium")."""
        if self.quoted or len(_WORDS.findall(term)) <= 1:
            return True
        return not (term in self.added or (self.loose and term == self.terms[0]))

    def forms(self, term: str) -> list[tuple[str, ...]]:
        """The token sequences ``term`` matches: a term the glossary added in its own language
        only (the Spanish stem of "thé" is "the"), the person's own in each query language."""
        if term in self.added:
            language = self.added_languages[self.added.index(term)]
            if language in QUERY_LANGUAGES:
                return query_forms(term, (language,))
        return query_forms(term)


def parse(q: str) -> list[Clause]:
    """The clauses of ``q`` (see the module's notes); terms without a word are dropped."""
    if q.count('"') % 2:
        q = q.replace('"', " ")
    clauses: list[Clause] = []
    join_next = False
    for match in _TOKEN.finditer(q):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            join_next = bool(clauses) and not clauses[-1].negated
            continue
        if phrase is not None:
            pieces, negated, quoted = [phrase], bool(minus), True
        else:
            negated = bare.startswith("-") and len(bare) > 1
            pieces, quoted = _PIECES.findall(bare[1:] if negated else bare), False
        new = [Clause((p.strip(),), negated, quoted) for p in pieces if query_forms(p)]
        if not new:
            continue
        if join_next and not new[0].negated:
            last = clauses.pop()
            new[0] = Clause(last.terms + new[0].terms, quoted=last.quoted and new[0].quoted)
        clauses += new
        join_next = False
    if clauses and all(c.negated for c in clauses):
        clauses = [replace(c, negated=False) for c in clauses]
    return clauses


def expand(clauses: list[Clause], lookup) -> list[Clause]:
    """``clauses`` with the terms that ``lookup(term)`` gives, as (term, language) pairs, for
    each unquoted, positive one (a term already searched, in any of its word forms, is not
    added twice)."""
    out = []
    for clause in clauses:
        if clause.negated or clause.quoted:
            out.append(clause)
            continue
        seen = {form for term in clause.terms for form in query_forms(term)}
        added: list[tuple[str, str]] = []
        for term in clause.terms:
            for other, language in lookup(term):
                forms = query_forms(other, (language,) if language in QUERY_LANGUAGES else QUERY_LANGUAGES)
                if forms and seen.isdisjoint(forms):
                    seen.update(forms)
                    added.append((other, language))
        out.append(
            replace(
                clause,
                terms=clause.terms + tuple(t for t, _ in added),
                added=tuple(t for t, _ in added),
                added_languages=tuple(lang for _, lang in added),
            )
        )
    return out
