from pathlib import Path

import pytest

from archive.ingest.structure import derive_title, is_caption, parse, split_paragraphs

LONG_FR = (
    "Les discussions portent sur les restrictions chinoises à l’exportation de terres rares, "
    "des minerais stratégiques indispensables à la production de batteries et d’éoliennes. "
    "Les tensions se sont accrues début octobre, lorsque Pékin a imposé des licences."
)
MORE_FR = (
    "Un compromis ouvrirait la voie à une rencontre Trump–Xi en marge du sommet de l’APEC, "
    "jeudi prochain, où pourraient être abordées des concessions réciproques sur les taxes, "
    "les contrôles technologiques et les achats de produits américains par la Chine."
)
LONG_EN = (
    "Washington acknowledges that China has refrained from providing direct military "
    "assistance to Russia, but denounces the transfer of dual-use materials that Russia uses "
    "to produce munitions and weapons used in its war against Ukraine."
)


@pytest.mark.parametrize(
    "caption",
    [
        "Xi Jinping en Vladimir Poetin in 2019. Beeld Getty",
        "Antony Blinken arrives in Shanghai. (Getty Images)",
        "Des manifestants à Hong Kong. Photo AFP",
        "Trump in Busan. (Photo by Andrew Harnik/Getty Images)",
        "Li Qiang in Beijing. Foto: ANP",
    ],
)
def test_credit_lines_mark_captions(caption):
    assert is_caption(caption)


@pytest.mark.parametrize(
    "text", ["Heel veel sojabonen", LONG_EN, "The photo shows a summit in Beijing."]
)
def test_ordinary_text_is_not_a_caption(text):
    assert not is_caption(text)


def test_blank_lines_or_line_breaks_separate_paragraphs_and_hard_wrapped_lines_join():
    assert [p.text for p in split_paragraphs("One.\nTwo.\n\nThree.")] == ["One.", "Two.", "Three."]
    wrapped = (
        "This paragraph was wrapped by an editor at a fixed width so that\n"
        "its lines are all of about the same length, as e-mails used to\n"
        "be written.\n\nNext."
    )
    assert [p.text for p in split_paragraphs(wrapped)] == [
        "This paragraph was wrapped by an editor at a fixed width so that its lines are all "
        "of about the same length, as e-mails used to be written.",
        "Next.",
    ]


def test_typography_is_kept():
    [paragraph] = split_paragraphs("« Le sommet\u00a0» — l’appel   du 5\u202fjuin")
    assert paragraph.text == "« Le sommet\u00a0» — l’appel du 5\u202fjuin"


def test_headline_subheadings_captions_and_paragraphs_are_told_apart():
    text = "\n\n".join(
        [
            "Rare earths at the heart of the talks",
            LONG_EN,
            "Passage through Shanghai",
            "Blinken in Shanghai. (Getty Images)",
            LONG_EN.replace("Washington", "Beijing"),
        ]
    )
    [article] = parse(text)
    assert article.language == "en"
    assert article.title == "Rare earths at the heart of the talks"
    assert not article.title_is_derived
    assert [b["kind"] for b in article.blocks] == [
        "paragraph",
        "subheading",
        "caption",
        "paragraph",
    ]


def test_without_a_headline_the_title_is_the_first_sentence_and_marked_derived():
    [article] = parse(LONG_FR + "\n\n" + LONG_FR.replace("Pékin", "Beijing"))
    assert article.title_is_derived
    assert article.title.startswith("Les discussions portent sur les restrictions chinoises")
    assert article.title.endswith("…")
    assert len(article.title) <= 151


def test_a_repeated_paragraph_is_stored_once():
    text = "\n\n".join(["Un titre", LONG_FR, "Un titre", LONG_FR, "Fin."])
    [article] = parse(text)
    assert article.title == "Un titre"
    assert [b["text"] for b in article.blocks] == [LONG_FR, "Fin."]


def test_a_short_first_paragraph_under_a_headline_is_the_standfirst():
    text = "\n\n".join(["A headline", "A one-sentence summary of the story.", LONG_EN])
    [article] = parse(text)
    assert article.standfirst == "A one-sentence summary of the story."
    assert [b["text"] for b in article.blocks] == [LONG_EN]


def test_markdown_headings_are_headline_and_subheadings():
    text = "# The headline\n\n" + LONG_EN + "\n\n## A section.\n\nThe end of it."
    [article] = parse(text)
    assert article.title == "The headline"
    assert [b["kind"] for b in article.blocks] == ["paragraph", "subheading", "paragraph"]


def test_a_short_heading_takes_its_neighbours_language():
    text = "\n\n".join([LONG_FR, "Taiwan", LONG_FR.replace("Pékin", "Beijing")])
    [article] = parse(text)
    assert article.language == "fr"
    assert article.blocks[1] == {"kind": "subheading", "text": "Taiwan"}


