"""The articles related to an article, for the foot of its page (`related_articles`).

Related means, in this order: sharing one of its events (more shared events first, then more
shared topics), sharing one of its topics (more shared first), and naming the same people
and places, found through the thesaurus in any language. Within a rank, newest first. The
tags' ranks choose among the newest CANDIDATES articles sharing any of the tags, so that a
topic on a third of the archive costs what a rare one does. Each rank is asked for only when
the ones before it leave places free, and the thesaurus search runs only for articles with
few tags.

The article itself and its translations are never related to it, and a story counts once:
of an original and its translations only the first found is shown.
"""

import re

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value

from archive.models import Article, Concept, ConceptLabel, Event, Topic
from archive.search.analysis import UNSPACED_RUN
from archive.text import fold

# Fetched beyond `limit` in each rank, so that translations dropped as the same story leave
# enough others.
OVERFETCH = 3
# The newest articles sharing a tag among which those sharing the most come first.
CANDIDATES = 200
# People and places, not subjects: the article's topics stand for its subjects already.
CONCEPT_KINDS = (Concept.Kind.PERSON, Concept.Kind.PLACE)
# Names searched for at most: the thesaurus search takes them as one query of alternatives.
MAX_NAMES = 8
# Why an article is related, said of one thing and of several.
SAME_EVENTS = ("Same event", "Same events")
SAME_TOPICS = ("Same topic", "Same topics")
ALSO_NAMES = ("Also names", "Also names")
WORD = re.compile(r"[^\W_]+")


def related_articles(*, article, limit=5):
    """Up to `limit` articles related to `article`, each with `related_because`, a short
    English phrase saying why ("Same event: Trump–Xi phone call")."""
    story = article.translation_of_id or article.pk
    found, stories = [], {story}

    def take(candidates, because):
        for candidate in candidates:
            key = candidate.translation_of_id or candidate.pk
            if key in stories:
                continue
            stories.add(key)
            candidate.related_because = because(candidate)
            found.append(candidate)
            if len(found) == limit:
                return True
        return False

    others = Article.objects.exclude(pk=story).exclude(translation_of_id=story)
    others = others.select_related("language").defer("blocks")
    # Prefetched by the article's page: read from the article, no query.
    events = [event.pk for event in article.events.all()]
    topics = [topic.pk for topic in article.topics.all()]
    newest = (F("published").desc(nulls_last=True), "-pk")
    if events:
        sharing = (
            _recent_sharing(others, Article.events.through, "event_id", events)
            .annotate(
                shared_events=Count("events", filter=Q(events__in=events), distinct=True),
                shared_topics=(
                    Count("topics", filter=Q(topics__in=topics), distinct=True)
                    if topics
                    else Value(0)
                ),
            )
            .order_by("-shared_events", "-shared_topics", *newest)
            .prefetch_related(_shared("events", Event, events))
        )
        if take(sharing[: limit * OVERFETCH], lambda a: _because(SAME_EVENTS, a.shared)):
            return found
    if topics:
        sharing = (
            _recent_sharing(others, Article.topics.through, "topic_id", topics)
            .exclude(pk__in=[a.pk for a in found])
            .annotate(shared_topics=Count("topics", filter=Q(topics__in=topics)))
            .order_by("-shared_topics", *newest)
            .prefetch_related(_shared("topics", Topic, topics))
        )
        if take(sharing[: limit * OVERFETCH], lambda a: _because(SAME_TOPICS, a.shared)):
            return found
    labels = list(
        ConceptLabel.objects.filter(concept__kind__in=CONCEPT_KINDS).values_list(
            "concept_id", "concept__name", "language_id", "text"
        )
    )
    named = concepts_named(article, labels)
    if named:
        # The labels as the article writes them; search adds the other languages' labels.
        query = " OR ".join(f'"{label}"' for _, label in list(named.values())[:MAX_NAMES])
        matches = Article.objects.search(query, sort="relevance").results
        candidates = [a for a in matches[: limit * OVERFETCH] if not _same(a, story)]
        wanted = [row for row in labels if row[0] in named]

        def because(candidate):
            names = [name for name, _ in concepts_named(candidate, wanted).values()]
            return _because(ALSO_NAMES, names) if names else "Names the same people or places"

        take(candidates, because)
    return found


