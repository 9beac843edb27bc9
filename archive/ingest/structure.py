"""Telling the parts of an article apart in plain text.

A file is cut into paragraphs, each paragraph gets a language, runs of one language become one
article each (a file holding an article and its translation becomes two), and within each the
headline, an English headline, the standfirst, subheadings, photo captions and body paragraphs
are told apart. Verbatim repeats are dropped.
"""

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from archive.ingest.detect import (
    SHORT_PARAGRAPH_CHARS,
    in_context,
    languages_of_documents,
    read_languages,
)
from archive.ingest.fingerprint import normalised, normalised_content_hash
from archive.kinds import BlockKind
from archive.text import WIDE, mostly_wide, width

# Lengths are widths (archive.text.width): what a reader sees, in Latin characters, a CJK
# character counting as four: a subheading is at most 25 of them, a headline 62.
HEADLINE_MAX_CHARS = 250
SUBHEADING_MAX_CHARS = 100
SUBHEADING_MAX_WORDS = 14
STANDFIRST_MAX_CHARS = 320
DERIVED_TITLE_MAX_CHARS = 150
# A run of another language shorter than this is part of the article around it (a quote, a
# translated headline), not an article of its own.
MIN_ARTICLE_CHARS = 400
# What ends a sentence or a clause, in Latin and in CJK text (full stop, full-width forms,
# closing corner brackets and parentheses).
FINAL_PUNCTUATION = tuple(".,;:!?…。！？；：，、．」』）")
# Closing quotes and brackets: a line that ends with one after final punctuation (“… now.”)
# ends a sentence; after a CJK character, an ASCII one does too (它说“不”).
CLOSERS = ")]\"'”’»›"
ASCII_CLOSERS = tuple(")]\"'")
# A headline may ask or exclaim; it does not end with a full stop.
FULL_STOPS = tuple(".。．")
# Photo credits end captions: "… Beeld Getty", "(Getty Images)", "Photo AFP", "Foto: ANP".
CREDIT = re.compile(
    r"(?:\b(?:Beeld|Foto|Photo|Photograph|Image|Crédit photo|Credit|Bild|Ảnh|图|写真)\s*:?\s*"
    r"[\w.&/'’ -]{2,40}"
    r"|\((?:[^()]{0,40}\b)?(?:Getty Images|AFP|Reuters|AP|EPA|ANP|Xinhua|Bloomberg|"
    r"Hollandse Hoogte|Shutterstock)(?:\b[^()]{0,40})?\))\s*$"
)
# What every credit holds (a word of CREDIT's, or a closing bracket at the end): a literal
# search for these answers for most paragraphs at a sixth of CREDIT's cost.
CREDIT_HINT = re.compile(r"Beeld|Foto|Photo|Image|Crédit photo|Credit|Bild|Ảnh|图|写真|\)\s*$")
# Latin punctuation ends a sentence before a space; CJK full stops need none.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
# Runs of ordinary spaces collapse; non-breaking ones are typography and stay.
SPACES = re.compile(r"[ \t]+")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")


@dataclass
class Paragraph:
    text: str
    heading_level: int = 0  # from Markdown "#" marks; 0 when the text does not say
    language: str | None = None
    # The lines a hard-wrapped paragraph was joined from, until their languages are known.
    lines: tuple[str, ...] = ()

    @cached_property
    def key(self):
        """The text as compared for repeats: case and spacing do not count."""
        return normalised(self.text)


@dataclass
class ParsedArticle:
    language: str
    title: str
    title_is_derived: bool
    title_en: str = ""
    standfirst: str = ""
    blocks: list[dict] = field(default_factory=list)
    # fingerprint.content_hash of the headlines, standfirst and running text, made from the
    # paragraphs' keys, which parsing has already normalised.
    content_hash: str = ""

    @property
    def running_text(self):
        return "\n".join(block["text"] for block in self.blocks)


def parse(text, *, language=None, title="", subtitle=""):
    """The articles in `text`: one per language unless `language` is given.

    `title` and `subtitle` come from metadata and win over what the text suggests.
    """
    return parse_many([ParseRequest(text, language, title, subtitle)])[0]


