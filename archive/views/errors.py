"""The page of a request Django refuses before any view reads it (a 400: too many
parameters, a host the site does not serve, a list filter the admin does not offer), which
says what was wrong, where Django's own page says only "Bad Request"."""

from django.conf import settings
from django.shortcuts import render

# By the class name of the SuspiciousOperation Django raised. The exception's own message is
# not shown: some hold what a reader should not see (the hosts the site serves).
REASONS = {
    "TooManyFieldsSent": (
        "The address has more parameters than the archive reads "
        f"(at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,})."
    ),
    "DisallowedHost": "The address names a host this site does not serve.",
    "DisallowedModelAdminLookup": "The list was asked to filter by something it does not offer.",
    "DisallowedModelAdminToField": "The list was asked for a field it does not offer.",
    "DisallowedRedirect": "The address asks to be sent to a place that is not allowed.",
    "RequestDataTooBig": "The request sent more data than the archive reads.",
    "TooManyFilesSent": "The request sent more files than the archive reads.",
}
OTHERWISE = "The request was malformed, so the archive could not read it."


def bad_request(request, exception=None):
    reason = REASONS.get(type(exception).__name__, OTHERWISE)
    return render(request, "400.html", {"reason": reason}, status=400)
