from archive.ingest.fingerprint import (
    band_values,
    bands,
    content_hash,
    near,
    near_duplicates,
    simhash,
)

STORY = (
    "China and the United States concluded talks on Thursday that could lead to the biggest "
    "deal ever, according to the American president. He means an agreement that should not "
    "only end the current trade war between the two countries but also regulate trade "
    "between them in the future. The talks this week in Washington took place between a "
    "Chinese delegation and the American treasury secretary."
)


def test_content_hash_ignores_case_and_spacing_only():
    assert content_hash("A  title", "Body text") == content_hash("a title", "BODY\ntext")
    assert content_hash("A title", "Body text") != content_hash("A title", "Body text.")


def test_a_reprint_with_a_late_edit_is_near_and_another_story_is_far(settings):
    seeds = settings.BASE_DIR / "seeds"
    story = (seeds / "001_7549e6808e136bb1.txt").read_text()
    # The same wire story, reprinted with a correction near its end.
    edited = story.replace("verkeken", "verspeeld")
    other = (seeds / "000_8ff6cba9d9860a50.txt").read_text()
    assert near(simhash(story), simhash(edited))
    assert not near(simhash(story), simhash(other))
    assert simhash(STORY) == simhash(STORY.upper())


def test_short_texts_have_no_simhash():
    assert simhash("Too short to compare.") is None


def test_bands_cover_all_64_bits():
    value = simhash(STORY)
    parts = bands(value)
    assert len(parts) == 4
    assert sum(part << (16 * index) for index, part in enumerate(parts)) == value & (2**64 - 1)


def test_simhash_values_do_not_change_between_versions(settings):
    # Stored fingerprints are compared with those of articles loaded later: a change to how
    # they are computed would hide near duplicates of everything loaded before it.
    seeds = settings.BASE_DIR / "seeds"
    assert [
        simhash(path.read_text(encoding="utf-8-sig")) for path in sorted(seeds.glob("*.txt"))
    ] == [
        -1014133986863348319,
        8374488977674139641,
        5449025797822277402,
        5214308980239168021,
        661057197737637737,
    ]


# Near duplicates: (id, SimHash, id of the original or None) triples.
A = simhash(STORY)
NEAR_A = A ^ 0b101  # two bits apart, within the first band
FAR = ~A  # every bit apart


def test_the_bands_looked_up_are_each_band_s_values_once_and_in_order():
    expected = [sorted({bands(A)[band], bands(NEAR_A)[band]}) for band in range(4)]
    assert band_values([NEAR_A, A, A]) == expected


def test_an_article_duplicates_the_first_older_article_near_it():
    older = [(1, FAR, None), (2, NEAR_A, None), (3, A ^ 0b1, None)]
    assert near_duplicates([(10, A, None)], older) == {10: 2}
    assert near_duplicates([(10, A, None)], [(1, FAR, None)]) == {}


def test_in_one_batch_a_later_article_duplicates_an_earlier_one_and_not_the_reverse():
    assert near_duplicates([(10, A, None), (11, NEAR_A, None)], []) == {11: 10}


def test_an_article_never_duplicates_its_original_or_the_original_s_translations():
    translations = [(11, NEAR_A, 10), (12, A, 10)]
    assert near_duplicates(translations, [(10, A, None)]) == {}
    assert near_duplicates([(11, NEAR_A, 10)], [(20, A, None)]) == {11: 20}
    # An original is not a near duplicate of its translations either.
    assert near_duplicates([(10, A, None)], [(11, NEAR_A, 10)]) == {}
