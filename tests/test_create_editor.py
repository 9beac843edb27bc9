"""`manage.py create_editor`: an editor's account, with a password shown once or typed."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from archive.accounts import EDITORS_GROUP

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_editor", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch):
    """As under CI or a pipe: stdin is not a terminal, unless a test says otherwise."""
    monkeypatch.setattr("sys.stdin", io.StringIO())


def typed(monkeypatch, *answers):
    """getpass answers these, in order; returns the prompts it was shown."""
    answers = list(answers)
    prompts = []

    def getpass(prompt):
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def printed_password(out):
    return re.search(r"Password \(shown this once; hand it over safely\): (\S+)", out).group(1)


def test_prints_a_generated_password_once_that_signs_in(client):
    out, _ = run("alice", "--email", "alice@example.org")
    assert "Created the editor 'alice' in the Editors group." in out
    password = printed_password(out)
    assert out.count(password) == 1
    user = User.objects.get(username="alice")
    assert user.is_staff
    assert user.email == "alice@example.org"
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "alice", "password": password}
    )
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_no_two_editors_get_the_same_password():
    passwords = {printed_password(run(f"editor{n}")[0]) for n in range(10)}
    assert len(passwords) == 10


def test_an_existing_username_is_an_error_and_changes_nothing():
    run("alice")
    before = User.objects.get(username="alice").password
    with pytest.raises(CommandError, match=r"An account named 'alice' exists already\."):
        run("alice", "--email", "x@example.org")
    assert User.objects.get(username="alice").password == before


def test_an_existing_username_exits_non_zero_from_the_shell():
    from django.core.management import ManagementUtility

    run("alice")
    utility = ManagementUtility(["manage.py", "create_editor", "alice"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0


def test_prompt_asks_twice_and_prints_no_password(monkeypatch):
    prompts = typed(monkeypatch, "Kuala-Lumpur-talks", "Kuala-Lumpur-talks")
    out, _ = run("bob", "--prompt")
    assert prompts == ["Password: ", "Password (again): "]
    assert "Password (shown" not in out
    assert "Kuala-Lumpur-talks" not in out
    assert User.objects.get(username="bob").check_password("Kuala-Lumpur-talks")


def test_a_terminal_is_asked_for_the_password(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    typed(monkeypatch, "Kuala-Lumpur-talks", "Kuala-Lumpur-talks")
    out, _ = run("bob")
    assert "Password (shown" not in out
    assert User.objects.get(username="bob").check_password("Kuala-Lumpur-talks")


def test_a_terminal_may_still_ask_for_a_generated_one(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    out, _ = run("bob", "--generate")
    assert User.objects.get(username="bob").check_password(printed_password(out))


def test_a_weak_or_mistyped_password_is_asked_again(monkeypatch):
    prompts = typed(
        monkeypatch,
        "short",
        "short",
        "Kuala-Lumpur-talks",
        "Kuala-Lumpur-tlaks",
        "Kuala-Lumpur-talks",
        "Kuala-Lumpur-talks",
    )
    _, err = run("bob", "--prompt")
    assert len(prompts) == 6
    assert "This password is too short." in err
    assert "The two passwords differ." in err
    assert User.objects.get(username="bob").check_password("Kuala-Lumpur-talks")


def test_giving_up_at_the_prompt_makes_no_account(monkeypatch):
    def interrupted(prompt):
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)
    with pytest.raises(CommandError, match="no account created"):
        run("bob", "--prompt")
    assert not User.objects.filter(username="bob").exists()


def test_a_taken_username_is_refused_before_any_password_is_typed(monkeypatch):
    run("alice")
    prompts = typed(monkeypatch)
    with pytest.raises(CommandError, match="exists already"):
        run("alice", "--prompt")
    assert prompts == []


def test_without_the_group_it_says_to_migrate():
    Group.objects.filter(name=EDITORS_GROUP).delete()
    with pytest.raises(CommandError, match=r"run `manage\.py migrate` first"):
        run("alice")
    assert not User.objects.filter(username="alice").exists()


def test_prompt_and_generate_together_are_refused():
    with pytest.raises(CommandError, match="not both"):
        run("alice", "--prompt", "--generate")
