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
