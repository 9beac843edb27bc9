"""An article's index terms, however its texts reach them."""

import pytest

from archive.ingest.tagging import texts_of
from archive.models import Article
from archive.search.documents import article_terms, document_terms
from archive.text import fold

pytestmark = pytest.mark.django_db


def test_terms_from_texts_folded_beforehand_are_the_terms_of_the_texts(seeds):
    for article in Article.objects.select_related("language"):
        folded = {text: fold(text) for text in texts_of(article)}
        given = document_terms(
            title=article.title,
            title_en=article.title_en,
            standfirst=article.standfirst,
            blocks=article.blocks,
            language=article.language.code,
            folded=folded,
        )
        assert given == article_terms(article)
        assert given["body"]
