"""The reader's pages, one module per kind of page; each view stays thin over the search
(archive.search) and the models' QuerySet methods."""

from functools import wraps

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from archive.release import release
from archive.routing import public_reads
from archive.search import cache


def read_only(view=None, *, remembered=True):
    """A public page: GET and HEAD only, any other method answered 405. It takes no form,
    so CSRF has nothing to protect; exempt from it, an unsafe method gets its 405 rather
    than the CSRF check's 403. Its reads of the archive's data may go to a read replica, one
    for the whole request (archive.routing.public_reads), the data version included.

    What it answers a reader who is not signed in is kept whole under the data version
    (archive.search.cache), so the same page asked again costs a cache read, and no longer
    than the data it shows stays unchanged. Signed-in editors always get a fresh page. A
    view whose answers are never kept (a stream: `@read_only(remembered=False)`) skips even
    reading the version."""
    if view is None:
        return lambda view: read_only(view, remembered=remembered)
    if not remembered:
        return csrf_exempt(require_safe(public_reads(view)))

    @wraps(view)
    def remembered_for_readers(request, *args, **kwargs):
        if _signed_in(request):
            return view(request, *args, **kwargs)
        key = (
            "page",
            # Another release's pages, with other templates and static file names, never.
            release(),
            # Feeds, sitemaps and citations write whole URLs.
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            # A citation gives the day it was read.
            timezone.localdate().isoformat(),
        )
        return cache.response_remembered(
            key,
            lambda: _for_everyone(request, view(request, *args, **kwargs)),
            version=cache.data_version(),
            seconds=settings.ARCHIVE_PAGE_CACHE_SECONDS,
        )

    return csrf_exempt(require_safe(public_reads(remembered_for_readers)))


def _signed_in(request):
    # Without a session cookie no session is read (a query saved on most requests).
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def _for_everyone(request, response):
    """The response, marked private when it holds something of this reader's own: a CSRF
    token (a template asked for one), which would otherwise be kept and sent to everyone."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        patch_cache_control(response, private=True)
    return response
