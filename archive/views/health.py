"""/healthz: whether this server process can answer, for a load balancer or a supervisor."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


# Not read_only: its answer must never come from a cache, and a cache keyed on the data
# version would ask the database before the view could answer 503.
@never_cache
@csrf_exempt
@require_safe
def healthz(request):
    """200 when the database answers a query, 503 (with the reason) when it does not: a
    process that cannot reach its database should be taken out of service, not sent
    readers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
