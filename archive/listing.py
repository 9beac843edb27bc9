"""What a results page shows around its articles: the facets as links that add or remove a
filter, the active filters each with its own "remove" link, and what to try when nothing
matched. Every state is a URL: each link here is the current query string with one change.

A listing page (a topic's, an event's, a language's) is the results page with one filter
set by its path (`fixed`): that filter is part of the search but not of the links, which
keep the reader on the page.
"""

from dataclasses import dataclass

from django.utils.dateformat import format as date_format

from archive.filters import TRANSLATION_CHOICES
from archive.text import without_control_characters

# Parameters that may repeat (any language of those asked for; every topic and event), and
# those that take one value: a facet link adds to the first and replaces the second.
REPEATABLE = ("language", "topic", "event", "source")
FACET_HEADINGS = {
    "language": "Language",
    "topic": "Topic",
    "event": "Event",
    "year": "Year",
    "source": "Source",
    "translated": "Translation",
}
# Facet values shown before "more" (the rest fold behind a <details>).
SHOWN_VALUES = 8
# The filters whose removal a page with no results counts, each one search.
MOST_SUGGESTIONS = 6


@dataclass(frozen=True)
class Link:
    label: str
    url: str  # a query string, starting with "?"
    count: int | None = None
    active: bool = False


def link_params(query, form):
    """The request's parameters (`query`, a QueryDict) as the page's links carry them on:
    only the filters' own, without those the form refused or found not valid (it names them
    and ignores them) and without the page; the search text as it was searched for; each
    value once, a source as it is matched (trimmed). Nothing the page does not understand is
    echoed into it, and an export or feed link never carries a value it would refuse."""
    params = query.copy()
    for name in list(params):
        if name not in form.fields or name in form.refused or name in form.errors:
            del params[name]
    params.pop("page", None)
    if "q" in params:
        params.setlist("q", [without_control_characters(v) for v in params.getlist("q")])
    for name in REPEATABLE:
        values = [v.strip() if name == "source" else v for v in params.getlist(name)]
        if name in params:
            params.setlist(name, list(dict.fromkeys(v for v in values if v)))
    return params


def encoded(params):
    """`params` (a QueryDict) urlencoded without the page: a change of filters, an export
    and a feed start from the first."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def query_string(params):
    """`params` as a link's query string, "?" alone for none (an empty href would keep the
    current query)."""
    return f"?{encoded(params)}"


def url_with(path, params):
    """`path` with `params` (urlencoded by `encoded`), if any."""
    query = encoded(params)
    return f"{path}?{query}" if query else path


def with_value(params, name, value):
    changed = params.copy()
    if name in REPEATABLE:
        changed.setlist(name, [*changed.getlist(name), value])
    else:
        changed[name] = value
    return query_string(changed)


def without_value(params, name, value=None):
    changed = params.copy()
    kept = [v for v in changed.getlist(name) if value is not None and v != value]
    changed.setlist(name, kept)
    return query_string(changed)


def facet_links(facets, params, *, fixed=None):
    """{facet: [Link]} from a search's facets ({facet: [{"value", "label", "count"}]}): a
    value in force removes itself, any other adds itself. The page's own filter (`fixed`,
    (name, value)) is not a link."""
    links = {}
    for name, values in facets.items():
        chosen = {str(value) for value in params.getlist(name)}
        items = []
        for item in values:
            value = item["value"]
            if value in (None, ""):  # "Undated", "Unknown source": nothing to filter on
                items.append(Link(item["label"], "", item["count"]))
                continue
            value = str(value)
            if fixed == (name, value):
                continue
            active = value in chosen
            url = without_value(params, name, value) if active else with_value(params, name, value)
            items.append(Link(item["label"], url, item["count"], active))
        if any(link.url for link in items):  # not a facet when nothing in it filters
            links[name] = {
                "heading": FACET_HEADINGS[name],
                "links": items[:SHOWN_VALUES],
                "more": items[SHOWN_VALUES:],
            }
    return links


def active_filters(form, params):
    """[Link] for each filter in force (from the request's own parameters), each removing
    itself, in the order of the form's fields."""
    if not form.is_bound:
        return []
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    labels = {
        "language": lambda item: item.name_en,
        "topic": lambda item: item.name,
        "event": lambda item: item.name,
    }
    for name, heading in (("language", "Language"), ("topic", "Topic"), ("event", "Event")):
        for item in cleaned.get(name) or ():
            value = item.code if name == "language" else item.slug
            if value in params.getlist(name):
                chips.append(
                    Link(f"{heading}: {labels[name](item)}", without_value(params, name, value))
                )
    for source in cleaned.get("source") or ():
        chips.append(Link(f"Source: {source}", without_value(params, "source", source)))
    if year := cleaned.get("year"):
        chips.append(Link(f"Year: {year}", without_value(params, "year")))
    if translated := cleaned.get("translated"):
        chips.append(
            Link(dict(TRANSLATION_CHOICES)[translated], without_value(params, "translated"))
        )
    for name, heading in (("date_from", "From"), ("date_to", "To")):
        if day := cleaned.get(name):
            chips.append(
                Link(f"{heading} {date_format(day, 'j F Y')}", without_value(params, name))
            )
    if query := without_control_characters(cleaned.get("q") or "").strip():
        chips.append(Link(f"Search: {query}", without_value(params, "q")))
    if cleaned.get("expand") == "0":
        chips.append(Link("Words only as typed", without_value(params, "expand")))
    return chips


def suggestions(chips, *, count_without):
    """When nothing matched: the filters in force (chips) whose removal would show some
    articles, with how many, the most first. `count_without(url)` counts the
    matches of the query string `url`."""
    counted = [Link(chip.label, chip.url, count_without(chip.url)) for chip in chips]
    return sorted((link for link in counted if link.count), key=lambda link: -link.count)
