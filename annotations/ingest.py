"""Articles and transcripts in: parse pasted text and uploaded files into documents.

A file is all or nothing: if any record in it is bad, nothing from it is stored and the
error names the line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import make_aware

from . import jobs
from .audit import record_event, snapshot
from .bulk import analyze_on_commit, insert_objects
from .errors import InvalidInput, TooLarge
from .extraction.cleaning import (
    NoArticle,
    html_to_article,
    markdown_to_text,
    normalise_text,
    transcript_to_text,
)
from .json_input import load_json
from .models import Document, Job, Project, hash_content
from .web_addresses import check_web_address

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv", ".tsv")
RECORD_FIELDS = {"title", "text", "url", "publisher", "byline", "published_at", "language"}


class DuplicateDocument(InvalidInput):
    """The same text is already in the project, as `document`."""

    def __init__(self, message: str, *, document: Document | None = None, **where):
        super().__init__(message, **where)
        self.document = document


@dataclass
class DocumentInput:
    title: str = ""
    text: str = ""
    url: str = ""
    publisher: str = ""
    byline: str = ""
    published_at: datetime | None = None
    language: str = "en"
    line: int | None = field(default=None, compare=False)
    # The uploaded file's name, for error messages.
    source: str | None = field(default=None, compare=False)


def parse_published_at(value: str | None, *, line: int | None = None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is not None:
            parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if parsed is None:
        raise InvalidInput(
            f"{value!r} is not a date (use YYYY-MM-DD or ISO 8601).",
            field="published_at",
            line=line,
        )
    return parsed if parsed.tzinfo else make_aware(parsed)


def check_upload(data: bytes, name: str) -> None:
    """Refuse files over the size limit and binaries, with a clear message. Text in UTF-16
    (which a byte-order mark announces) is full of zero bytes and is not a binary."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"the file is {len(data):,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,} bytes.",
            source=name,
        )
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(
            "this looks like a binary file; upload text, HTML, JSONL or CSV.", source=name
        )


