"""Text normalisation and tokenisation shared by phrases, models and training.

One tokenizer serves every language: text is NFKC-normalised, lower-cased and stripped of Latin
accents; Latin/Cyrillic/Hangul words are split on non-word characters with a crude plural
stemmer, and each CJK ideograph or kana is a token of its own (Chinese has no spaces, and
character n-grams are what the bag-of-words models and the phrase matcher need). Punctuation is
dropped. The same function tokenises phrases, so "Dispositivos médicos" matches
"dispositivo medico".
"""

from __future__ import annotations

import re
import unicodedata

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"  # one CJK ideograph or kana
    r"|[^\W_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
    r"(?:[-'/][^\W_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)*"
)
_ACCENTED = "àáâãäåāçćčèéêëēěìíîïīñńňòóôõöøōùúûüūýÿśšžźż"
_UNACCENTED = dict(zip(_ACCENTED, "aaaaaaaccceeeeeeiiiiinnnooooooouuuuuyysszzz", strict=True))
# str.translate looks up every character of a non-ASCII text; a regex finds the few accented ones
_ACCENT = re.compile(f"[{_ACCENTED}]")
# _TOKEN on ASCII text (lower-cased: no CJK, and word characters are [a-z0-9_]), 1.5 times faster
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:[-'/][a-z0-9]+)*")


def normalise(text: str) -> str:
    if text.isascii():
        return text.lower()
    return _ACCENT.sub(_unaccented, unicodedata.normalize("NFKC", text).lower())


def _unaccented(match: re.Match) -> str:
    return _UNACCENTED[match.group()]


def _stem(word: str) -> str:
    if len(word) > 4 and word.isascii() and word.isalpha():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


class _Stems(dict):
    """Memo of ``_stem``: the vocabulary of notifications is small, words repeat."""

    def __missing__(self, word: str) -> str:
        stem = self[word] = _stem(word)
        return stem


_stems = _Stems()


def words(text: str) -> list[str]:
    stems = _stems
    return [stems[w] for w in _words(text)]


def word_count(text: str) -> int:
    """``len(words(text))``, without stemming."""
    return len(_words(text))


def _words(text: str) -> list[str]:
    text = normalise(text)
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)


def tokens(text: str) -> list[str]:
    """The tokens of ``text``'s doc: its words, or a placeholder for text without any (the
    bag-of-words textcat cannot score a doc without tokens)."""
    return words(text) or ["-"]


class MixedScriptTokenizer:
    """spaCy tokenizer producing normalised word tokens (see module docstring)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return Doc(self.vocab, words=tokens(text))

    # Stateless: nothing to serialise, but spaCy calls these when saving/loading a pipeline.
    def to_disk(self, path, **kwargs):
        pass

    def from_disk(self, path, **kwargs):
        return self

    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self


@spacy.registry.tokenizers("tbtwatch.mixed_script_tokenizer.v1")
def create_tokenizer():
    def make(nlp: Language) -> MixedScriptTokenizer:
        return MixedScriptTokenizer(nlp.vocab)

    return make


def blank_pipeline() -> Language:
    """A blank multi-language pipeline with the mixed-script tokenizer."""
    return spacy.blank("xx", config={"nlp": {"tokenizer": {"@tokenizers": "tbtwatch.mixed_script_tokenizer.v1"}}})
