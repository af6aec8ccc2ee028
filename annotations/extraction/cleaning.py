"""Turn uploaded documents into the plain text that claims are extracted from and offsets point into.

HTML pages are read by trafilatura, which keeps the story's paragraphs and the page's metadata and leaves out
menus, sharing buttons, comments and other boilerplate; Markdown loses its
markup; CLEF-style tab-separated transcripts become ``SPEAKER: text`` lines. Every path ends in
``normalise_text``, which is applied once, at ingest, so stored offsets never shift afterwards.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")

# How trafilatura reads a page: the story's text and tables, no comment threads, and
# precision over recall (on the saved news pages measured in docs/formats.md it kept
# almost all of the story and left out more of the page around it).
_TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "favor_precision": True,
    "with_metadata": True,
    "date_extraction_params": {
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "extensive_search": True,
        "original_date": True,
    },
}


class NoArticle(ValueError):
    """The page holds no article text to read; the message says why, for the person who
    uploaded it."""


@dataclass(frozen=True)
class Article:
    text: str
    title: str = ""
    byline: str = ""
    publisher: str = ""
    published_at: datetime | None = None


def normalise_text(text: str) -> str:
    """NFC Unicode, "\\n" line breaks, no zero-width characters or trailing spaces on lines."""
    text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def decode_html(data: bytes) -> str:
    """A saved page's bytes as text, in the encoding it declares or, failing that, the one
    its bytes show (pages are often not UTF-8)."""
    import trafilatura.utils  # imported on first use, see html_to_article

    return trafilatura.utils.decode_file(data)


def html_to_article(page: str | bytes) -> Article:
    """The readable story of a saved news page, one paragraph per block, with the page's
    title, author, publication date and site name, as trafilatura extracts them. Raises
    NoArticle when there is no story to read."""
    if isinstance(page, bytes):
        page = decode_html(page)
    if not page.strip():
        raise NoArticle("The page is empty.")
    if "<" not in page:
        raise NoArticle("This is not an HTML page; upload it as .txt instead.")
    # Imported on first use: trafilatura and lxml take 26 MiB, which every web and worker
    # process would hold from its start although most never read a page.
    import trafilatura

    found = trafilatura.bare_extraction(page, **_TRAFILATURA_OPTIONS)
    text = normalise_text(paragraphs(found.text if found is not None else ""))
    if not text.strip():
        raise NoArticle(
            "No article text was found in this page: it has no paragraphs of running text "
            "(an index or video page, or one that needs JavaScript to show its story)."
        )
    return Article(
        text=text,
        title=normalise_text(found.title or ""),
        byline=normalise_text(re.sub(r"^\s*By\s+", "", found.author or "")),
        publisher=normalise_text(found.sitename or ""),
        published_at=_parse_date(found.date or ""),
    )


def paragraphs(text: str) -> str:
    """trafilatura's text, one block per line, as the workbench writes articles: a blank
    line between paragraphs, the items of a list on lines of their own."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out: list[str] = []
    for line in lines:
        if out and line.startswith("- ") and out[-1].startswith("- "):
            out.append("\n")
        elif out:
            out.append("\n\n")
        out.append(line)
    return "".join(out)


def _parse_date(value: str) -> datetime | None:
    """trafilatura's date as a moment; one without a time zone is taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_LIST = re.compile(r"^(\s*)(?:[*+]|-(?!--))\s+")
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def markdown_to_text(markdown: str) -> str:
    """Markdown without its markup: headings, quotes and list items become plain lines, paragraphs stay apart."""
    lines = []
    in_fence = False
    for line in normalise_text(markdown).split("\n"):
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            lines.append(line)
            continue
        if _MD_RULE.match(line) or (_MD_SETEXT.match(line) and lines and lines[-1].strip()):
            lines.append("")
            continue
        line = _MD_QUOTE.sub("", line)
        heading = _MD_HEADING.match(line)
        if heading:
            # A heading is a paragraph of its own even when the author did not leave a blank line.
            lines.extend(["", heading.group(1), ""])
            continue
        line = _MD_LIST.sub(r"\1- ", line)
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line)
    return normalise_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)))


_TSV_LINE = re.compile(r"^\s*\d+\t([^\t]*)\t([^\t]*)(?:\t.*)?$")


def transcript_to_text(transcript: str) -> str:
    """A transcript as ``SPEAKER: text`` lines.

    Tab-separated ``line<TAB>speaker<TAB>text[<TAB>label]`` rows (the CLEF CheckThat! format) are rewritten;
    text already in the ``SPEAKER: text`` form is only normalised.
    """
    text = normalise_text(transcript)
    rows = [line for line in text.split("\n") if line.strip()]
    if not rows or not all(_TSV_LINE.match(row) for row in rows):
        return text
    lines = []
    for row in rows:
        speaker, sentence = _TSV_LINE.match(row).groups()
        lines.append(
            f"{speaker.strip()}: {sentence.strip()}" if speaker.strip() else sentence.strip()
        )
    return "\n".join(lines)


__all__ = [
    "Article",
    "NoArticle",
    "decode_html",
    "html_to_article",
    "markdown_to_text",
    "normalise_text",
    "transcript_to_text",
]