def decode_upload(data: bytes, name: str) -> str:
    """Bytes of an uploaded file as UTF-8 text, refusing binaries with a clear message."""
    check_upload(data, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput("this is not valid UTF-8 text.", line=line, source=name) from None


def split_title(text: str, fallback: str) -> tuple[str, str]:
    """A plain-text article whose first line is a short headline followed by a blank line
    has that line as its title; the body is the rest."""
    lines = text.lstrip("\n").split("\n", 2)
    if len(lines) == 3 and lines[1].strip() == "" and 0 < len(lines[0].strip()) <= 200:
        return lines[0].strip(), lines[2]
    return fallback, text


def parse_file(name: str, data: bytes) -> list[DocumentInput]:
    """Parse one uploaded file into document inputs; raises InvalidInput naming the file
    and the line."""
    try:
        docs = parse_content(name, data)
    except InvalidInput as exc:
        exc.source = name
        raise
    for doc in docs:
        doc.source = name
    return docs


def parse_content(name: str, data: bytes) -> list[DocumentInput]:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInput(
            f"unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}."
        )
    stem = PurePath(name).stem
    if suffix in (".html", ".htm"):
        return [html_document(name, data)]
    content = decode_upload(data, name)
    if suffix == ".jsonl":
        return parse_jsonl(content)
    if suffix == ".tsv" and not content.lstrip().lower().startswith(("title", "text")):
        # A tab-separated transcript (line, speaker, text[, label]) rather than a table.
        return [DocumentInput(title=stem, text=transcript_to_text(content))]
    if suffix in (".csv", ".tsv"):
        return parse_csv(content, delimiter="\t" if suffix == ".tsv" else ",")
    if suffix in (".md", ".markdown"):
        title, body = split_title(content, stem)
        title = title.lstrip("#").strip()
        return [DocumentInput(title=title, text=markdown_to_text(body))]
    title, body = split_title(content, stem)
    return [DocumentInput(title=title, text=transcript_to_text(body))]


def html_document(name: str, data: bytes) -> DocumentInput:
    """A saved web page: its story and metadata. Pages come in many encodings; the one
    the page declares, or else the one its bytes show, is used."""
    check_upload(data, name)
    try:
        article = html_to_article(data)
    except NoArticle as exc:
        raise InvalidInput(str(exc)) from None
    published_at = article.published_at
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return DocumentInput(
        title=article.title or PurePath(name).stem,
        text=article.text,
        publisher=article.publisher,
        byline=article.byline,
        published_at=published_at,
    )


def record_from_mapping(row: dict, line: int) -> DocumentInput:
    unknown = set(row) - RECORD_FIELDS
    if unknown:
        raise InvalidInput(
            f"unknown field {sorted(unknown)[0]!r}; allowed: {', '.join(sorted(RECORD_FIELDS))}.",
            line=line,
        )
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("'text' is missing or empty.", field="text", line=line)
    for name in RECORD_FIELDS - {"published_at"}:
        if row.get(name) is not None and not isinstance(row[name], str):
            raise InvalidInput("must be a string.", field=name, line=line)
    return DocumentInput(
        title=(row.get("title") or "").strip() or text.strip().split("\n")[0][:80],
        text=text,
        url=row.get("url") or "",
        publisher=row.get("publisher") or "",
        byline=row.get("byline") or "",
        published_at=parse_published_at(row.get("published_at"), line=line),
        language=row.get("language") or "en",
        line=line,
    )


def parse_jsonl(content: str) -> list[DocumentInput]:
    records = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        row = load_json(raw, line=number)
        if not isinstance(row, dict):
            raise InvalidInput("each line must be a JSON object.", line=number)
        records.append(record_from_mapping(row, number))
    if not records:
        raise InvalidInput("The file holds no documents.")
    return records


def parse_csv(content: str, delimiter: str = ",") -> list[DocumentInput]:
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise InvalidInput("The header row must have a 'text' column.", line=1)
    records = []
    for row in reader:
        if None in row:
            raise InvalidInput("this row has more cells than the header.", line=reader.line_num)
        row = {key: value for key, value in row.items() if value != ""}
        records.append(record_from_mapping(row, reader.line_num))
    if not records:
        raise InvalidInput("The file holds no documents.")
    return records


def create_document(project: Project, user, doc: DocumentInput) -> Document:
    """Store one document and queue its claim extraction."""
    where = {"field": "text", "line": doc.line, "source": doc.source}
    document = build_document(project, user, doc)
    existing = (
        Document.objects.filter(project=project, content_hash=document.content_hash)
        .only("pk", "title")
        .first()
    )
    if existing is not None:
        raise DuplicateDocument(
            f"this text is already in the project, as “{existing.title}”.",
            document=existing,
            **where,
        )
    with transaction.atomic():
        try:
            document.save()
        except IntegrityError:
            # Two uploads of the same text raced past the check above.
            raise DuplicateDocument("this text is already in the project.", **where) from None
        record_event(user, document, "create", after=snapshot(document))
        jobs.queue_extractions([document])
    return document


@transaction.atomic
def create_documents(project: Project, user, docs: list[DocumentInput]) -> list[Document]:
    """Store every document of one file, or none of them, and queue their extraction: a
    few bulk inserts, so that a file of 20,000 articles is answered in seconds."""
    documents = [build_document(project, user, doc) for doc in docs]
    first_seen: dict[str, Document] = {}
    for document, doc in zip(documents, docs, strict=True):
        if document.content_hash in first_seen:
            raise DuplicateDocument(
                "this text is in the file twice "
                f"(“{first_seen[document.content_hash].title}” before it).",
                field="text",
                line=doc.line,
                source=doc.source,
            )
        first_seen[document.content_hash] = document
    stored: dict[str, Document] = {}
    hashes = list(first_seen)
    for offset in range(0, len(hashes), _HASH_BATCH):
        found = Document.objects.filter(
            project=project, content_hash__in=hashes[offset : offset + _HASH_BATCH]
        ).only("pk", "title", "content_hash")
        stored.update((existing.content_hash, existing) for existing in found)
    for document, doc in zip(documents, docs, strict=True):
        existing = stored.get(document.content_hash)
        if existing is not None:
            raise DuplicateDocument(
                f"this text is already in the project, as “{existing.title}”.",
                document=existing,
                field="text",
                line=doc.line,
                source=doc.source,
            )
    now = timezone.now()
    for document in documents:
        document.created_at = now
    try:
        with transaction.atomic():
            if not insert_objects(documents, DOCUMENT_FIELDS):
                read_ids(project, documents)
    except IntegrityError:
        # Another upload of one of these texts raced past the check above.
        raise DuplicateDocument("one of these texts is already in the project.") from None
    # One event for the file, naming the documents it brought: the trail of a 20,000-line
    # file is one row, not 20,000 copies of what the documents themselves hold.
    record_event(
        user,
        project,
        "import",
        after={
            "file": docs[0].source or "",
            "documents": len(documents),
            "document_ids": [document.pk for document in documents],
        },
    )
    jobs.queue_extractions(documents)
    analyze_on_commit(len(documents), Document, Job)
    return documents


# What a new document's row holds; the other columns take their defaults.
DOCUMENT_FIELDS = [
    "project",
    "title",
    "url",
    "publisher",
    "byline",
    "published_at",
    "language",
    "text",
    "content_hash",
    "extractor_version",
    "created_by",
    "created_at",
]


def read_ids(project: Project, documents: list[Document]) -> None:
    """Give documents inserted without their ids their ids, by their text's hash (unique in
    the project)."""
    by_hash = {document.content_hash: document for document in documents}
    hashes = list(by_hash)
    for offset in range(0, len(hashes), _HASH_BATCH):
        rows = Document.objects.filter(
            project=project, content_hash__in=hashes[offset : offset + _HASH_BATCH]
        ).values_list("content_hash", "pk")
        for content_hash, pk in rows:
            by_hash[content_hash].pk = pk


# Content hashes per lookup (SQLite allows some 32,000 parameters).
_HASH_BATCH = 2000


def build_document(project: Project, user, doc: DocumentInput) -> Document:
    """The document to store, its text normalised (not saved yet); InvalidInput names the
    line of a record that cannot be one."""
    for name in ("title", "text", "publisher", "byline", "language"):
        if "\x00" in getattr(doc, name):
            # PostgreSQL cannot store it in a text column.
            raise InvalidInput(
                "holds a NUL character.", field=name, line=doc.line, source=doc.source
            )
    text = normalise_text(doc.text)
    if not text.strip():
        raise InvalidInput("The text is empty.", field="text", line=doc.line, source=doc.source)
    title = normalise_text(doc.title).strip()[:500] or text.strip().split("\n")[0][:80]
    try:
        url = check_web_address(doc.url, field="url", line=doc.line)
    except InvalidInput as exc:
        exc.source = doc.source
        raise
    return Document(
        project=project,
        title=title,
        text=text,
        content_hash=hash_content(text),
        url=url,
        publisher=doc.publisher[:200],
        byline=doc.byline[:300],
        published_at=doc.published_at,
        language=doc.language[:10],
        created_by=user,
    )
