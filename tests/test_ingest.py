import pytest

from annotations.errors import InvalidInput, TooLarge
from annotations.ingest import parse_file


def test_a_text_file_takes_its_headline_as_title():
    [doc] = parse_file("a.txt", b"Big news\n\nSomething happened.\n")
    assert doc.title == "Big news"
    assert doc.text == "Something happened."


def test_a_text_file_without_headline_uses_its_name():
    [doc] = parse_file("report.txt", b"Something happened. Then more.")
    assert doc.title == "report"


def test_html_becomes_readable_text_without_scripts():
    html = b"<html><head><title>T</title><script>evil()</script></head><body><nav>Menu</nav><p>First para.</p><p>Second.</p></body></html>"
    [doc] = parse_file("page.html", html)
    assert doc.title == "T"
    assert "First para." in doc.text and "Second." in doc.text
    assert "evil" not in doc.text and "Menu" not in doc.text


def test_csv_needs_a_text_column_and_names_bad_rows():
    with pytest.raises(InvalidInput, match="'text' column"):
        parse_file("a.csv", b"title,body\nx,y\n")
    with pytest.raises(InvalidInput) as error:
        parse_file("a.csv", b"title,text\nA,One.\nB,\nC,Three.\n")
    assert error.value.line == 3


def test_csv_rows_become_documents():
    docs = parse_file("a.csv", b'title,text,url\nA,"One, two.",https://example.org/a\n')
    assert (docs[0].title, docs[0].text, docs[0].url) == ("A", "One, two.", "https://example.org/a")


def test_jsonl_rejects_unknown_fields_with_the_line():
    with pytest.raises(InvalidInput) as error:
        parse_file("a.jsonl", b'{"text": "ok"}\n{"text": "ok", "colour": "red"}\n')
    assert error.value.line == 2
    assert "colour" in str(error.value)


def test_jsonl_dates_are_checked():
    with pytest.raises(InvalidInput, match="not a date"):
        parse_file("a.jsonl", b'{"text": "ok", "published_at": "last week"}\n')
    [doc] = parse_file("a.jsonl", b'{"text": "ok", "published_at": "2025-08-15"}\n')
    assert doc.published_at.year == 2025


def test_unsupported_binary_and_invalid_utf8_files_are_refused():
    with pytest.raises(InvalidInput, match="unsupported"):
        parse_file("a.pdf", b"%PDF-1.7")
    with pytest.raises(InvalidInput, match="binary"):
        parse_file("a.txt", b"abc\x00def")
    with pytest.raises(InvalidInput, match="UTF-8") as error:
        parse_file("a.txt", b"line one\nline \xff two")
    assert error.value.line == 2


def test_an_oversized_file_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(TooLarge):
        parse_file("a.txt", b"x" * 11)


def test_a_page_in_another_encoding_is_read_not_refused():
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "<title>Caf\xe9</title></head><body><article><p>Le caf\xe9 co\xfbte trois euros depuis "
        "janvier, selon le patron du bistrot de la place.</p></article></body></html>"
    ).encode("latin-1")
    [doc] = parse_file("page.html", html)
    assert "Le café coûte trois euros" in doc.text
    assert doc.title == "Café"


def test_a_page_with_no_story_is_refused_saying_why():
    html = b"<html><head><script src='/app.js'></script></head><body><div id='app'></div></body></html>"
    with pytest.raises(InvalidInput, match="app.html: No article text was found"):
        parse_file("app.html", html)


def test_a_page_saved_in_utf16_is_read_not_taken_for_a_binary():
    html = (
        "<html><head><title>Prix</title></head><body><article><p>Le café coûte trois euros "
        "depuis janvier, selon le patron du bistrot de la place.</p></article></body></html>"
    ).encode("utf-16")
    [doc] = parse_file("page.html", html)
    assert "Le café coûte trois euros" in doc.text
