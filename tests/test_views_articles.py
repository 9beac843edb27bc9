import datetime
import re

import pytest
from django.urls import reverse

from archive.models import Article
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def section(page, start, end):
    """The part of the page from the first `start` to the next `end`."""
    return page.split(start, 1)[1].split(end, 1)[0]


def beside_url(article, other_pk):
    return reverse("article_beside", args=[article.pk, article.slug, other_pk])


# --- The article ------------------------------------------------------------------------


def test_detail_shows_the_article_with_its_parts_and_translation(client, seeds):
    article = seeds["004"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert ">L&#x27;appel Trump-Xi renforce" in section(page, "<h1", "</h1>")
    assert '<p class="title-en" lang="en">Trump–Xi call boosts' in page
    assert '<article class="article" lang="fr"' in page
    assert "<p>Le 5 juin, le président américain Donald Trump" in page
    assert "About June 2025" in page
    vietnamese = seeds["004-vi"]
    assert f'href="{vietnamese.get_absolute_url()}" hreflang="vi"' in page


def test_detail_renders_subheadings_standfirst_and_captions(client, seeds):
    page = client.get(seeds["003"].get_absolute_url()).content.decode()
    article = section(page, "<article", "</article>")
    # Its standfirst is its (derived) title, shown once.
    assert ">The American Secretary of State intends in particular" in section(page, "<h1", "</h1>")
    assert article.count("The American Secretary of State intends") == 1
    assert "<h2>Passage through Shanghai</h2>" in page
    page = client.get(seeds["001"].get_absolute_url()).content.decode()
    assert page.count('<p class="caption">') == 2
    assert "<h2>Autoritair monsterverbond</h2>" in page


def test_detail_shows_date_precision_and_tags(client, tagged):
    page = client.get(tagged["call"].get_absolute_url()).content.decode()
    assert "June 2025" in page
    assert 'href="/topics/trade/"' in page
    assert 'href="/events/trump-xi-call-2025/"' in page


@pytest.mark.parametrize("suffix", ["", "wrong-slug/", "%00/", "a%1Bb/"])
def test_an_outdated_or_missing_slug_redirects_to_the_canonical_url(client, tagged, suffix):
    article = tagged["talks"]
    response = client.get(f"/articles/{article.pk}/{suffix}")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    [
        "/articles/999999/x/",
        "/articles/99999999999999999999999999/x/",
        "/articles/abc/",
        "/articles/%00/",
        "/articles/1%1B/x/",
        "/nope/",
        "/nope%00/",
    ],
)
def test_unknown_articles_are_a_clean_404(client, tagged, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_the_header_names_the_source_with_its_link_and_the_language(client, db):
    article = ArticleFactory(
        title="Soja",
        language=LanguageFactory(code="nl", name_en="Dutch", name_native="Nederlands"),
        source_name="NRC",
        source_url="https://www.nrc.nl/soja",
        published=datetime.date(2019, 2, 1),
        date_precision="month",
        date_approximate=True,
    )
    meta = section(client.get(article.get_absolute_url()).content.decode(), 'class="meta"', "</p>")
    assert '<time datetime="2019-02">About February 2019</time>' in meta
    assert "Dutch" in meta
    assert '<a href="https://www.nrc.nl/soja" rel="noopener">NRC</a>' in meta


@pytest.mark.parametrize(
    "source_url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "//x.org"]
)
def test_a_source_url_that_is_not_a_web_address_is_named_but_not_linked(client, db, source_url):
    # Neither the form nor the loader stores one; a shell or an import by hand might.
    article = ArticleFactory(title="Soja", source_name="NRC", source_url=source_url)
    meta = section(client.get(article.get_absolute_url()).content.decode(), 'class="meta"', "</p>")
    assert "NRC" in meta
    assert "<a " not in meta


def test_events_come_before_topics_in_the_tags_each_named_as_such(client, tagged):
    tags = section(
        client.get(tagged["call"].get_absolute_url()).content.decode(), '"tags"', "</ul>"
    )
    assert re.findall(r'href="/(\w+)/[^"]+"><span class="tag-kind">(\w+)</span>', tags) == [
        ("events", "Event"),
        ("topics", "Topic"),
    ]


def test_the_page_loads_only_its_own_script_deferred_and_no_inline_code(client, seeds):
    page = client.get(seeds["004"].get_absolute_url()).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert any(re.search(r'src="/static/js/citation\.[0-9a-f]+\.js" defer', s) for s in scripts)
    assert all("src=" in script for script in scripts)
    assert " style=" not in page
    assert "onclick" not in page


# --- Its languages --------------------------------------------------------------------


def test_the_switch_lists_every_language_of_the_piece_and_marks_the_current_one(client, seeds):
    french, vietnamese = seeds["004"], seeds["004-vi"]
    for current, other in [(french, vietnamese), (vietnamese, french)]:
        page = client.get(current.get_absolute_url()).content.decode()
        switch = section(page, 'aria-label="Languages of this article"', "</nav>")
        links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"( aria-current="page")?>', switch)
        assert links == [
            (french.get_absolute_url(), "fr", ' aria-current="page"' if current == french else ""),
            (
                vietnamese.get_absolute_url(),
                "vi",
                ' aria-current="page"' if current != french else "",
            ),
        ]
        assert '<span lang="fr">Français</span> <span class="versions-en">French</span>' in switch
        assert '<span class="versions-original">original</span>' in switch
        assert (
            '<span lang="vi">Tiếng Việt</span> <span class="versions-en">Vietnamese</span>'
            in switch
        )
        assert f'href="{beside_url(current, other.pk)}"' in switch
        assert "Side by side with" in switch


def test_an_article_in_one_language_has_no_switch(client, tagged):
    page = client.get(tagged["talks"].get_absolute_url()).content.decode()
    assert "Languages of this article" not in page
    assert "/beside/" not in page


def test_the_switch_of_a_translation_reaches_every_sibling(client, db):
    original = ArticleFactory(title="Original", language=LanguageFactory(code="en"))
    siblings = [
        ArticleFactory(
            title=f"Translation {code}",
            language=LanguageFactory(code=code, name_en=name, name_native=name),
            translation_of=original,
        )
        for code, name in [("vi", "Vietnamese"), ("de", "German")]
    ]
    page = client.get(siblings[0].get_absolute_url()).content.decode()
    switch = section(page, 'aria-label="Languages of this article"', "</nav>")
    assert re.findall(r'hreflang="(\w+)"', switch) == ["en", "de", "vi"]  # original first
    assert switch.count("/beside/") == 2


# --- Side by side ------------------------------------------------------------------------


def test_side_by_side_pairs_the_blocks_in_order_each_column_in_its_language(client, seeds):
    french, vietnamese = seeds["004"], seeds["004-vi"]
    response = client.get(beside_url(french, vietnamese.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>French and Vietnamese, side by side</h1>" in page
    rows = re.findall(r'<div class="beside-row">(.*?)\n    </div>', page, re.S)
    assert len(rows) == max(len(french.blocks), len(vietnamese.blocks)) == 5
    first = re.findall(r'<div class="beside-cell" lang="(\w+)"><p>([^<]{12})', rows[0])
    assert first == [("fr", "Le 5 juin, l"), ("vi", "Ngày 5/6, Tổ")]
    heads = section(page, "beside-heads", '<div class="beside-row">')
    assert f'<a href="{french.get_absolute_url()}" hreflang="fr">L&#x27;appel' in heads
    assert "original</p>" in heads
    assert "translation</p>" in heads
    assert f'href="{french.get_absolute_url()}">← Back to the article' in page


def test_when_counts_differ_the_rest_continue_in_their_column(client, db):
    original = ArticleFactory(title="Three", body="One.\nTwo.\nThree.")
    other = ArticleFactory(
        title="Eins", body="Eins.", language=LanguageFactory(code="de"), translation_of=original
    )
    page = client.get(beside_url(original, other.pk)).content.decode()
    cells = re.findall(r'<div class="beside-cell" lang="(\w+)">(.*?)</div>', page)
    assert cells[-6:] == [
        ("en", "<p>One.</p>"),
        ("de", "<p>Eins.</p>"),
        ("en", "<p>Two.</p>"),
        ("de", ""),
        ("en", "<p>Three.</p>"),
        ("de", ""),
    ]
    page = client.get(beside_url(other, original.pk)).content.decode()
    cells = re.findall(r'<div class="beside-cell" lang="(\w+)">(.*?)</div>', page)
    assert cells[-2:] == [("de", ""), ("en", "<p>Three.</p>")]


def test_side_by_side_with_a_bad_or_unrelated_id_is_a_404(client, seeds):
    french = seeds["004"]
    for other in [seeds["002"].pk, french.pk, 999999, 10**30]:
        response = client.get(beside_url(french, other))
        assert response.status_code == 404
        assert "Not found" in response.content.decode()
    assert client.get(f"/articles/{french.pk}/x/beside/abc/").status_code == 404
    assert client.get(f"/articles/999999/x/beside/{french.pk}/").status_code == 404


def test_side_by_side_with_an_old_slug_redirects(client, seeds):
    french, vietnamese = seeds["004"], seeds["004-vi"]
    response = client.get(f"/articles/{french.pk}/old-title/beside/{vietnamese.pk}/")
    assert response.status_code == 301
    assert response["Location"] == beside_url(french, vietnamese.pk)


def test_side_by_side_offers_the_other_languages_when_there_are_more(client, db):
    original = ArticleFactory(title="Original")
    vi, de = (
        ArticleFactory(title=code, language=LanguageFactory(code=code), translation_of=original)
        for code in ("vi", "de")
    )
    page = client.get(beside_url(original, vi.pk)).content.decode()
    switch = section(page, 'aria-label="Compare with another language"', "</nav>")
    assert f'href="{beside_url(original, de.pk)}" hreflang="de">' in switch
    assert f'href="{beside_url(original, vi.pk)}" hreflang="vi" aria-current="page">' in switch


# --- Citation ----------------------------------------------------------------------------


def test_the_citations_point_at_the_permalink_with_the_date_as_known(client, seeds):
    article = seeds["004"]
    page = client.get(article.get_absolute_url()).content.decode()
    cite = section(page, '<section class="cite"', "</section>")
    permalink = f"http://testserver/articles/{article.pk}/"
    assert f'Permanent link: <a href="{permalink}">{permalink}</a>' in cite
    assert re.findall(r"<h3[^>]*>(\w+)</h3>", cite) == ["APA", "Chicago", "BibTeX"]
    texts = re.findall(r"<pre[^>]*>(.*?)</pre>", cite, re.S)
    assert "(2025, June). " + permalink in texts[0]
    assert f"June 2025. {permalink}." in texts[1]
    assert "  year = {2025},\n  month = jun,\n  language" in texts[2]
    assert f"  url = {{{permalink}}}," in texts[2]
    assert f"@article{{archive2025trump-{article.pk}," in texts[2]
    # The headline is marked as French inside the English citation.
    assert all('<span lang="fr">L&#x27;appel Trump-Xi' in text for text in texts)
    # The permalink survives a new title.
    Article.objects.filter(pk=article.pk).update(title="Another title")
    assert (
        client.get(permalink)["Location"] == Article.objects.get(pk=article.pk).get_absolute_url()
    )


# --- Related articles --------------------------------------------------------------------


def test_related_articles_are_listed_with_their_language_never_the_article_or_its_translations(
    client, seeds
):
    french = seeds["004"]
    page = client.get(french.get_absolute_url()).content.decode()
    related = section(page, '<section class="related"', "</section>")
    links = re.findall(r'<a href="/articles/(\d+)/[^"]*" hreflang="(\w+)" lang="(\w+)">', related)
    assert 0 < len(links) <= 5
    shown = {int(pk) for pk, _, _ in links}
    assert not shown & {french.pk, seeds["004-vi"].pk}
    assert seeds["002"].pk in shown  # shares its topics
    assert all(hreflang == lang for _, hreflang, lang in links)
    assert "French ·" in related
    assert "Same topics: Diplomacy and summits, Rare earths and 1 more" in related


# --- Queries -----------------------------------------------------------------------------


def test_the_page_makes_as_many_queries_for_many_tags_and_translations_as_for_few(
    client, db, django_assert_max_num_queries
):
    def piece(n_tags, n_translations):
        topics = TopicFactory.create_batch(n_tags)
        events = EventFactory.create_batch(n_tags)
        original = ArticleFactory(topics=topics, events=events)
        for code in ["vi", "de", "fr", "nl", "zh", "ja"][:n_translations]:
            ArticleFactory(
                language=LanguageFactory(code=code), translation_of=original, topics=topics
            )
        for _ in range(6):  # related, each sharing all of it
            ArticleFactory(topics=topics, events=events)
        return original

    few, many = piece(1, 1), piece(12, 6)
    for article in (few, many):
        url = article.get_absolute_url()
        # One of them reads the data version the page is kept under (archive.views.read_only).
        with django_assert_max_num_queries(9):
            page = client.get(url).content.decode()
        assert page.count('class="tag') >= 2
        beside = re.search(r'href="([^"]+/beside/\d+/)"', page).group(1)
        with django_assert_max_num_queries(3):
            assert client.get(beside).status_code == 200
