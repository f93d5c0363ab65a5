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
_ACCENTS = str.maketrans(
    "àáâãäåāçćčèéêëēěìíîïīñńňòóôõöøōùúûüūýÿśšžźż",
    "aaaaaaaccceeeeeeiiiiinnnooooooouuuuuyysszzz",
)


def normalise(text: str) -> str:
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower().translate(_ACCENTS)


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
    return [stems[w] for w in _TOKEN.findall(normalise(text))]


class MixedScriptTokenizer:
    """spaCy tokenizer producing normalised word tokens (see module docstring)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        # The bag-of-words textcat cannot score a doc without tokens: give empty text one.
        return Doc(self.vocab, words=words(text) or ["-"])

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
