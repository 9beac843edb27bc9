import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Serve static files as production does: hashed, compressed, through WhiteNoise."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


@pytest.fixture
def seeds(db, settings):
    """The five seed files, loaded through the real loader."""
    from archive.ingest.services import articles_load

    outcomes = list(articles_load(paths=[settings.BASE_DIR / "seeds"]))
    assert [outcome.status for outcome in outcomes] == ["created"] * 5
    return {outcome.path.split("/")[-1][:3]: outcome.article for outcome in outcomes}