@dataclass(frozen=True)
class ParseRequest:
    text: str
    language: str | None = None
    title: str = ""
    subtitle: str = ""


def parse_many(requests):
    """`parse` for many texts, with the languages of all their paragraphs detected at once."""
    documents = [split_paragraphs(request.text) for request in requests]
    to_detect = [index for index, request in enumerate(requests) if not request.language]
    undetected = _wrapped_lines_unjoined([documents[index] for index in to_detect])
    for index, paragraphs in zip(to_detect, undetected, strict=True):
        documents[index] = paragraphs
    detected = iter(_languages([[p.text for p in doc] for doc in undetected]))
    results = []
    for request, paragraphs in zip(requests, documents, strict=True):
        codes = [request.language] * len(paragraphs) if request.language else next(detected)
        for paragraph, code in zip(paragraphs, codes, strict=True):
            paragraph.language = code
        articles = []
        for index, (code, run) in enumerate(language_runs(paragraphs)):
            # Metadata describes the file's first article; its translations keep their own.
            first = index == 0
            articles.append(
                parse_article(
                    run,
                    code,
                    title=request.title if first else "",
                    subtitle=request.subtitle if first else "",
                )
            )
        results.append(articles)
    return results


def _wrapped_lines_unjoined(documents):
    """The documents with each hard-wrapped paragraph whose lines are in more than one
    language cut where its language changes: an interleaved translation is not a paragraph.
    """
    wrapped = [p for paragraphs in documents for p in paragraphs if len(p.lines) > 1]
    if not wrapped:
        return documents
    found = iter(read_languages([line for p in wrapped for line in p.lines]))
    pieces = {}
    for paragraph in wrapped:
        codes = in_context([next(found) for _ in paragraph.lines], paragraph.lines)
        runs = []
        for line, code in zip(paragraph.lines, codes, strict=True):
            if runs and code in (None, runs[-1][0]):
                runs[-1][1].append(line)
            else:
                runs.append((code, [line]))
        if len(runs) > 1:
            pieces[id(paragraph)] = [Paragraph(_joined(lines)) for _, lines in runs]
    return [
        [piece for p in paragraphs for piece in pieces.get(id(p), [p])] for paragraphs in documents
    ]


def _languages(documents):
    """Each paragraph's language, reading as few paragraphs as the result allows.

    A text that opens and closes with a run of one language long enough to be an article is
    one article in that language whatever lies between (see `language_runs`), so only its
    ends and its opening headings are read; the others are read whole.
    """
    ends = [_ends(texts) for texts in documents]
    found = iter(
        read_languages(
            [texts[i] for texts, picked in zip(documents, ends, strict=True) for i in picked]
        )
    )
    results, unsettled = [], []
    for texts, picked in zip(documents, ends, strict=True):
        read = {index: next(found) for index in picked}
        settled = _settled_language(texts, read)
        if len(read) == len(texts):
            results.append(in_context([read[index] for index in range(len(texts))], texts))
        elif settled:
            known = [read.get(index, (settled, 1.0)) for index in range(len(texts))]
            results.append(in_context(known, texts))
        else:
            results.append(None)
            unsettled.append(texts)
    rest = iter(languages_of_documents(unsettled))
    return [codes if codes is not None else next(rest) for codes in results]


HEAD_PARAGRAPHS = 3


def _ends(texts):
    """Indices to read first: possible headlines, and enough long text at either end."""
    picked = {
        index
        for index in range(min(HEAD_PARAGRAPHS, len(texts)))
        if len(texts[index]) <= HEADLINE_MAX_CHARS
    }
    for order in (range(len(texts)), range(len(texts) - 1, -1, -1)):
        chars = 0
        for index in order:
            if _long(texts[index]):
                picked.add(index)
                chars += width(texts[index])
                if chars >= MIN_ARTICLE_CHARS:
                    break
    return sorted(picked)


def _long(text):
    """Long enough to count towards an article's language: a CJK paragraph of 15
    characters says as much as a Latin one of 60."""
    return len(text) >= SHORT_PARAGRAPH_CHARS or width(text) >= SHORT_PARAGRAPH_CHARS


