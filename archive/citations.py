"""An article cited in APA (7th edition), Chicago (17th, notes and bibliography) and BibTeX
(biblatex fields), as plain text a reader copies.

News in the archive is unsigned, so each style's rule for an unsigned article applies: APA
moves the headline to the author's place and names the source as the site; Chicago's
bibliography puts the newspaper in the author's place; BibTeX names it as the journal. A
headline in another language is followed by its English headline in square brackets, as
both APA and Chicago ask. Dates are given exactly as precisely as they are known, never
with a made-up day or month.
"""

import calendar
import re
import unicodedata
from typing import NamedTuple

from archive.dates import DatePrecision


class Citation(NamedTuple):
    style: str  # "APA", "Chicago", "BibTeX"
    text: str
    # The headline as it is written inside `text`, so that a page can mark its language.
    title: str


def apa(article, *, url):
    """APA: `Headline [English headline]. (2025, June 5). Source. URL`."""
    title = f"{article.title} [{article.title_en}]" if article.title_en else article.title
    title = _ended(title)
    parts = [title, f"({apa_date(article.published, article.date_precision)})."]
    if article.source_name:
        parts.append(_ended(article.source_name))
    parts.append(url)
    return Citation("APA", " ".join(parts), article.title)


def chicago(article, *, url, accessed):
    """Chicago bibliography: `Source. "Headline" [English headline]. June 5, 2025. URL.`

    Chicago gives an access date only when the article has no date of its own.
    """
    if article.title_en:
        quoted = f"“{article.title}” [{article.title_en}]."
    else:
        quoted = f"“{_ended(article.title)}”"
    parts = [_ended(article.source_name)] if article.source_name else []
    parts.append(quoted)
    if article.published is None or article.date_precision == DatePrecision.UNKNOWN:
        parts.append(f"n.d. Accessed {chicago_date(accessed, DatePrecision.DAY)}.")
    else:
        parts.append(f"{chicago_date(article.published, article.date_precision)}.")
    parts.append(f"{url}.")
    return Citation("Chicago", " ".join(parts), article.title)


def bibtex(article, *, url, accessed):
    """A biblatex `@article` entry: `year`, `month` and `day` only as far as the date is
    known, `urldate` the day it was read, a key in ASCII made unique by the article's id."""
    fields = [("title", bibtex_escape(article.title))]
    if article.title_en:
        fields.append(("titleaddon", bibtex_escape(f"[{article.title_en}]")))
    if article.source_name:
        fields.append(("journaltitle", bibtex_escape(article.source_name)))
    fields += bibtex_date_fields(article.published, article.date_precision)
    if article.language_id:
        fields.append(("language", bibtex_escape(article.language.name_en.lower())))
    fields += [("url", url), ("urldate", accessed.isoformat())]
    lines = [f"@article{{{bibtex_key(article)},"]
    for name, value in fields:
        # A month is a BibTeX macro (jun), unbraced, so that each style names it its way.
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return Citation("BibTeX", "\n".join(lines), bibtex_escape(article.title))


def citations(article, *, url, accessed):
    """Every style, in the order a page shows them."""
    return [
        apa(article, url=url),
        chicago(article, url=url, accessed=accessed),
        bibtex(article, url=url, accessed=accessed),
    ]


def apa_date(date, precision):
    """ "2025, June 5", "2025, June", "2025" or "n.d." (no date)."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return "n.d."
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    month = calendar.month_name[date.month]
    if precision == DatePrecision.MONTH:
        return f"{date.year}, {month}"
    return f"{date.year}, {month} {date.day}"


def chicago_date(date, precision):
    """ "June 5, 2025", "June 2025", "2025" or "n.d." (no date)."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return "n.d."
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    month = calendar.month_name[date.month]
    if precision == DatePrecision.MONTH:
        return f"{month} {date.year}"
    return f"{month} {date.day}, {date.year}"


BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def bibtex_date_fields(date, precision):
    """[("year", "2025"), ("month", "jun"), ("day", "5")], as far as the date is known."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return []
    fields = [("year", str(date.year))]
    if precision in (DatePrecision.MONTH, DatePrecision.DAY):
        fields.append(("month", BIBTEX_MONTHS[date.month - 1]))
    if precision == DatePrecision.DAY:
        fields.append(("day", str(date.day)))
    return fields


# What BibTeX and LaTeX read as commands or grouping, and how to write each as itself.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(map(re.escape, _BIBTEX_SPECIAL)))


def bibtex_escape(text):
    """Text as a BibTeX field value that prints as written: `R&D 50%` → `R\\&D 50\\%`."""
    return _BIBTEX_SPECIAL_RE.sub(lambda match: _BIBTEX_SPECIAL[match.group()], text)


def bibtex_key(article):
    """`lemonde2025appel-42`: source, year and first word of the headline in ASCII (what
    can be), and the article's id, which makes it unique in the archive."""
    source = _ascii_word(article.source_name, whole=True) or "archive"
    year = str(article.published.year) if article.published else "nd"
    if article.date_precision == DatePrecision.UNKNOWN:
        year = "nd"
    word = _ascii_word(article.title_en or article.title, whole=False)
    return f"{source}{year}{word}-{article.pk}"


def _ascii_word(text, *, whole):
    """The text's letters and digits in lower-case ASCII: all of them, or its first word of
    more than three letters (its first word when none is that long)."""
    # Punctuation first becomes a space: "Trump–Xi" is two words, not "trumpxi".
    spaced = re.sub(r"[\W_]+", " ", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = unicodedata.normalize("NFKD", spaced)
    plain = plain.encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    if whole:
        return "".join(words)[:20]
    return next((w for w in words if len(w) > 3), words[0] if words else "")[:20]


def _ended(text):
    """The text ending with a full stop, unless it ends with a sentence's own mark."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…")) else f"{text}."
