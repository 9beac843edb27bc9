"""The versions editors see and restore: django-simple-history's history page and revert
view, with a reason on each version that says what the admin's form did."""

from django.utils.formats import date_format
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

# The history tables' change reason holds 100 characters.
REASON_LENGTH = 100


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin whose objects' versions are listed, compared field by field and restored."""

    def save_model(self, request, obj, form, change):
        version = self._version_restored(request)
        if version is not None:
            when = date_format(version.history_date, "DATETIME_FORMAT")
            obj._change_reason = Truncator(f"restored the version of {when}").chars(REASON_LENGTH)
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        """The admin's summary of a change is the version's reason: the field changes are
        in the version itself, but not the keywords, aliases or labels that the form's
        inlines added, changed or deleted, which only the summary names."""
        entry = super().log_change(request, obj, message)
        latest = obj.history.first()
        summary = entry.get_change_message()
        if latest is not None and summary and not latest.history_change_reason:
            latest.history_change_reason = Truncator(summary).chars(REASON_LENGTH)
            latest.save(update_fields=["history_change_reason"])
        return entry

    def _version_restored(self, request):
        """The version the revert view is restoring, or None for any other view."""
        match = request.resolver_match
        if match is None or not match.url_name.endswith("_simple_history"):
            return None
        version_id = match.args[-1]  # after the object's id
        return self.model.history.filter(history_id=version_id).first()