def test_a_short_quote_in_another_language_stays_in_its_article():
    text = "\n\n".join([LONG_FR, "“We will not back down,” he said.", LONG_FR.upper()])
    assert [a.language for a in parse(text)] == ["fr"]


def test_a_file_that_changes_language_becomes_one_article_per_language():
    vietnamese = (
        "Ngày 5/6, Tổng thống Mỹ Donald Trump đã có cuộc điện đàm với Chủ tịch Trung Quốc "
        "Tập Cận Bình. Đây là lần đầu tiên hai nhà lãnh đạo trực tiếp trao đổi kể từ khi Trump "
        "bắt đầu nhiệm kỳ thứ hai và căng thẳng thương mại leo thang trong năm 2025."
    )
    text = "\n\n".join(
        [
            "Titre français",
            "English headline of the piece",
            LONG_FR,
            LONG_FR.replace("Pékin", "Beijing"),
            "Tiêu đề tiếng Việt",
            vietnamese,
            vietnamese.replace("Trump", "ông Trump"),
        ]
    )
    french, vietnamese_article = parse(text)
    assert (french.language, french.title, french.title_en) == (
        "fr",
        "Titre français",
        "English headline of the piece",
    )
    assert (vietnamese_article.language, vietnamese_article.title) == ("vi", "Tiêu đề tiếng Việt")


def test_chinese_is_recognised_and_split_into_sentences_for_a_title():
    text = "美国和中国在吉隆坡举行贸易谈判。双方讨论了稀土出口管制和关税问题。" * 3
    [article] = parse(text)
    assert article.language == "zh"
    assert article.title == "美国和中国在吉隆坡举行贸易谈判。"


def test_metadata_title_replaces_the_headline_and_is_not_repeated():
    [article] = parse("The headline\n\n" + LONG_EN, title="The headline")
    assert article.title == "The headline"
    assert [b["text"] for b in article.blocks] == [LONG_EN]


def test_derive_title_cuts_long_sentences_on_a_word():
    title = derive_title("", [{"kind": "paragraph", "text": "word " * 100}])
    assert title.endswith("…")
    assert len(title) <= 151


def test_nothing_to_parse_gives_no_article():
    assert parse("") == []
    assert parse("12345 678") == []


def test_a_long_quote_in_another_language_does_not_split_the_article():
    english = " ".join([LONG_EN] * 3)
    text = "\n\n".join(
        [LONG_FR, LONG_FR.replace("Pékin", "Beijing"), english, MORE_FR, MORE_FR + " Fin."]
    )
    [article] = parse(text)
    assert article.language == "fr"
    assert english in article.running_text


@pytest.mark.parametrize(
    "text",
    [
        *[p.read_text() for p in sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))],
        "Headline\n\nFirst\u00a0paragraph  with   spaces.\n\nFIRST PARAGRAPH WITH SPACES.\n\n"
        "Straße und Maßnahmen – ΣΊΣΥΦΟΣ. " * 20,
    ],
)
def test_the_content_hash_made_while_parsing_is_that_of_the_parsed_texts(text):
    from archive.ingest.fingerprint import content_hash

    for article in parse(text):
        assert article.content_hash == content_hash(
            article.title, article.title_en, article.standfirst, article.running_text
        )


TEXTS = Path(__file__).parent / "texts"


@pytest.mark.parametrize(
    ("name", "language", "headline", "subheadings"),
    [
        (
            "zh-hans",
            "zh",
            "中美经贸会谈在斯德哥尔摩结束 双方同意继续推动延长关税休战",
            ["稀土与出口管制"],
        ),
        ("zh-hant", "zh", "美中貿易談判在吉隆坡落幕 稀土出口管制成焦點", []),
        ("ja", "ja", "米中首脳が電話会談 貿易摩擦の緩和を協議", []),
        ("ko", "ko", "미중 정상 전화 통화 무역 갈등 완화 논의", []),
    ],
)
def test_cjk_sentences_are_paragraphs_under_their_headline(name, language, headline, subheadings):
    text = (TEXTS / f"{name}.txt").read_text()
    [article] = parse(text)
    assert article.language == language
    assert (article.title, article.title_is_derived) == (headline, False)
    assert [b["text"] for b in article.blocks if b["kind"] == "subheading"] == subheadings
    paragraphs = [b["text"] for b in article.blocks if b["kind"] == "paragraph"]
    # Every line of the file but the headline and the subheadings, as a paragraph.
    lines = [line for line in text.splitlines() if line.strip()]
    assert paragraphs == [line for line in lines if line not in (headline, *subheadings)]


