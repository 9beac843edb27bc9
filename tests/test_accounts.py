"""The Editors group, editor accounts, and what a locked-out sign-in is answered with."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from archive.accounts import (
    EDITOR_MODELS,
    EDITORS_GROUP,
    EditorExists,
    client_ip_address,
    duration_text,
    editor_create,
    editors_group_sync,
    permissions_of,
)

pytestmark = pytest.mark.django_db


def group_permissions():
    group = Group.objects.get(name=EDITORS_GROUP)
    return {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }


def test_the_migrated_group_may_manage_exactly_the_archive_and_nothing_else():
    permissions = group_permissions()
    assert permissions == permissions_of(EDITOR_MODELS)
    assert ("archive", "change_article") in permissions
    assert ("archive", "delete_tagsuggestion") in permissions
    assert ("archive", "view_conceptlabel") in permissions
    assert len(permissions) == 4 * len(EDITOR_MODELS)
    assert {app_label for app_label, _ in permissions} == {"archive"}


def test_every_model_of_the_archive_is_one_editors_manage():
    # A new model is left out of the editors' reach until EDITOR_MODELS names it and a
    # migration gives the group its permissions (see migration 0013). The versions kept by
    # django-simple-history are not among them: editors read and restore them through the
    # model's own admin, with the model's permissions, and never edit a version.
    models = {
        f"archive.{model._meta.model_name}"
        for model in apps.get_app_config("archive").get_models()
        if not model._meta.model_name.startswith("historical")
    }
    assert models == set(EDITOR_MODELS)


def test_syncing_again_takes_away_a_permission_added_by_hand_and_keeps_the_rest():
    group = Group.objects.get(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="view_article"))
    assert editors_group_sync() == group
    assert group_permissions() == permissions_of(EDITOR_MODELS)
    assert Group.objects.filter(name=EDITORS_GROUP).count() == 1


def test_the_group_is_made_again_with_its_permissions_when_missing():
    Group.objects.filter(name=EDITORS_GROUP).delete()
    editors_group_sync(models=["archive.topic"])
    assert group_permissions() == {
        ("archive", "add_topic"),
        ("archive", "change_topic"),
        ("archive", "delete_topic"),
        ("archive", "view_topic"),
    }


def test_an_unknown_model_is_an_error_not_a_smaller_group():
    with pytest.raises(LookupError, match="view_nosuchthing"):
        editors_group_sync(models=["archive.nosuchthing"])


def test_a_new_editor_is_staff_in_the_group_with_a_generated_password_stored_hashed():
    created = editor_create(username="alice", email="alice@example.org")
    user = created.user
    user.refresh_from_db()
    assert user.is_staff
    assert not user.is_superuser
    assert [group.name for group in user.groups.all()] == [EDITORS_GROUP]
    assert user.email == "alice@example.org"
    assert len(created.generated_password) >= 20
    assert created.generated_password not in user.password
    assert user.check_password(created.generated_password)
    assert user.has_perm("archive.change_article")
    assert not user.has_perm("auth.view_user")


def test_generated_passwords_are_never_the_same():
    passwords = {editor_create(username=f"editor{n}").generated_password for n in range(20)}
    assert len(passwords) == 20


def test_a_chosen_password_is_used_and_not_returned():
    created = editor_create(username="bob", password="tariff-Kuala-Lumpur-42")
    assert created.generated_password is None
    assert created.user.check_password("tariff-Kuala-Lumpur-42")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83920174659", "entirely numeric"),
        ("carol2025", "too similar"),
    ],
)
def test_a_weak_password_is_refused_and_no_account_made(password, message):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError, match=message):
        editor_create(username="carol", password=password)
    assert not User.objects.filter(username="carol").exists()


def test_a_taken_username_is_refused_and_the_account_left_as_it_was():
    first = editor_create(username="alice").user
    with pytest.raises(EditorExists, match="'alice' exists already"):
        editor_create(username="alice", email="other@example.org")
    first.refresh_from_db()
    assert first.email == ""


def test_an_invalid_username_or_email_is_refused():
    with pytest.raises(ValidationError):
        editor_create(username="no spaces allowed")
    with pytest.raises(ValidationError):
        editor_create(username="dave", email="not an address")


def test_failures_are_counted_by_the_address_the_server_saw_unless_a_proxy_header_is_named(
    settings,
):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip_address(request) == "10.0.0.2"
    settings.ARCHIVE_LOGIN_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip_address(request) == "203.0.113.9"
    # Of a forwarded list, only the proxy's own last entry is trusted.
    settings.ARCHIVE_LOGIN_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    forwarded = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_ip_address(forwarded) == "198.51.100.7"
    assert client_ip_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(minutes=30), "30 minutes"),
        (datetime.timedelta(hours=1), "1 hour"),
        (datetime.timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (datetime.timedelta(days=2), "2 days"),
        (datetime.timedelta(seconds=61), "2 minutes"),
        (datetime.timedelta(0), "a moment"),
    ],
)
def test_a_lock_lasts_for_a_duration_said_in_words(delta, text):
    assert duration_text(delta) == text
