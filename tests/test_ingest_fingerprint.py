from archive.ingest.fingerprint import bands, content_hash, near, simhash

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


def test_a_small_edit_keeps_the_simhash_near_and_another_story_is_far():
    edited = STORY.replace("Thursday", "Friday")
    other = STORY.replace("China", "Russia").replace("trade", "arms").replace("talks", "visit")
    assert near(simhash(STORY), simhash(edited))
    assert not near(simhash(STORY), simhash(other[::-1]))


def test_short_texts_have_no_simhash():
    assert simhash("Too short to compare.") is None


def test_bands_cover_all_64_bits():
    value = simhash(STORY)
    parts = bands(value)
    assert len(parts) == 4
    assert sum(part << (16 * index) for index, part in enumerate(parts)) == value & (2**64 - 1)