def _settled_language(texts, read):
    """The language of the whole text when its two ends already decide it, else None."""
    long_codes = {code for index, (code, _) in read.items() if _long(texts[index])}
    long_chars = sum(width(texts[index]) for index in read if _long(texts[index]))
    if len(long_codes) == 1 and None not in long_codes and long_chars >= 2 * MIN_ARTICLE_CHARS:
        return long_codes.pop()
    return None


def split_paragraphs(text):
    """Paragraphs are separated by blank lines, or by line breaks in files without them.

    A block of lines of similar, moderate length is hard-wrapped prose and is joined.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if _hard_wrapped(lines):
            paragraphs.append(Paragraph(SPACES.sub(" ", _joined(lines)), lines=tuple(lines)))
            continue
        for line in lines:
            match = MARKDOWN_HEADING.match(line)
            if match:
                paragraphs.append(Paragraph(match.group(2), heading_level=len(match.group(1))))
            elif "  " in line or "\t" in line:
                paragraphs.append(Paragraph(SPACES.sub(" ", line)))
            else:
                paragraphs.append(Paragraph(line))
    return [p for p in paragraphs if p.text]


def _hard_wrapped(lines):
    if len(lines) < 2 or any(MARKDOWN_HEADING.match(line) for line in lines):
        return False
    wrapped = lines[:-1]
    if max(map(len, wrapped)) > 100 or min(map(len, wrapped)) < 40:
        return False
    # Widths only where CJK may count: a Chinese line of 40 characters is a paragraph, and
    # lines in two scripts are two languages, never one wrapped paragraph.
    if all(line.isascii() for line in lines):
        return True
    cjk = [mostly_wide(line) for line in lines]
    return not any(cjk) or (all(cjk) and max(map(width, wrapped)) <= 100)


def _joined(lines):
    """Wrapped lines as one paragraph: CJK text is written without spaces between words."""
    text = lines[0]
    for line in lines[1:]:
        cjk_junction = WIDE.match(text[-1]) and WIDE.match(line[0])
        text += line if cjk_junction else " " + line
    return text


def language_runs(paragraphs):
    """[(language, paragraphs)]: one entry per article the paragraphs make.

    A run of one language long enough to stand alone is an article; shorter runs (a quote, a
    translated headline, an undetectable line) belong to the article before them, or to the
    first one when they come before any. A text that returns to a language is one article
    from the first paragraph in that language to the last, unless the text alternates
    between two languages throughout (`_interleaved`): then each language is an article.
    """
    interleaved = _interleaved(paragraphs)
    if interleaved:
        return interleaved
    runs = []
    for paragraph in paragraphs:
        if runs and paragraph.language in (None, runs[-1][0]):
            runs[-1][1].append(paragraph)
        else:
            runs.append((paragraph.language, [paragraph]))

    articles, leading = [], []
    for code, run in runs:
        if code and _long_enough_for_an_article(run):
            if articles and articles[-1][0] == code:
                articles[-1][1].extend(run)
            else:
                articles.append((code, leading + run))
                leading = []
        elif articles:
            articles[-1][1].extend(run)
        else:
            leading.extend(run)
    # A language that comes back was never left: what lies between is a long quote.
    index = 0
    while index < len(articles):
        code = articles[index][0]
        last = max(i for i, (other, _) in enumerate(articles) if other == code)
        for _, run in articles[index + 1 : last + 1]:
            articles[index][1].extend(run)
        del articles[index + 1 : last + 1]
        index += 1
    if leading:
        # Nothing long enough to stand alone: one article in the language most of it is in.
        chars = {}
        for paragraph in leading:
            if paragraph.language:
                chars[paragraph.language] = chars.get(paragraph.language, 0) + len(paragraph.text)
        if chars:
            articles.append((max(chars, key=chars.get), leading))
    return articles


def _long_enough_for_an_article(paragraphs):
    # The width is never less than the length: most runs are decided without reading it.
    return (
        sum(len(p.text) for p in paragraphs) >= MIN_ARTICLE_CHARS
        or sum(width(p.text) for p in paragraphs) >= MIN_ARTICLE_CHARS
    )


# An interleaved translation goes back and forth at least this many times (A B A B)...
INTERLEAVED_MIN_RUNS = 4
# ...in runs of at most two paragraphs on average, and its smaller language is at least a
# third of the larger: a translation says about as much as its original. A few quotes in
# another language are too short to pass for one.
INTERLEAVED_MAX_MEAN_RUN = 2
INTERLEAVED_MIN_SHARE = 1 / 3


def _interleaved(paragraphs):
    """[(language, paragraphs)] for a text that alternates between two languages, paragraph
    by paragraph (a statement and its translation); None for any other text.

    Paragraphs in neither language (a name, a third language) stay with the paragraph
    before them.
    """
    if len({p.language for p in paragraphs} - {None}) < 2:
        return None
    widths = {}
    for paragraph in paragraphs:
        if paragraph.language:
            widths[paragraph.language] = widths.get(paragraph.language, 0) + width(paragraph.text)
    if len(widths) < 2:
        return None
    larger, smaller = sorted(widths, key=widths.get, reverse=True)[:2]
    if widths[smaller] < INTERLEAVED_MIN_SHARE * widths[larger]:
        return None
    if widths[smaller] < MIN_ARTICLE_CHARS / 2:
        return None
    sequence = [p.language for p in paragraphs if p.language in (larger, smaller)]
    runs = 1 + sum(a != b for a, b in itertools.pairwise(sequence))
    if runs < INTERLEAVED_MIN_RUNS or len(sequence) > INTERLEAVED_MAX_MEAN_RUN * runs:
        return None
    articles = {sequence[0]: [], ({larger, smaller} - {sequence[0]}).pop(): []}
    current = sequence[0]
    for paragraph in paragraphs:
        if paragraph.language in articles:
            current = paragraph.language
        articles[current].append(paragraph)
    return list(articles.items())


def parse_article(paragraphs, language, *, title="", subtitle=""):
    paragraphs = _without_repeats(paragraphs)
    title_en = ""
    headline = ""

    if paragraphs and _is_headline(paragraphs[0], rest=paragraphs[1:]):
        headline = paragraphs.pop(0).text
    # A short line in English next to the headline of a non-English article is the piece's
    # English headline (as in a bilingual republication).
    for index, paragraph in enumerate(paragraphs[:2]):
        if (
            language != "en"
            and paragraph.language == "en"
            and _looks_like_heading(paragraph, HEADLINE_MAX_CHARS)
        ):
            title_en = paragraphs.pop(index).text
            break

    if title:
        if headline and _same(headline, title):
            headline = ""
        elif headline:
            paragraphs.insert(0, Paragraph(headline))
            headline = ""
        title_key = normalised(title)
        paragraphs = [p for p in paragraphs if p.key != title_key]

    standfirst = subtitle
    if not standfirst and paragraphs and _is_standfirst(paragraphs, has_headline=bool(headline)):
        standfirst = paragraphs.pop(0).text
    if standfirst:
        paragraphs = _without_prefix(paragraphs, standfirst)

    # Kinds as plain text: an enum member costs a lookup each time a worker's result is read.
    blocks = [{"kind": _kind(p).value, "text": p.text} for p in paragraphs]
    title_is_derived = False
    if title:
        final_title = title
    elif headline:
        final_title = headline
    else:
        final_title = derive_title(standfirst, blocks)
        title_is_derived = True
        # A title made from the standfirst's first sentence is not shown again under it: a
        # one-sentence standfirst becomes the title, a longer one keeps the sentences after.
        if standfirst.startswith(final_title):
            standfirst = standfirst[len(final_title) :].strip()
    return ParsedArticle(
        language=language,
        title=final_title,
        title_is_derived=title_is_derived,
        title_en=title_en,
        standfirst=standfirst,
        blocks=blocks,
        content_hash=normalised_content_hash(
            normalised(final_title),
            normalised(title_en),
            normalised(standfirst),
            " ".join(filter(None, (p.key for p in paragraphs))),
        ),
    )


def derive_title(standfirst, blocks):
    """The first sentence of the standfirst or the first running paragraph, cut to size."""
    source = standfirst or next(
        (b["text"] for b in blocks if b["kind"] == BlockKind.PARAGRAPH),
        blocks[0]["text"] if blocks else "",
    )
    sentence = SENTENCE_END.split(source.strip(), maxsplit=1)[0]
    if width(sentence) <= DERIVED_TITLE_MAX_CHARS:
        return sentence
    cut = sentence[:DERIVED_TITLE_MAX_CHARS]
    while width(cut) > DERIVED_TITLE_MAX_CHARS:  # CJK: fewer characters fill the width
        cut = cut[: len(cut) * DERIVED_TITLE_MAX_CHARS // width(cut)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:–—-，、；：") + "…"


def is_caption(text):
    # The credit closes the caption: only the end of the paragraph needs reading.
    if len(text) > 600:
        return False
    tail = text[-90:]
    return CREDIT_HINT.search(tail) is not None and CREDIT.search(tail) is not None


def _kind(paragraph):
    if paragraph.heading_level:
        return BlockKind.SUBHEADING
    if is_caption(paragraph.text):
        return BlockKind.CAPTION
    if _looks_like_heading(paragraph, SUBHEADING_MAX_CHARS):
        return BlockKind.SUBHEADING
    return BlockKind.PARAGRAPH


def ends_sentence(text):
    """Whether the text ends as a sentence or clause does, in Latin or CJK punctuation."""
    if text.endswith(FINAL_PUNCTUATION):
        return True
    bare = text.rstrip(CLOSERS)
    if bare == text or not bare:
        return False
    return bare.endswith(FINAL_PUNCTUATION) or (
        text.endswith(ASCII_CLOSERS) and WIDE.match(bare[-1]) is not None
    )


def _looks_like_heading(paragraph, max_chars):
    text = paragraph.text
    return (
        len(text) <= max_chars  # width is never less than the length: the cheap test first
        and len(text.split()) <= (SUBHEADING_MAX_WORDS if max_chars <= 100 else 40)
        and not ends_sentence(text)
        and width(text) <= max_chars
        and not is_caption(text)
    )


def _is_headline(paragraph, *, rest):
    if paragraph.heading_level:
        return paragraph.heading_level == 1
    text = paragraph.text
    return (
        bool(rest)
        and len(text) <= HEADLINE_MAX_CHARS
        and not text.rstrip(CLOSERS).endswith(FULL_STOPS)
        and width(text) <= HEADLINE_MAX_CHARS
        and not is_caption(text)
    )


def _is_standfirst(paragraphs, *, has_headline):
    first = paragraphs[0]
    if first.heading_level or is_caption(first.text) or len(paragraphs) < 2:
        return False
    if width(first.text) > STANDFIRST_MAX_CHARS * 2:
        return False
    # Repeated at the start of a later paragraph: the site printed its standfirst twice.
    if any(p.key.startswith(first.key) for p in paragraphs[1:]):
        return True
    sentences = SENTENCE_END.split(first.text.strip())
    return (
        has_headline
        and width(first.text) <= STANDFIRST_MAX_CHARS
        and len(sentences) <= 2
        and not _looks_like_heading(first, SUBHEADING_MAX_CHARS)
        and width(paragraphs[1].text) > width(first.text)
    )


def _same(a, b):
    return normalised(a) == normalised(b)


def _without_repeats(paragraphs):
    seen = set()
    unique = []
    for paragraph in paragraphs:
        if paragraph.key not in seen:
            seen.add(paragraph.key)
            unique.append(paragraph)
    return unique


def _without_prefix(paragraphs, prefix):
    """Drop `prefix` where a paragraph repeats it at its start, keeping the rest."""
    result = []
    prefix_key = normalised(prefix)
    for paragraph in paragraphs:
        if paragraph.key == prefix_key:
            continue
        if paragraph.key.startswith(prefix_key):
            rest = " ".join(paragraph.text.split(" ")[len(prefix.split(" ")) :]).strip()
            if rest:
                paragraph = Paragraph(rest, paragraph.heading_level, paragraph.language)
        result.append(paragraph)
    return result
