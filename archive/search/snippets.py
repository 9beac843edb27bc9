"""The passage shown under each search result, with the words that matched in <mark>.

A snippet is found in Python from the article's own text with the analysis the index uses
(`archive.search.analysis.term_spans`), so it marks exactly the words that made the article
match, stems and folded accents included ("tarif" marks "tarifs", "dat hiem" marks
"đất hiếm"), and looks the same on SQLite and PostgreSQL.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.search.analysis import term_spans
from archive.search.query import AnyOf, Phrase, Term
from archive.text import fold

WINDOW_TERMS = 40  # how many words a snippet shows, about two lines
LEAD_TERMS = 6  # words kept before the first match, for context
ELLIPSIS = "…"
PREFILTER_CHARS = 3


@dataclass(frozen=True)
class Wanted:
    """What a query looks for: single terms anywhere, and phrases as runs of terms."""

    terms: tuple[Term, ...] = ()
    phrases: tuple[tuple[Term, ...], ...] = ()
    # A passage with this many different matched words is good enough: the search for a
    # better one stops there (one per thing the reader asked for, at most three).
    enough: int = 1

    def __bool__(self):
        return bool(self.terms or self.phrases)

    def may_match(self, folded_text):
        """False when a folded text cannot hold a match, so it need not be analysed.

        A stem starts like the words it stands for (sojaboon, sojabonen), so its first
        letters are enough to rule a text out.
        """
        return any(form[:PREFILTER_CHARS] in folded_text for form in self._forms)

    @cached_property
    def _forms(self):
        terms = [*self.terms, *(term for phrase in self.phrases for term in phrase)]
        return {form for term in terms for form in term.forms}

    def hits(self, spans):
        """Indices of the spans a query matched: each word of a phrase only where it runs."""
        found = {
            index
            for index, (_, _, found_term) in enumerate(spans)
            if any(_matches(term, found_term) for term in self.terms)
        }
        for phrase in self.phrases:
            for start in range(len(spans) - len(phrase) + 1):
                if all(_matches(t, spans[start + i][2]) for i, t in enumerate(phrase)):
                    found.update(range(start, start + len(phrase)))
        return sorted(found)


def _matches(term, found_term):
    return found_term in term.forms or (term.prefix and found_term.startswith(term.forms))


def wanted_terms(nodes):
    terms, phrases = [], []

    def collect(node):
        if isinstance(node, Term):
            terms.append(node)
        elif isinstance(node, Phrase):
            phrases.append(node.terms)
        elif isinstance(node, AnyOf):
            for option in node.options:
                collect(option)

    for node in nodes:
        collect(node)
    return Wanted(tuple(terms), tuple(phrases), enough=max(1, min(len(nodes), 3)))


def article_snippet(article, wanted):
    """Safe HTML: the article's passage with the most matched words, matches marked."""
    language = article.language.code
    texts = [article.standfirst, *(block["text"] for block in article.blocks)]
    best = None
    for text in filter(None, texts):
        if not wanted.may_match(fold(text)):
            continue
        spans = list(term_spans(text, language))
        hits = wanted.hits(spans)
        score = (len({spans[index][2] for index in hits}), len(hits))
        if hits and (best is None or score > best[0]):
            best = (score, text, spans, hits)
            if score[0] >= wanted.enough:
                break
    if best is None:
        return _plain(article.excerpt, language)
    _, text, spans, hits = best
    return _marked(text, spans, hits)


def _marked(text, spans, hits):
    first, last = _window(len(spans), hits)
    begin = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) else spans[last - 1][1]
    html = [ELLIPSIS] if begin > 0 else []
    position = begin
    for start, stop in _merged(text, [spans[i][:2] for i in hits if first <= i < last]):
        html += [escape(text[position:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        position = stop
    html.append(escape(text[position:end]))
    if end < len(text):
        html.append(ELLIPSIS)
    return mark_safe("".join(html))  # every piece of text was escaped above


def _window(count, hits):
    """[first, last) term indices of the window holding the most hits, led by some context."""
    if count <= WINDOW_TERMS:
        return 0, count
    best_start, best_hits = hits[0], 0
    for start in hits:
        inside = sum(1 for index in hits if start <= index < start + WINDOW_TERMS)
        if inside > best_hits:
            best_start, best_hits = start, inside
    first = max(0, min(best_start - LEAD_TERMS, count - WINDOW_TERMS))
    return first, first + WINDOW_TERMS


def _merged(text, ranges):
    """Ranges that overlap (Chinese character pairs) or only have spaces between, as one."""
    merged = []
    for start, stop in sorted(ranges):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return merged


def _plain(text, language):
    """The start of a text, escaped, when nothing in it was searched for."""
    spans = list(term_spans(text, language))
    if len(spans) <= WINDOW_TERMS:
        return escape(text)
    return escape(text[: spans[WINDOW_TERMS - 1][1]]) + ELLIPSIS
