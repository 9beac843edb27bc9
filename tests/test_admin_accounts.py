"""What an editor may do in the admin, and signing in to it: five failures lock an account
or an address (django-axes), until the cool-off ends or the lock is lifted."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from archive.accounts import editor_create
from archive.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kuala-Lumpur-talks-2025"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor():
    return editor_create(username="alice", password=PASSWORD).user


def sign_in(client, username="alice", password=PASSWORD, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def form_data(response, **changes):
    """The admin change form on `response` as the browser would send it back, unchanged but
    for `changes`: built from the form itself, whatever widgets its fields use."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            add(form)
    data.update(changes)
    return data


def test_an_editor_opens_the_article_list_and_changes_an_article(client, editor):
    article = ArticleFactory(title="Blinken visit")
    assert signed_in(sign_in(client))
    listing = client.get("/admin/archive/article/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [article]
    url = f"/admin/archive/article/{article.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(url, form_data(form, title="Blinken visits Beijing"))
    assert response.status_code == 302, response.context["adminform"].errors
    assert Article.objects.get(pk=article.pk).title == "Blinken visits Beijing"


def test_an_editor_sees_the_archive_on_the_index_and_no_accounts(client, editor):
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    for model in ("article", "event", "topic", "concept", "language"):
        assert f'href="/admin/archive/{model}/"' in page
    assert "/admin/auth/" not in page
    assert "/admin/axes/" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/axes/accessattempt/",
    ],
)
def test_an_editor_is_refused_the_accounts_pages(client, editor, path):
    client.force_login(editor)
    assert client.get(path).status_code == 403


def test_an_editor_cannot_change_their_own_account(client, editor):
    client.force_login(editor)
    assert client.get(f"/admin/auth/user/{editor.pk}/change/").status_code == 403


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, editor):
    for attempt in range(1, 5):
        response = sign_in(client, password=f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = sign_in(client, password="wrong-5")
    assert fifth.status_code == 429
    sixth = sign_in(client)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "Sign-in is locked after 5 failed attempts" in page
    assert "for the account “alice” or from this address" in page
    assert "Try again in 30 minutes" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the sign-in page


def test_the_account_is_locked_from_any_address(client, editor):
    for attempt in range(5):
        sign_in(client, password="wrong", address=f"198.51.100.{attempt}")
    assert sign_in(client, address="203.0.113.1").status_code == 429


def test_the_address_is_locked_for_any_account(client, editor):
    for attempt in range(5):
        sign_in(client, username=f"guess{attempt}", password="wrong")
    response = sign_in(client)
    assert response.status_code == 429
    assert signed_in(sign_in(client, address="203.0.113.1"))


def test_a_successful_sign_in_clears_earlier_failures(client, editor):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert signed_in(sign_in(client))
    client.logout()
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    assert signed_in(sign_in(client))


def test_axes_reset_lifts_the_lock(client, editor):
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    call_command("axes_reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert signed_in(sign_in(client))


def test_axes_reset_username_lifts_the_lock_of_one_account(client, editor):
    for _ in range(5):
        sign_in(client, password="wrong", address="198.51.100.1")
    call_command("axes_reset_username", "alice", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert signed_in(sign_in(client))


def test_an_administrator_lifts_the_lock_in_the_admin(client, admin_client, editor):
    for _ in range(5):
        sign_in(client, password="wrong", address="198.51.100.1")
    listing = admin_client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    [attempt] = listing.context["cl"].result_list
    assert attempt.username == "alice"
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert signed_in(sign_in(client))


def test_the_lock_ends_after_the_cool_off(client, editor):
    for _ in range(5):
        sign_in(client, password="wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert signed_in(sign_in(client))


def test_the_limit_and_the_cool_off_come_from_the_settings(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(hours=2)
    sign_in(client, password="wrong")
    response = sign_in(client, password="wrong")
    assert response.status_code == 429
    assert "locked after 2 failed attempts" in response.content.decode()
    assert "Try again in 2 hours" in response.content.decode()


def test_an_attempt_during_the_lock_starts_the_wait_again(client, editor):
    for _ in range(5):
        sign_in(client, password="wrong")
    twenty_minutes_ago = timezone.now() - datetime.timedelta(minutes=20)
    AccessAttempt.objects.update(attempt_time=twenty_minutes_ago)
    assert sign_in(client).status_code == 429
    # The 30 minutes now count from this attempt, not from the fifth failure.
    latest = AccessAttempt.objects.latest("attempt_time").attempt_time
    assert latest > timezone.now() - datetime.timedelta(minutes=1)
