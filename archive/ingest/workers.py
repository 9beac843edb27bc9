"""The entry points of the loader's worker processes.

Kept free of model imports: a spawned worker imports this module before Django is set up,
and sets it up in `start`.
"""

import os
import pickle

_tagger = None


def start(tagger_pickle, languages):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    django.setup()
    from django.conf import settings

    # The parent's settings may have been changed at run time (tests do): follow them.
    settings.ARCHIVE_LANGUAGES = list(languages)
    global _tagger
    _tagger = pickle.loads(tagger_pickle)


def prepare(batch, path, origin, common):
    from archive.ingest.prepare import jsonl_batch_prepare

    prepared = jsonl_batch_prepare(batch, path, origin, _tagger, common)
    for item in prepared:
        if item.record is not None:
            # The writer needs what was made of the text, not the text: a third less to
            # pickle and send back. Blocks go as the JSON the database stores.
            item.record.text = ""
        for article in item.articles:
            article.parsed.blocks = None
    return prepared
