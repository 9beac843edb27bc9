from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.detect import detect_language
from archive.ingest.services import article_ingest, articles_load
from archive.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 1000
    return settings.ARCHIVE_MAX_FILE_BYTES


def write(folder, name, content):
    path = Path(folder) / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


DUTCH = "Heel veel sojabonen\n\nChina en de VS hebben donderdag besprekingen afgesloten.\n"


def test_each_seed_becomes_one_article_in_its_language(seeds):
    languages = {prefix: article.language.code for prefix, article in seeds.items()}
    assert languages == {"000": "nl", "001": "nl", "002": "fr", "003": "en", "004": "fr"}
    assert Article.objects.count() == 5
    assert seeds["000"].source_path == "seeds/000_8ff6cba9d9860a50.txt"


def test_a_short_first_line_is_the_headline_and_a_paragraph_gives_a_derived_title(seeds):
    assert seeds["004"].title.startswith("L'appel Trump-Xi renforce l'image")
    assert not seeds["004"].body.startswith("L'appel Trump-Xi renforce")
    assert seeds["003"].title == (
        "The American Secretary of State intends in particular to raise with Beijing "
        "the question of support for the Russian defense industry."
    )
    assert seeds["000"].title.startswith("China en de VS hebben donderdag besprekingen afgesloten")
    assert len(seeds["000"].title) <= 151
    assert seeds["000"].body.startswith("China en de VS")


def test_loading_twice_changes_nothing(seeds, settings):
    before = list(Article.objects.values_list("pk", "title", "content_hash", "updated_at"))
    outcomes = list(articles_load(paths=[settings.BASE_DIR / "seeds"]))
    assert [outcome.status for outcome in outcomes] == ["skipped"] * 5
    assert list(Article.objects.values_list("pk", "title", "content_hash", "updated_at")) == before


def test_byte_order_mark_and_windows_line_ends_are_the_same_text(tmp_path):
    first = article_ingest(path=write(tmp_path, "a.txt", DUTCH))
    second = article_ingest(
        path=write(tmp_path, "b.txt", b"\xef\xbb\xbf" + DUTCH.replace("\n", "\r\n").encode())
    )
    assert first.status == "created"
    assert second.status == "skipped"


def test_text_is_stored_in_nfc(tmp_path):
    decomposed = (
        "Les e\u0301changes commerciaux entre la Chine et les E\u0301tats-Unis reprennent.\n"
    )
    outcome = article_ingest(path=write(tmp_path, "fr.txt", decomposed))
    assert "échanges" in outcome.article.body
    assert outcome.article.language.code == "fr"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"Bonjour\nle caf\xe9 est ferm\xe9\n", "line 2: not valid UTF-8"),
        (b"12345 678\n\n-- 42 --\n", "cannot tell the language"),
        (b"x" * 1001, "over the 1,000-byte limit"),
    ],
)
def test_a_bad_file_is_reported_with_its_reason_and_stores_nothing(
    tmp_path, small_limit, content, reason
):
    outcome = article_ingest(path=write(tmp_path, "bad.txt", content))
    assert outcome.status == "failed"
    assert reason in outcome.detail
    assert outcome.path.endswith("bad.txt")
    assert Article.objects.count() == 0


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", DUTCH)

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    outcome = article_ingest(path=path)
    assert outcome.status == "failed"
    assert "Permission denied" in outcome.detail


def test_the_batch_goes_on_past_a_bad_file(tmp_path):
    write(tmp_path, "1.txt", b"\x00\x01")
    write(tmp_path, "2.txt", DUTCH)
    write(tmp_path, "notes.pdf", b"%PDF")
    write(tmp_path, ".hidden.txt", DUTCH + "extra")
    outcomes = list(articles_load(paths=[tmp_path, tmp_path / "missing.txt"]))
    assert [(Path(o.path).name, o.status) for o in outcomes] == [
        ("1.txt", "failed"),
        ("2.txt", "created"),
        ("missing.txt", "failed"),
    ]


def test_the_command_prints_what_it_did_and_fails_when_a_file_failed(tmp_path, capsys):
    write(tmp_path, "good.txt", DUTCH)
    write(tmp_path, "bad.txt", b"")
    with pytest.raises(CommandError, match="1 file"):
        call_command("load_seeds", str(tmp_path))
    captured = capsys.readouterr()
    assert "created" in captured.out
    assert "good.txt" in captured.out
    assert "1 created, 0 skipped, 1 failed" in captured.out
    assert "bad.txt: empty file" in captured.err


def test_the_command_loads_the_seeds_folder_by_default(capsys):
    call_command("load_seeds")
    assert "5 created, 0 skipped, 0 failed" in capsys.readouterr().out
    call_command("load_seeds")
    assert "0 created, 5 skipped, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Heel veel sojabonen", "nl"),
        ("Les droits de douane pourraient atteindre 100 %", "fr"),
        ("Passage through Shanghai", "en"),
        ("Cuộc gọi giữa Trump và Tập Cận Bình", "vi"),
        ("稀土出口管制", "zh"),
        ("!!! 123", None),
    ],
)
def test_language_detection(text, code):
    assert detect_language(text) == code
