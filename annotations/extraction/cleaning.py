"""Turn uploaded documents into the plain text that claims are extracted from and offsets point into.

HTML pages lose scripts, menus and other boilerplate but keep their paragraphs and metadata; Markdown loses its
markup; CLEF-style tab-separated transcripts become ``SPEAKER: text`` lines. Every path ends in
``normalise_text``, which is applied once, at ingest, so stored offsets never shift afterwards.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from lxml import html

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_SPACES = re.compile(r"[ \t\u00a0]+")

_DROPPED_TAGS = (
    "script style noscript template nav header footer aside form iframe svg button select input figure "
    "menu dialog object embed".split()
)
# class/id words that mark page furniture rather than the story.
_BOILERPLATE = re.compile(
    r"\b(?:nav|navbar|menu|footer|header|masthead|sidebar|share|sharing|social|comments?|related|recommended|"
    r"advert|ad-slot|ads|promo|cookie|consent|newsletter|subscribe|breadcrumbs?|paywall|popup|modal|skip)\b",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
}


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


def html_to_article(page: str) -> Article:
    """The readable story of a saved news page, one paragraph per block, with the page's metadata."""
    if not page.strip():
        return Article(text="")
    # Bytes, so that pages declaring their own encoding parse; the text is already decoded.
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True)
    root = html.document_fromstring(page.encode("utf-8"), parser=parser)
    metadata = _read_metadata(root)
    for element in root.xpath("//*[@class or @id or @role]"):
        marker = " ".join(
            filter(None, (element.get("class"), element.get("id"), element.get("role")))
        )
        if element.tag not in ("html", "body", "article", "main") and _BOILERPLATE.search(marker):
            _drop(element)
    for tag in _DROPPED_TAGS:
        for element in root.iter(tag):
            _drop(element)
    body = _main_content(root)
    paragraphs = []
    for element in body.iter(*_BLOCK_TAGS):
        # Nested blocks (a <p> inside a <blockquote>, an <li> with a <p>) are read once, at the innermost level.
        if any(child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            continue
        paragraph = _SPACES.sub(" ", " ".join(element.itertext())).strip()
        if paragraph and paragraph != (paragraphs[-1] if paragraphs else None):
            paragraphs.append(f"- {paragraph}" if element.tag == "li" else paragraph)
    if not paragraphs:
        paragraphs = [line.strip() for line in body.text_content().splitlines() if line.strip()]
    return Article(text=normalise_text("\n\n".join(paragraphs)), **metadata)


def _drop(element: html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def _main_content(root: html.HtmlElement) -> html.HtmlElement:
    """<article> or <main> when the page has one, else the element holding the most paragraph text."""
    for path in ("//article", "//main", "//*[@itemprop='articleBody']"):
        found = [e for e in root.xpath(path) if len(e.text_content()) > 200]
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    totals: dict[html.HtmlElement, int] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(paragraph.text_content())
    if totals:
        return max(totals, key=totals.get)
    body = root.find("body")
    return body if body is not None else root


def _read_metadata(root: html.HtmlElement) -> dict:
    meta = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key and element.get("content") and key.lower() not in meta:
            meta[key.lower()] = element.get("content").strip()
    linked = _json_ld_article(root)
    title = linked.get("headline") or meta.get("og:title") or meta.get("twitter:title") or ""
    if not title:
        title_element = root.find(".//title")
        title = title_element.text_content().strip() if title_element is not None else ""
    byline = _names(linked.get("author")) or meta.get("author") or meta.get("article:author") or ""
    if not byline:
        by = root.xpath(
            "//*[@rel='author' or contains(@class, 'byline') or contains(@class, 'author')]"
        )
        byline = _SPACES.sub(" ", by[0].text_content()).strip() if by else ""
    publisher = (
        _names(linked.get("publisher")) or meta.get("og:site_name") or meta.get("publisher") or ""
    )
    published = (
        linked.get("datePublished")
        or meta.get("article:published_time")
        or meta.get("datepublished")
        or meta.get("date")
        or meta.get("pubdate")
        or next(iter(root.xpath("//time/@datetime")), "")
    )
    return {
        "title": normalise_text(title),
        "byline": normalise_text(re.sub(r"^\s*By\s+", "", byline)),
        "publisher": normalise_text(publisher),
        "published_at": _parse_date(published),
    }


def _json_ld_article(root: html.HtmlElement) -> dict:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = (
            data
            if isinstance(data, list)
            else data.get("@graph", [data])
            if isinstance(data, dict)
            else []
        )
        for item in items:
            kind = item.get("@type", "") if isinstance(item, dict) else ""
            kinds = kind if isinstance(kind, list) else [kind]
            if any(str(k).endswith("Article") or k in ("Report", "BlogPosting") for k in kinds):
                return item
    return {}


def _names(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_names(v) for v in value)))
    if isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value or "")


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


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


__all__ = ["Article", "html_to_article", "markdown_to_text", "normalise_text", "transcript_to_text"]
