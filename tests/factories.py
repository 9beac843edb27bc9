import datetime
import hashlib

import factory

from archive.dates import DatePrecision
from archive.models import Article, Event, Language, Topic


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "en"
    name_en = factory.LazyAttribute(lambda language: language.code.upper())
    name_native = factory.LazyAttribute(lambda language: language.code.upper())


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    start_date = datetime.date(2025, 6, 5)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        body = factory.Faker("paragraph", nb_sentences=5)

    title = factory.Sequence(lambda n: f"Article number {n}")
    blocks = factory.LazyAttribute(
        lambda article: [
            {"kind": "paragraph", "text": line} for line in article.body.split("\n") if line
        ]
    )
    language = factory.SubFactory(LanguageFactory)
    published = datetime.date(2025, 6, 5)
    date_precision = DatePrecision.DAY
    content_hash = factory.LazyAttribute(
        lambda article: hashlib.sha256(f"{article.title}\n{article.body}".encode()).hexdigest()
    )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if create and extracted:
            self.events.set(extracted)
