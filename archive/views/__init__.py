"""The reader's pages, one module per kind of page; each view stays thin over the search
(archive.search) and the models' QuerySet methods."""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from archive.routing import public_reads


def read_only(view):
    """A public page: GET and HEAD only, any other method answered 405. It takes no form,
    so CSRF has nothing to protect; exempt from it, an unsafe method gets its 405 rather
    than the CSRF check's 403. Its reads of the archive's data may go to a read replica, one
    for the whole request (archive.routing.public_reads)."""
    return csrf_exempt(require_safe(public_reads(view)))
