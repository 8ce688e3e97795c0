"""Text normalization shared by indexing and querying: case, accents, plurals, British spellings."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
_AMPERSAND_PAIR = re.compile(r"\b([a-z])\s*&\s*([a-z])\b")  # "m&e" -> "me", "r & d" -> "rd"

_BRITISH_IZE = re.compile(r"(?<=[a-z]{3})is(ations?|ational|ing|ed|es|e|ers?)$")  # organise -> organize

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "their",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "with",
    }
)


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Côte d’Ivoire' -> 'cote d’ivoire'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def compact(text: str) -> str:
    """Fold and drop everything but letters and digits: 'Viet Nam' and 'Vietnam' both give 'vietnam'."""
    return "".join(_WORD.findall(fold(text)))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: -ional and plural endings. The same rule for documents and queries."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ional") and len(word) > 7:  # organizational -> organization, operational -> operation
        word = word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of a text as written, folded (case, accents), without stop words."""
    folded = _AMPERSAND_PAIR.sub(r"\1\2", fold(text))
    return [w for w in _WORD.findall(folded) if w not in STOPWORDS]


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The index term of a word: British -ise spelt -ize, then stemmed ('organisations' -> 'organization')."""
    return stem(_BRITISH_IZE.sub(r"iz\1", word) if len(word) > 4 else word)


def terms(text: str) -> list[str]:
    """Index terms of a text, in order."""
    return [term(w) for w in words(text)]
