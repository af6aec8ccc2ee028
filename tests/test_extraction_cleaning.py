from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations.extraction.cleaning import (
    NoArticle,
    html_to_article,
    markdown_to_text,
    normalise_text,
    transcript_to_text,
)

PAGE = Path(__file__).parent / "extraction_page.html"


def test_it_keeps_the_story_and_drops_page_furniture() -> None:
    article = html_to_article(PAGE.read_text(encoding="utf-8"))
    paragraphs = article.text.split("\n\n")
    assert "Putin and Trump met in Alaska on Friday." in paragraphs
    assert "Next time in Moscow." in paragraphs
    assert "- Talks lasted 3 hours.\n- No deal was signed." in paragraphs
    for furniture in ("tracking", "color:red", "Home", "cookies", "Share on", "Related:", "©"):
        assert furniture not in article.text


def test_it_reads_the_page_metadata() -> None:
    article = html_to_article(PAGE.read_text(encoding="utf-8"))
    assert article.title == "Summit ends without a deal"
    assert article.byline == "Jane Doe"
    assert article.publisher == "The Daily"
    assert article.published_at == datetime(2025, 8, 15, 20, 0, tzinfo=UTC)


def test_it_finds_the_story_without_an_article_element() -> None:
    page = (
        "<html><body><div>Menu</div><div><p>"
        + "Long paragraph text. " * 20
        + "</p><p>Second.</p></div></body></html>"
    )
    article = html_to_article(page)
    assert article.text.endswith("Second.")
    assert "Menu" not in article.text
    assert article.title == ""


def test_it_handles_pages_that_declare_another_encoding() -> None:
    page = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Café crème costs €3.</p></body></html>'
    assert html_to_article(page).text == "Café crème costs €3."


def test_it_strips_markdown_and_keeps_paragraphs() -> None:
    markdown = (
        "# Title\nSome **bold** and [a link](http://x).\n\n- item one\n- item two\n\n> quoted text"
    )
    assert (
        markdown_to_text(markdown)
        == "Title\n\nSome bold and a link.\n\n- item one\n- item two\n\nquoted text"
    )


def test_it_normalises_unicode_and_line_breaks_once() -> None:
    decomposed = "Cafe\u0301\r\nline two\rline three\u2028four\ufeff  "
    assert normalise_text(decomposed) == "Café\nline two\nline three\nfour"
    assert normalise_text(normalise_text(decomposed)) == normalise_text(decomposed)


def test_it_turns_clef_rows_into_speaker_lines() -> None:
    rows = "1\tHOLT\tGood evening from Hofstra.\t0\n2\tTRUMP\tThank you, Lester.\t1\n"
    assert transcript_to_text(rows) == "HOLT: Good evening from Hofstra.\nTRUMP: Thank you, Lester."


def test_it_keeps_speaker_lines_as_they_are() -> None:
    assert (
        transcript_to_text("LEHRER: Good evening.\r\nOBAMA: Thanks.")
        == "LEHRER: Good evening.\nOBAMA: Thanks."
    )


def test_a_page_without_a_story_is_refused_with_the_reason() -> None:
    page = (
        "<html><head><script src='/app.js'></script></head><body><div id='app'></div></body></html>"
    )
    with pytest.raises(NoArticle, match="No article text was found"):
        html_to_article(page)


def test_it_reads_a_page_in_the_encoding_it_declares() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Prix</title></head><body><article>'
        "<p>Le caf\xe9 co\xfbte trois euros depuis janvier, selon le patron du bistrot.</p>"
        "<p>Il co\xfbtait deux euros cinquante l\u2019an dernier.</p></article></body></html>"
    ).encode("cp1252")
    article = html_to_article(page)
    assert "Le café coûte trois euros" in article.text
    assert "l’an dernier" in article.text
