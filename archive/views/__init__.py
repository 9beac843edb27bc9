"""The reader's pages, one module per kind of page; each view stays thin over the search
(archive.search) and the models' QuerySet methods."""

from functools import wraps

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from archive.routing import public_reads
from archive.search import cache


def read_only(view):
    """A public page: GET and HEAD only, any other method answered 405. It takes no form,
    so CSRF has nothing to protect; exempt from it, an unsafe method gets its 405 rather
    than the CSRF check's 403. Its reads of the archive's data may go to a read replica, one
    for the whole request (archive.routing.public_reads), the data version included.

    What it answers a reader without a session is kept whole under the data version
    (archive.search.cache), so the same page asked again costs a cache read, and no longer
    than the data it shows stays unchanged. Signed-in editors always get a fresh page."""

    @wraps(view)
    def remembered_for_readers(request, *args, **kwargs):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        # The host and scheme are in the key: feeds, sitemaps and citations write whole URLs.
        key = ("page", request.scheme, request.get_host(), request.get_full_path())
        return cache.response_remembered(
            key,
            lambda: view(request, *args, **kwargs),
            version=cache.data_version(),
            seconds=settings.ARCHIVE_PAGE_CACHE_SECONDS,
        )

    return csrf_exempt(require_safe(public_reads(remembered_for_readers)))
