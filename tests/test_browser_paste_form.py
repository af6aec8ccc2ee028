"""In a browser: the paste form keeps what was typed whatever goes wrong, and says what went
wrong once, beside the field."""

from playwright.sync_api import expect

from annotations.models import Document

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import DocumentFactory

pytestmark = browser_test

ARTICLE = "The council voted 7 to 2 on Tuesday.\n\nThe wall will cost 14.5 million euros."


def project_page(chromium, live_server, project, user):
    return open_as(chromium, live_server, user, f"/projects/{project.slug}/")


def fill(page, title: str, url: str, text: str) -> None:
    page.fill("#id_title", title)
    page.fill("#id_url", url)
    page.fill("#id_text", text)


def submit(page) -> None:
    page.get_by_role("button", name="Add and extract claims").click()
    page.wait_for_load_state()


def expect_kept(page, title: str, url: str, text: str) -> None:
    expect(page.locator("#id_title")).to_have_value(title)
    expect(page.locator("#id_url")).to_have_value(url)
    expect(page.locator("#id_text")).to_have_value(text)


def test_a_bad_url_keeps_the_title_url_and_text(chromium, live_server, project, annotator):
    page = project_page(chromium, live_server, project, annotator)
    fill(page, "Flood wall", "council minutes", ARTICLE)
    submit(page)
    expect(page.locator("#add .error-text")).to_have_text("Enter a valid URL.")
    expect(page.locator("#add-errors")).to_be_visible()
    expect_kept(page, "Flood wall", "council minutes", ARTICLE)
    screenshot(page, "paste-bad-url")
    assert not Document.objects.exists()


def test_a_pdf_beside_the_pasted_text_keeps_the_text(chromium, live_server, project, annotator):
    page = project_page(chromium, live_server, project, annotator)
    fill(page, "Flood wall", "https://news.example.org/wall", ARTICLE)
    page.set_input_files(
        "#id_file", files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}]
    )
    submit(page)
    error = page.locator("#add .error-text")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("report.pdf: unsupported file type .pdf")
    expect(page.locator("#add-errors")).to_contain_text("chosen again")
    expect_kept(page, "Flood wall", "https://news.example.org/wall", ARTICLE)


def test_a_duplicate_names_and_links_the_existing_document(
    chromium, live_server, project, annotator
):
    existing = DocumentFactory(project=project, title="Council approves wall", text=ARTICLE)
    page = project_page(chromium, live_server, project, annotator)
    fill(page, "Another title", "", ARTICLE)
    submit(page)
    error = page.locator("#add .error-text")
    expect(error).to_contain_text(
        "This text is already in the project, as “Council approves wall”."
    )
    expect(error).not_to_contain_text("Another title")
    expect_kept(page, "Another title", "", ARTICLE)
    screenshot(page, "paste-duplicate")
    error.get_by_role("link", name="Open “Council approves wall”").click()
    page.wait_for_url(f"{live_server.url}/documents/{existing.pk}/")


def test_a_bad_jsonl_line_is_named_in_full_with_the_file_once(
    chromium, live_server, project, annotator
):
    page = project_page(chromium, live_server, project, annotator)
    content = b'{"title": "One", "text": "First."}\n{"title": "Two", "text": "Sec\n'
    page.set_input_files(
        "#id_file", files=[{"name": "notes.jsonl", "mimeType": "text/plain", "buffer": content}]
    )
    submit(page)
    message = "notes.jsonl, line 2: not valid JSON: Unterminated string starting at column 26."
    expect(page.locator("#add .error-text")).to_have_text(message)
    assert page.locator("main").inner_text().count("Unterminated string") == 1


def test_an_empty_file_gets_one_message(chromium, live_server, project, annotator):
    page = project_page(chromium, live_server, project, annotator)
    page.set_input_files(
        "#id_file", files=[{"name": "empty.txt", "mimeType": "text/plain", "buffer": b""}]
    )
    submit(page)
    expect(page.locator("#add .error-text")).to_have_text("The submitted file is empty.")
    expect(page.locator(".messages")).to_have_count(0)


def test_a_file_over_the_limit_is_refused_once_with_the_sizes(
    chromium, live_server, project, annotator, settings
):
    settings.MAX_UPLOAD_BYTES = 100
    page = project_page(chromium, live_server, project, annotator)
    page.fill("#id_title", "Kept title")
    with page.expect_response(f"**/projects/{project.slug}/documents/new/") as answer:
        page.set_input_files(
            "#id_file",
            files=[{"name": "big.txt", "mimeType": "text/plain", "buffer": b"x" * 500}],
        )
        submit(page)
    assert answer.value.status == 413
    expect(page.locator("#add .error-text")).to_have_text(
        "big.txt: the file is 500 bytes; the limit is 100 bytes."
    )
    expect(page.locator("#id_title")).to_have_value("Kept title")
    assert page.locator("main").inner_text().count("the limit is") == 1
    expect(page.locator(".messages")).to_have_count(0)
    assert not Document.objects.exists()