def concepts_named(article, labels):
    """{concept id: (its name, the label the article names it by most)} for the concepts
    among `labels` ((concept id, concept name, language id, text) rows) that the article
    names, the most often named first.

    A label of the article's own language (or of none) matches folded, as search matches
    it (Pekin for Pékin); a label of another language, or an abbreviation ("US"), only as
    written, so that the English "US" matches neither the pronoun "us" nor the Vietnamese
    "Mỹ" the English "my".
    """
    text = "\n".join(
        [article.title, article.title_en, article.standfirst]
        + [block.get("text", "") for block in article.blocks]
    )
    folded = fold(text)
    # A label whose first word the text lacks is passed over without a pattern: the
    # thesaurus has many labels, an article few of them.
    words = {False: set(WORD.findall(folded)), True: set(WORD.findall(text))}
    counts = {}
    for concept_id, name, language_id, label in labels:
        as_written = language_id not in (None, article.language_id) or _abbreviation(label)
        label = label if as_written else fold(label)
        first = WORD.search(label)
        if first is None or (
            not UNSPACED_RUN.match(first.group()) and first.group() not in words[as_written]
        ):
            continue
        found = _occurrences(label, text if as_written else folded)
        if found and found > counts.get(concept_id, (0,))[0]:
            counts[concept_id] = (found, name, label.replace('"', ""))
    ranked = sorted(counts.items(), key=lambda item: -item[1][0])
    return {concept_id: (name, label) for concept_id, (_, name, label) in ranked}


def _abbreviation(label):
    return label.isupper() and len(label) <= 4


def _occurrences(label, text):
    """How often `label` stands in `text` as whole words (anywhere, for Chinese and
    Japanese, written without spaces)."""
    if UNSPACED_RUN.fullmatch(label):
        return text.count(label)
    words = WORD.findall(label)
    if not words:
        return 0
    pattern = r"(?<![^\W_])" + r"\W+".join(map(re.escape, words)) + r"(?![^\W_])"
    return len(re.findall(pattern, text))


def _recent_sharing(others, through, column, pks):
    """The newest CANDIDATES of `others` tagged with any of `pks` (through `through`).

    A broad topic tags a third of the archive: counting what each of those shares would
    read them all (300 ms at 300,000 articles on PostgreSQL), where walking the date index
    until enough are found reads a few hundred.
    """
    tagged = others.filter(
        Exists(through.objects.filter(article_id=OuterRef("pk"), **{f"{column}__in": pks}))
    )
    # By the date alone, as its index is kept, and the undated apart: ordered with NULLs
    # last, or with a tie-break, or the two in one query, PostgreSQL sorts every tagged
    # article instead (150 to 650 ms against 1 to 13).
    dated = tagged.filter(published__isnull=False).order_by("-published")
    ids = list(dated.values_list("pk", flat=True)[:CANDIDATES])
    if len(ids) < CANDIDATES:
        undated = tagged.filter(published__isnull=True).order_by()
        ids += undated.values_list("pk", flat=True)[: CANDIDATES - len(ids)]
    return others.filter(pk__in=ids)


def _shared(relation, model, pks):
    """The candidates' tags among the article's, as `shared` on each."""
    return Prefetch(relation, queryset=model.objects.filter(pk__in=pks), to_attr="shared")


def _same(candidate, story):
    return (candidate.translation_of_id or candidate.pk) == story


def _because(reason, things):
    """("Same topic", "Same topics") and the things: "Same topics: Taiwan, Trade and 1 more"."""
    names = [str(thing) for thing in things]
    shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    return f"{reason[len(names) > 1]}: {shown}"
