"""Editors' accounts: the "Editors" group and its permissions, new editor accounts, and the
page shown when too many failed sign-ins have locked an account or an address (django-axes)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.shortcuts import render

EDITORS_GROUP = "Editors"

# The models editors manage, as "app_label.model_name": the group may add, change, delete
# and view each of them, and nothing else (no users, groups or permissions). A model added
# here needs a migration that calls `editors_group_sync` with the new list (see 0013).
EDITOR_MODELS = (
    "archive.article",
    "archive.tagsuggestion",
    "archive.tagrejection",
    "archive.event",
    "archive.eventalias",
    "archive.topic",
    "archive.topickeyword",
    "archive.concept",
    "archive.conceptlabel",
    "archive.language",
)
EDITOR_ACTIONS = ("add", "change", "delete", "view")

# Long enough for any password validator, short enough to type from a note: 24 characters
# of URL-safe base64, 144 random bits.
GENERATED_PASSWORD_BYTES = 18


def editors_group_sync(*, apps=global_apps, models=EDITOR_MODELS, using=DEFAULT_DB_ALIAS):
    """Create the Editors group if missing and give it exactly the permissions to manage
    `models` ("app_label.model_name"), taking away any other. Returns the group.

    A migration passes its own `apps` and the list of models as they stand at that
    migration, never EDITOR_MODELS itself: on a fresh database a later model does not exist
    yet when an earlier migration runs.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_labels = {label.split(".")[0] for label in models}
    # Permissions are made by post_migrate, after every migration: on a fresh database none
    # exists yet when this runs, so they are made here first (create_permissions skips those
    # that exist). A migration's app configs hold no models module, which it checks for.
    for app_label in sorted(app_labels):
        app_config = apps.get_app_config(app_label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps, using=using)
        finally:
            app_config.models_module = models_module
    wanted = permissions_of(models)
    permissions = [
        permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in=app_labels)
        .select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    found = {(p.content_type.app_label, p.codename) for p in permissions}
    if missing := wanted - found:
        raise LookupError(f"No such permissions: {sorted(missing)}")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.set(permissions)
    return group


def editors_group_remove(*, apps=global_apps, using=DEFAULT_DB_ALIAS):
    apps.get_model("auth", "Group").objects.using(using).filter(name=EDITORS_GROUP).delete()


def permissions_of(models=EDITOR_MODELS):
    """{(app_label, codename)} of every action on each of `models`."""
    wanted = set()
    for label in models:
        app_label, model_name = label.lower().split(".")
        wanted |= {(app_label, f"{action}_{model_name}") for action in EDITOR_ACTIONS}
    return wanted


class EditorExists(ValueError):
    pass


@dataclass(frozen=True)
class NewEditor:
    user: object
    # The password to hand over, when it was generated here; None when the caller chose it.
    generated_password: str | None


def password_generate():
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def password_check(password, *, username, email=""):
    """Django's password validators (AUTH_PASSWORD_VALIDATORS) on `password` for an account
    not yet made; raises ValidationError with every reason."""
    validate_password(password, get_user_model()(username=username, email=email))


def username_check(username):
    """Raises EditorExists when `username` is taken, ValidationError when it is not a valid
    username: before asking for a password that would be typed for nothing."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise EditorExists(f"An account named {username!r} exists already.")
    User(username=username).clean_fields(exclude=["password"])


def editor_create(*, username, email="", password=None):
    """A staff account in the Editors group, with `password` or, without one, a generated
    password returned once in NewEditor.generated_password (only its hash is stored).

    Raises EditorExists when the username is taken, ValidationError when the username,
    email or password is not acceptable, and Group.DoesNotExist before migrations ran.
    """
    username_check(username)
    generated = None if password else password_generate()
    user = get_user_model()(username=username, email=email, is_staff=True)
    user.full_clean(exclude=["password"], validate_unique=False)
    validate_password(password or generated, user)
    user.set_password(password or generated)
    try:
        with transaction.atomic():
            group = Group.objects.get(name=EDITORS_GROUP)
            user.save()
            user.groups.add(group)
    except IntegrityError as error:  # made by someone else between the check and the save
        raise EditorExists(f"An account named {username!r} exists already.") from error
    return NewEditor(user=user, generated_password=generated)


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the admin's
    own page, saying why and for how long, with the status axes would give."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.conf import settings
    from django.contrib import admin

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cool_off": duration_text(cool_off) if cool_off else "",
    }
    # Rendered now: the middleware that asks for it comes after the template response phase.
    return render(
        request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def duration_text(delta: timedelta):
    """ "30 minutes", "1 hour", "1 hour 30 minutes", "2 days": rounded up to the minute."""
    minutes = -(-int(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "a moment"


def client_ip_address(request):
    """The address sign-in failures are counted by (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or
    the header ARCHIVE_LOGIN_CLIENT_IP_HEADER names when a proxy sets it. Of a list
    (X-Forwarded-For) the last item is the one the proxy added; those before it are the
    client's to invent."""
    from django.conf import settings

    header = settings.ARCHIVE_LOGIN_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    address = forwarded.split(",")[-1].strip()
    return address or request.META.get("REMOTE_ADDR")
