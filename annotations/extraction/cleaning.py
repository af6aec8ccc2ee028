"""Placeholder until the extraction branch lands."""

import re
import unicodedata
from dataclasses import dataclass

import lxml.html


@dataclass
class Article:
    text: str
    title: str = ""
    byline: str = ""
    publisher: str = ""
    published_at: str | None = None


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def markdown_to_text(md: str) -> str:
    return normalise_text(re.sub(r"^#+\s*", "", md, flags=re.M))


def html_to_article(html: str) -> Article:
    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//script|//style|//nav"):
        bad.drop_tree()
    paragraphs = [p.text_content().strip() for p in tree.xpath("//p|//h1|//h2|//h3")]
    title = (tree.findtext(".//title") or "").strip()
    return Article(text="\n\n".join(p for p in paragraphs if p), title=title)
