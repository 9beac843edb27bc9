"""Types the models share with code that must not import them.

The loader prepares articles in worker processes that have no use for the database, and the
search index is imported by the models' search; both need to know an article's kinds of
block and how its blocks are written as JSON. So this module imports nothing from the app.
"""

import json

from django.db import models


class BlockKind(models.TextChoices):
    PARAGRAPH = "paragraph", "Paragraph"
    SUBHEADING = "subheading", "Subheading"
    CAPTION = "caption", "Photo caption"


class UnicodeJSONEncoder(json.JSONEncoder):
    """Stores text as UTF-8 rather than \\u escapes, so that SQLite can match words in it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "ensure_ascii": False})