@pytest.mark.parametrize(
    "line",
    [
        "双方同意继续利用中美经贸磋商机制。",
        "一位官员说：「雙方取得了建設性進展。」",
        "専門家は「対話の再開は前向きな一歩だ」",
        "分析人士认为，此次会谈释放了积极信号…",
        "中方表示欢迎！",
        "这是真的吗？",
        "它说(不)",
        "He said: “We will not back down.”",
    ],
)
def test_a_line_ending_a_sentence_is_never_a_subheading(line):
    body = "中美经贸会谈29日在瑞典斯德哥尔摩结束。" * 4
    [article] = parse("\n\n".join(["标题", body, line, body.replace("29", "30")]))
    assert article.blocks[1] == {"kind": "paragraph", "text": line}


def test_a_short_cjk_line_without_final_punctuation_is_a_subheading_and_a_long_one_is_not():
    body = "中美经贸会谈29日在瑞典斯德哥尔摩结束，双方进行了坦诚的交流。" * 3
    short, long = (
        "稀土与出口管制",
        "双方就共同关心的经贸问题进行了坦诚深入富有建设性的交流并同意继续沟通",
    )
    [article] = parse("\n\n".join(["标题", body, short, body + "。", long, body + "！"]))
    kinds = {b["text"]: b["kind"] for b in article.blocks}
    assert (kinds[short], kinds[long]) == ("subheading", "paragraph")


@pytest.mark.parametrize("name", ["en-zh-blocks", "en-zh-lines"])
def test_english_interleaved_with_chinese_becomes_two_articles_with_their_own_headlines(name):
    english, chinese = parse((TEXTS / f"{name}.txt").read_text())
    assert (english.language, english.title) == (
        "en",
        "Joint statement on the Stockholm economic and trade talks",
    )
    assert (chinese.language, chinese.title) == ("zh", "关于斯德哥尔摩经贸会谈的联合声明")
    assert (english.title_is_derived, chinese.title_is_derived) == (False, False)
    english_text = english.standfirst + english.running_text
    assert "Both sides agreed" in english_text
    assert not any("双方" in b["text"] for b in english.blocks)
    assert "双方同意继续推动" in chinese.running_text
    assert not any("Both sides" in b["text"] for b in chinese.blocks)
    assert len(english.blocks) + bool(english.standfirst) >= 4
    assert len(chinese.blocks) >= 4


def test_lines_of_two_languages_in_one_block_are_two_articles_never_one_paragraph():
    english, french = parse((TEXTS / "en-fr-lines.txt").read_text())
    assert (english.language, english.title) == ("en", "Trade talks resume in Kuala Lumpur")
    assert (french.language, french.title) == (
        "fr",
        "Reprise des négociations commerciales à Kuala Lumpur",
    )
    assert [b["text"][:20] for b in english.blocks] == [
        "American and Chinese",
        "The talks focused on",
        "Both delegations des",
        "A meeting between th",
    ]
    assert [b["text"][:20] for b in french.blocks] == [
        "Les négociateurs amé",
        "Les discussions ont ",
        "Les deux délégations",
        "Une rencontre entre ",
    ]


def test_hard_wrapped_lines_in_two_languages_are_not_joined():
    english = [
        "This paragraph was wrapped by an editor at a fixed width so that",
        "its lines are all of about the same length, as e-mails used to be.",
    ]
    french = [
        "Ce paragraphe a été coupé par un rédacteur à une largeur fixe, de",
        "sorte que ses lignes ont toutes à peu près la même longueur, voilà.",
    ]
    text = "\n".join([*english, *french]) + "\n\n" + LONG_EN
    [article] = parse(text)
    assert article.blocks[0]["text"] == " ".join(english)
    assert " ".join(french) in article.running_text


def test_a_dutch_article_quoting_one_english_sentence_is_not_split():
    [article] = parse((TEXTS / "nl-english-quote.txt").read_text())
    assert article.language == "nl"
    assert article.title == "Handelsbesprekingen in Washington eindigen zonder akkoord"
    assert '"We are very close to the biggest deal ever made' in article.running_text


def test_a_title_derived_from_a_one_sentence_standfirst_is_not_repeated_under_it():
    standfirst = "The Secretary of State will raise Beijing's support for Russia's industry."
    text = "\n\n".join([standfirst, LONG_EN, standfirst + " " + LONG_EN.replace("Russia", "Iran")])
    [article] = parse(text)
    assert (article.title, article.title_is_derived) == (standfirst, True)
    assert article.standfirst == ""
    assert article.blocks[0]["text"] == LONG_EN


def test_a_title_derived_from_a_longer_standfirst_leaves_it_the_sentences_after():
    standfirst = "Blinken goes to Beijing. He will raise Russia."
    [article] = parse(standfirst, subtitle=standfirst)
    assert (article.title, article.standfirst) == (
        "Blinken goes to Beijing.",
        "He will raise Russia.",
    )


def test_derived_cjk_titles_are_cut_to_the_width_of_a_latin_one():
    title = derive_title("", [{"kind": "paragraph", "text": "中美经贸会谈" * 20 + "。"}])
    assert title.endswith("…")
    assert len(title) == 38
