import getpass
import sys

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.accounts import (
    EDITORS_GROUP,
    EditorExists,
    editor_create,
    password_check,
    username_check,
)


class Command(BaseCommand):
    help = (
        f"Create a staff account in the {EDITORS_GROUP} group. Prints a generated password "
        "once, or asks for one (--prompt, or when run on a terminal)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")
        parser.add_argument(
            "--prompt",
            action="store_true",
            help="Ask for the password (twice) instead of generating one; the default on a "
            "terminal.",
        )
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Generate the password even on a terminal.",
        )

    def handle(self, *args, username, email, prompt, generate, **options):
        if prompt and generate:
            raise CommandError("Choose --prompt or --generate, not both.")
        asks = prompt or (not generate and sys.stdin.isatty())
        try:
            if asks:
                username_check(username)
            password = self.password_ask(username=username, email=email) if asks else None
            created = editor_create(username=username, email=email, password=password)
        except EditorExists as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except Group.DoesNotExist as error:
            raise CommandError(
                f"The {EDITORS_GROUP} group does not exist: run `manage.py migrate` first."
            ) from error
        self.stdout.write(f"Created the editor {username!r} in the {EDITORS_GROUP} group.")
        if created.generated_password:
            self.stdout.write(
                f"Password (shown this once; hand it over safely): {created.generated_password}"
            )

    def password_ask(self, *, username, email):
        """A password typed twice that passes the password validators; asks again until one
        does (Ctrl-C gives up)."""
        while True:
            try:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            except (EOFError, KeyboardInterrupt) as error:
                raise CommandError("No password given; no account created.") from error
            if password != again:
                self.stderr.write("The two passwords differ.")
                continue
            try:
                password_check(password, username=username, email=email)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
