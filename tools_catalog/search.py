"""Ranked full-text search over the catalogue.

BM25F over weighted fields (title, tags, countries, publisher, type, summary), with:
- case, accent, plural and -ise/-ize tolerance (see `tools_catalog.text`);
- one-letter typos (insert, delete, substitute, swap) and unfinished words, at a lower weight;
- two words run together ("vietnam" for "Viet Nam");
- a bonus for query words that stand next to each other in a title or tag ("one fund", "un house");
- a coverage factor, so a tool matching every query word outranks one matching a frequent word often.
All scoring weights are precomputed per (term, tool) when the index is built; a query is dictionary look-ups.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tools_catalog import text
from tools_catalog.models import Tool

FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "countries": 2.5, "publisher": 0.8, "type": 1.0, "summary": 1.0}
PHRASE_WEIGHTS = {"title": 1.0, "tags": 0.8, "summary": 0.3}
GAP_FACTOR = 0.5  # words one apart ("one UN fund" for "one fund") count half
K1, B = 1.2, 0.75
PHRASE_BONUS = 1.5
TYPO_WEIGHT, PREFIX_WEIGHT = 0.75, 0.7
MIN_FUZZY_LEN = 4
MAX_PREFIX_EXPANSIONS = 24


@dataclass(frozen=True)
class Hit:
    tool: Tool
    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    corrections: dict[str, list[str]]  # query word -> the indexed words searched instead


@dataclass(frozen=True)
class QueryTerm:
    """A query word and the index terms it stands for, with weights; `shown`: the words searched instead."""

    typed: str
    matches: tuple[tuple[str, float], ...]
    shown: tuple[str, ...] = ()
    origin: str | None = None  # the word as typed, when it was split in two


def _text(tool: Tool) -> str:
    return " ".join([tool.title, tool.publisher, tool.summary, *tool.tags, *tool.countries])


def _fields(tool: Tool) -> dict[str, list[list[str]]]:
    """Each field as a list of phrases (a tag is a phrase of its own), each phrase as its terms."""
    return {
        "title": [text.terms(tool.title)],
        "tags": [text.terms(tag) for tag in tool.tags],
        "countries": [text.terms(c) for c in tool.countries],
        "publisher": [text.terms(tool.publisher)],
        "type": [[tool.type.value]],
        "summary": [text.terms(tool.summary)],
    }


class SearchIndex:
    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools: list[Tool] = sorted(tools, key=lambda t: t.id)  # index order = id order, for ties
        docs = [_fields(t) for t in self._tools]
        self._postings = self._weigh_terms(docs)
        self._phrases = self._collect_phrases(docs)
        # each word as written (for typos and completions) -> its index term
        self._surface = {w: text.term(w) for t in self._tools for w in text.words(_text(t))}
        self._surfaces = sorted(self._surface)
        self._deletions: dict[str, list[str]] | None = None

    def _weigh_terms(self, docs: Sequence[dict[str, list[list[str]]]]) -> dict[str, dict[int, float]]:
        n = max(len(docs), 1)
        lengths = [{f: sum(map(len, phrases)) for f, phrases in d.items()} for d in docs]
        avg = {f: (sum(ln[f] for ln in lengths) / n) or 1.0 for f in FIELD_WEIGHTS}
        pseudo_tf: dict[str, dict[int, float]] = defaultdict(dict)
        for i, (doc, length) in enumerate(zip(docs, lengths, strict=True)):
            for f, phrases in doc.items():
                norm = FIELD_WEIGHTS[f] / (1 - B + B * length[f] / avg[f])
                for term, tf in Counter(t for p in phrases for t in p).items():
                    row = pseudo_tf[term]
                    row[i] = row.get(i, 0.0) + tf * norm
        postings: dict[str, dict[int, float]] = {}
        for term, row in pseudo_tf.items():
            idf = math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5))
            postings[term] = {i: idf * tf * (K1 + 1) / (K1 + tf) for i, tf in row.items()}
        return postings

    def _collect_phrases(
        self, docs: Sequence[dict[str, list[list[str]]]]
    ) -> dict[tuple[str, str], dict[int, float]]:
        phrases: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
        for i, doc in enumerate(docs):
            for f, weight in PHRASE_WEIGHTS.items():
                for phrase in doc[f]:
                    for gap, factor in ((1, 1.0), (2, GAP_FACTOR)):
                        for pair in zip(phrase, phrase[gap:], strict=False):
                            row = phrases[pair]
                            row[i] = max(row.get(i, 0.0), weight * factor)
        return dict(phrases)

    def parse(self, query: str) -> list[QueryTerm]:
        """Each query word with the index terms it stands for; a word found nowhere may be two words."""
        seen: dict[str, QueryTerm] = {}
        for typed in text.words(query):
            found = self._expand(typed)
            parts = [] if found.matches else self._split(typed)
            for qt in parts or [found]:
                seen.setdefault(qt.typed, qt)
        return list(seen.values())

    def _expand(self, word: str) -> QueryTerm:
        exact = text.term(word)
        if exact in self._postings:
            return QueryTerm(word, ((exact, 1.0),))
        if len(word) < MIN_FUZZY_LEN or word.isdigit():
            return QueryTerm(word, ())
        found: dict[str, tuple[float, str]] = {}
        for near in self._near(word):
            found[self._surface[near]] = (TYPO_WEIGHT, near)
        prefixes = {word, word[:-2] + "iz"} if word.endswith("is") else {word}  # "organis" -> "organiz"
        for prefix in sorted(prefixes):
            start = bisect_left(self._surfaces, prefix)
            for surface in self._surfaces[start : start + MAX_PREFIX_EXPANSIONS]:
                if not surface.startswith(prefix):
                    break
                found.setdefault(self._surface[surface], (PREFIX_WEIGHT, surface))
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return QueryTerm(word, tuple((t, w) for t, (w, _) in ranked), tuple(s for _, (_, s) in ranked))

    def _split(self, word: str) -> list[QueryTerm]:
        """'vietnam' or 'unhouse': two indexed words run together count as both."""
        for cut in range(2, len(word) - 1):
            left, right = text.term(word[:cut]), text.term(word[cut:])
            if left in self._postings and right in self._postings:
                shown = (f"{word[:cut]} {word[cut:]}",)
                return [
                    QueryTerm(word[:cut], ((left, 1.0),), shown, origin=word),
                    QueryTerm(word[cut:], ((right, 1.0),), shown, origin=word),
                ]
        return []

    def corrections(self, query: str) -> dict[str, list[str]]:
        """Query words the index does not hold as typed, with the words searched instead."""
        return self.query(query, limit=0).corrections

    def _near(self, word: str) -> list[str]:
        """Indexed words one edit away (symmetric-deletion look-up, then verified)."""
        if self._deletions is None:
            self._deletions = defaultdict(list)
            for surface in self._surfaces:
                if len(surface) >= MIN_FUZZY_LEN - 1:
                    for variant in _deletes(surface):
                        self._deletions[variant].append(surface)
        candidates = set(self._deletions.get(word, ()))
        for variant in _deletes(word):
            if variant in self._surface:
                candidates.add(variant)
            candidates.update(self._deletions.get(variant, ()))
        return sorted(c for c in candidates if _one_edit(word, c))

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        return self.query(query, limit).hits

    def query(self, query: str, limit: int = 10) -> SearchResult:
        """The ranked hits and the corrections made to the query, from one parse."""
        words = self.parse(query)
        corrections = {qt.origin or qt.typed: list(qt.shown) for qt in words if qt.shown}
        return SearchResult(self._rank(words, limit), corrections)

    def _rank(self, words: list[QueryTerm], limit: int) -> list[Hit]:
        parsed = [qt for qt in words if qt.matches]
        if not parsed:
            return []
        weights = [self._term_weights(qt) for qt in parsed]
        scores, counts = _accumulate(weights)
        exact = [qt.matches[0][0] for qt in parsed]
        for pair in zip(exact, exact[1:], strict=False):
            for doc, weight in self._phrases.get(pair, {}).items():
                if doc in scores:
                    scores[doc] += PHRASE_BONUS * weight
        n = len(words)
        if counts is None:  # one query word: every candidate matched all of it
            ranked = [(s, -d) for d, s in scores.items()]
        else:
            ranked = [(s * (counts[d] / n) ** 2, -d) for d, s in scores.items()]
        top = heapq.nlargest(limit, ranked)  # ties: lower doc index, i.e. lower tool id, first
        return [Hit(self._tools[-d], round(s, 4), self._matched(parsed, weights, -d)) for s, d in top]

    @staticmethod
    def _matched(parsed: list[QueryTerm], weights: list[dict[int, float]], doc: int) -> tuple[str, ...]:
        return tuple(qt.typed for qt, w in zip(parsed, weights, strict=True) if doc in w)

    def _term_weights(self, qt: QueryTerm) -> dict[int, float]:
        if len(qt.matches) == 1 and qt.matches[0][1] == 1.0:
            return self._postings[qt.matches[0][0]]
        merged: dict[int, float] = {}
        for term, factor in qt.matches:
            for doc, weight in self._postings[term].items():
                merged[doc] = max(merged.get(doc, 0.0), weight * factor)
        return merged


def _accumulate(weights: list[dict[int, float]]) -> tuple[dict[int, float], dict[int, int] | None]:
    """Sum each tool's weights over the query words; count the words it matched (None for one word)."""
    if len(weights) == 1:
        return dict(weights[0]), None
    scores: dict[int, float] = {}
    counts: dict[int, int] = {}
    for row in weights:
        for doc, weight in row.items():
            if doc in scores:
                scores[doc] += weight
                counts[doc] += 1
            else:
                scores[doc] = weight
                counts[doc] = 1
    return scores, counts


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by exactly one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]
