"""Reading what a reader types into a small query tree, and writing it for each engine.

Readers may type words (all must match), "exact phrases", OR, -excluded, prefix*. Anything
else is read as well as it can be: an unclosed quote is a phrase to the end, a lone operator
is dropped, brackets and punctuation separate words, control characters are left out (see
`archive.text.CONTROL_CHARACTERS`) and a very long query is cut. Nothing
a reader types reaches either engine: the tree holds index terms only (see
`archive.search.analysis`), and each engine gets the tree written in its own syntax with
every term quoted. Both writings mean the same, so both engines find the same articles.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from archive.search.analysis import (
    UNSPACED_RUN,
    character_pairs,
    pair_term,
    query_forms,
    words,
)
from archive.text import CONTROL_CHARACTERS

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20
# A phrase whose words each stand for several stems expands to every combination on
# SQLite; beyond this many, its words keep fewer forms (the same on both engines).
MAX_PHRASE_COMBINATIONS = 16


@dataclass(frozen=True)
class Term:
    """One position in the text: any of `forms`, or a word starting with one of them."""

    forms: tuple[str, ...]
    prefix: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)  # as the reader typed them


@dataclass(frozen=True)
class Phrase:
    terms: tuple[Term, ...]
    words: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class AnyOf:
    options: tuple["Term | Phrase", ...]


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple = ()  # every one must match; each a Term, a Phrase or an AnyOf
    excluded: tuple = ()  # none may match
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self):
        return not self.required and not self.excluded


# A quoted phrase (its closing quote optional), or a run of anything but space and quotes.
_PIECE = re.compile(r'(-?)"([^"]*)("?)|(\S+?)(?=\s|"|$)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})


def parse(text):
    """The query tree for what a reader typed. Never raises."""
    notes = []
    text, dropped = CONTROL_CHARACTERS.subn("", text or "")
    if dropped:
        notes.append("Control characters in the query were left out.")
    text = text.translate(_QUOTES)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"Only the first {MAX_QUERY_CHARS} characters were searched for.")

    clauses = []  # (excluded, node) pairs and the string "OR" between them
    for match in _PIECE.finditer(text):
        negated, phrase, closing, bare = match.groups()
        if phrase is not None:
            if not closing:
                notes.append("A quotation mark was not closed; the rest was read as a phrase.")
            node = _node(words(phrase), prefix=False)
            excluded = bool(negated)
        elif bare == "OR":
            clauses.append("OR")
            continue
        else:
            excluded = bare.startswith("-") and len(bare) > 1
            bare = bare.lstrip("-") if excluded else bare
            node = _node(words(bare), prefix=bare.endswith("*"))
        if node is not None:
            clauses.append((excluded, node))

    required, excluded = _combine(clauses, notes)
    if len(required) + len(excluded) > MAX_CLAUSES:
        notes.append(f"Only the first {MAX_CLAUSES} words or phrases were searched for.")
        required = required[:MAX_CLAUSES]
        excluded = excluded[: max(0, MAX_CLAUSES - len(required))]
    return ParsedQuery(tuple(required), tuple(excluded), tuple(dict.fromkeys(notes)))


def _node(folded_words, *, prefix):
    """A Term for one word, a Phrase for several (or for Chinese, its character pairs)."""
    terms = []
    for word in folded_words:
        if UNSPACED_RUN.fullmatch(word):
            terms.extend(Term((pair,)) for pair in character_pairs(word))
        else:
            terms.append(Term(query_forms(word)))
    if not terms:
        return None
    if prefix and not UNSPACED_RUN.fullmatch(folded_words[-1]):
        terms[-1] = Term(terms[-1].forms, prefix=True)
    if len(terms) == 1:
        return Term(terms[0].forms, terms[0].prefix, tuple(folded_words))
    return Phrase(_bounded(terms), tuple(folded_words))


def _bounded(terms):
    """Drop the last forms of the widest positions until the combinations fit the limit."""
    terms = list(terms)
    while math.prod(len(term.forms) for term in terms) > MAX_PHRASE_COMBINATIONS:
        widest = max(range(len(terms)), key=lambda index: len(terms[index].forms))
        terms[widest] = Term(terms[widest].forms[:-1], terms[widest].prefix)
    return tuple(terms)


def _combine(clauses, notes):
    """Required and excluded nodes, with `a OR b` joined into one AnyOf."""
    required, excluded = [], []
    pending_or = False
    for index, clause in enumerate(clauses):
        if clause == "OR":
            follows = index + 1 < len(clauses) and clauses[index + 1] != "OR"
            if required and follows:
                pending_or = True
            else:
                notes.append("An OR without a word on each side was ignored.")
            continue
        is_excluded, node = clause
        if is_excluded:
            excluded.append(node)
            pending_or = False
        elif pending_or:
            previous = required.pop()
            options = previous.options if isinstance(previous, AnyOf) else (previous,)
            required.append(AnyOf((*options, node)))
            pending_or = False
        else:
            required.append(node)
    return required, excluded


def understood(query):
    """The query as it is searched for, in words: folded (accents and case gone), phrases
    quoted, alternatives joined with "or", exclusions after "not"."""

    def shown(node):
        if isinstance(node, AnyOf):
            return " or ".join(shown(option) for option in node.options)
        text = " ".join(node.words)
        if isinstance(node, Phrase):
            return f"“{text}”"
        return f"{text}*" if node.prefix else text

    return ", ".join(
        [shown(node) for node in query.required] + [f"not {shown(n)}" for n in query.excluded]
    )


# --- Across languages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expansion:
    """A label the reader typed, and the other labels of its concept searched for with it."""

    typed: str
    also: tuple[str, ...]


def expand(query, thesaurus):
    """The query with each word or phrase that is a label also matching the concept's others.

    `thesaurus` maps a label's folded words to the concept's other labels. Consecutive words
    that together make a label (rare earths) are read as that label, searched as a phrase.
    Returns (expanded query, [Expansion]).
    """
    if not thesaurus:
        return query, []
    longest = max(len(key) for key in thesaurus)
    expansions = []

    def expanded(node):
        if isinstance(node, AnyOf):
            options = []
            for option in node.options:
                grown = expanded(option)
                options.extend(grown.options if isinstance(grown, AnyOf) else [grown])
            return AnyOf(tuple(options))
        others = thesaurus.get(node.words) if not getattr(node, "prefix", False) else None
        if not others:
            return node
        expansions.append(Expansion(" ".join(node.words), tuple(others)))
        labels = [_node(words(label), prefix=False) for label in others]
        return AnyOf((node, *(label for label in labels if label is not None)))

    required, index = [], 0
    nodes = list(query.required)
    while index < len(nodes):
        run_length = _label_run(nodes, index, longest, thesaurus)
        if run_length > 1:
            run = nodes[index : index + run_length]
            key = tuple(term.words[0] for term in run)
            phrase = Phrase(_bounded([Term(t.forms) for t in run]), key)
            required.append(expanded(phrase))
            index += run_length
        else:
            required.append(expanded(nodes[index]))
            index += 1
    excluded = [expanded(node) for node in query.excluded]
    return ParsedQuery(tuple(required), tuple(excluded), query.notes), expansions


def _label_run(nodes, start, longest, thesaurus):
    """How many single, plain words from `start` together make a label (0 if none)."""
    for length in range(min(longest, len(nodes) - start), 1, -1):
        run = nodes[start : start + length]
        plain = all(isinstance(n, Term) and not n.prefix and len(n.words) == 1 for n in run)
        if plain and tuple(n.words[0] for n in run) in thesaurus:
            return length
    return 0


# --- Writing the tree for each engine ------------------------------------------------------


def to_fts5(nodes):
    """An FTS5 MATCH expression requiring every node, or "" for none.

    FTS5 has no alternatives inside a phrase, so a phrase becomes the OR of its combinations.
    """
    return " AND ".join(_fts5(node) for node in nodes)


def _fts5(node):
    if isinstance(node, Term):
        star = "*" if node.prefix else ""
        return _either([f'"{form}"{star}' for form in node.forms])
    if isinstance(node, Phrase):
        combinations = itertools.product(*(term.forms for term in node.terms))
        last = node.terms[-1].prefix
        return _either(['"' + " ".join(c) + '"' + ("*" if last else "") for c in combinations])
    return _either([_fts5(option) for option in node.options])


def to_tsquery(nodes, *, weights="", common=frozenset(), mixed=None):
    """A PostgreSQL tsquery requiring every node, or "" for none.

    `weights` ("A") keeps only matches in the fields of those weights (the headlines).
    `common` is the index's list of common terms, whose neighbouring pairs it holds as terms
    (archive.search.documents.common_terms): a phrase of common words is looked up by its pairs.
    `mixed` ("pairs" or "words") keeps only that part of a two-word phrase whose forms are
    common in some combinations and not in others (see `tsquery_alternatives`).
    """
    return " & ".join(_tsquery(node, weights, common, mixed) for node in nodes)


def tsquery_alternatives(nodes, *, common):
    """`to_tsquery(nodes)` as one or two tsqueries that together match what it matches.

    GIN answers pair terms exactly, but as soon as a query holds a phrase PostgreSQL may
    recheck every match, reading its document. A two-word phrase common in some combinations
    of its forms and not in others ("China VS", where "vs" may also be the French stem "v")
    is therefore written twice: with its pair terms alone, then with its other combinations,
    for whose few candidates alone documents are read. Only one such phrase is split: with
    two, the alternatives would miss the matches that take a part of each.
    """
    mixed = [node for node in _phrases(nodes) if _is_mixed(node, common)]
    if len(mixed) != 1:
        return [to_tsquery(nodes, common=common)]
    return [to_tsquery(nodes, common=common, mixed=part) for part in ("pairs", "words")]


def _phrases(nodes):
    for node in nodes:
        if isinstance(node, Phrase):
            yield node
        elif isinstance(node, AnyOf):
            yield from _phrases(node.options)


def _is_mixed(node, common):
    if len(node.terms) != 2 or any(term.prefix for term in node.terms):
        return False
    first, second = node.terms
    kinds = {a in common and b in common for a in first.forms for b in second.forms}
    return kinds == {True, False}


def _tsquery(node, weights, common, mixed=None):
    if isinstance(node, Term):
        label = (":*" if node.prefix else ":" if weights else "") + weights
        return _either([f"'{form}'{label}" for form in node.forms], joiner=" | ")
    if isinstance(node, Phrase):
        phrase = "(" + " <-> ".join(_tsquery(term, weights, common) for term in node.terms) + ")"
        if len(node.terms) == 2:
            return _tsquery_two_words(*node.terms, weights, common, mixed) or phrase
        # A longer phrase is still checked in each document, but only in those holding its
        # pairs: GIN narrows them down first.
        pairs = [_tsquery_pair(a, b, weights, common) for a, b in itertools.pairwise(node.terms)]
        found = [pair for pair in pairs if pair]
        return "(" + " & ".join([*found, phrase]) + ")" if found else phrase
    options = [_tsquery(option, weights, common, mixed) for option in node.options]
    return _either(options, joiner=" | ")


def _tsquery_two_words(first, second, weights, common, mixed):
    """A two-word phrase as each combination of its words' forms: the pair term where both
    are common, which GIN answers exactly with no document read, and the words side by side
    otherwise (of a mixed phrase, only the part `mixed` names); or "" when no combination
    has a pair term."""
    if first.prefix or second.prefix:
        return ""
    label = f":{weights}" if weights else ""
    combinations = [(a, b) for a in first.forms for b in second.forms]
    if not any(a in common and b in common for a, b in combinations):
        return ""
    if mixed and not all(a in common and b in common for a, b in combinations):
        combinations = [
            (a, b) for a, b in combinations if (a in common and b in common) == (mixed == "pairs")
        ]
    return _either(
        [
            f"'{pair_term(a, b)}'{label}"
            if a in common and b in common
            else f"('{a}'{label} <-> '{b}'{label})"
            for a, b in combinations
        ],
        joiner=" | ",
    )


def _tsquery_pair(first, second, weights, common):
    """The pair terms two neighbouring terms of a phrase may be, or "" unless the index
    holds them all (every form common, no prefix)."""
    if first.prefix or second.prefix:
        return ""
    if not all(form in common for form in first.forms + second.forms):
        return ""
    label = f":{weights}" if weights else ""
    return _either(
        [f"'{pair_term(a, b)}'{label}" for a in first.forms for b in second.forms], joiner=" | "
    )


def _either(parts, joiner=" OR "):
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"
