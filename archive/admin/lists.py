"""What every list of the editors' side refuses in its query string, where Django's admin
would hand it to the database as it is and fail with a 500: a regular-expression lookup
(?title__regex=( is a syntax error to PostgreSQL) and a control character in a filter's
value or in the text an autocomplete searches for (PostgreSQL refuses a NUL in text, where
SQLite finds nothing). A refused filter is a 400 that names it (archive.views.errors);
control characters typed for an autocomplete are left out of its search, as the public
search leaves them out of a query. The list's own search box refuses them already (Django's
search form)."""

from django.db.models.constants import LOOKUP_SEP

from archive.text import control_character, without_control_characters

REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


class CheckedListMixin:
    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in REFUSED_LOOKUPS:
            return False
        if isinstance(value, str) and control_character(value):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, without_control_characters(search_term)
        )
