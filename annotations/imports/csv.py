"""CSV in: one claim per row with a header. `text` is required; the other columns the
CSV export writes are read where they mean something for an imported fact-check, and
claims are grouped into one document per (document_title, document_url)."""

from __future__ import annotations

import csv
import io

from ..errors import InvalidInput
from ..exports.csv import COLUMNS as EXPORT_COLUMNS
from ..models import RatingScale
from .records import (
    ClaimRecord,
    DocumentRecord,
    ParsedFile,
    date_field,
    datetime_field,
    text_field,
    url_field,
    uuid_field,
)

READ = {
    "claim_id",
    "text",
    "speaker",
    "claim_date",
    "final_verdict",
    "final_verdict_label",
    "final_rationale",
    "review_comment",
    "document_title",
    "document_url",
    "published_at",
    "review_url",
    "review_date",
    "claim_types",
}
# Columns of our own CSV export that describe workbench state, not the fact-check.
IGNORED = set(EXPORT_COLUMNS) - READ


def verdict_for(row: dict, scale: RatingScale, line: int) -> str:
    key = (row.get("final_verdict") or "").strip()
    label = (row.get("final_verdict_label") or "").strip()
    if scale.free_text:
        return (key or label)[:200]
    for item in scale.labels.all():
        if key == item.key or (not key and label.lower() == item.label.lower()):
            return item.key
    if key or label:
        raise InvalidInput(
            f"{key or label!r} is not on this project's rating scale "
            f"({', '.join(scale.allowed_keys())}).",
            field="final_verdict" if key else "final_verdict_label",
            line=line,
        )
    return ""


def public_id(value: str | None, line: int):
    """Our own CSV export names each claim by its public id; ids from elsewhere (numbers,
    another tool's keys) are not ours to keep."""
    value = (value or "").strip()
    return uuid_field(value, "claim_id", line) if len(value) == 36 else None


def parse(content: str, name: str, scale: RatingScale) -> ParsedFile:
    parsed = ParsedFile()
    reader = csv.DictReader(io.StringIO(content, newline=""))
    fields = set(reader.fieldnames or [])
    if "text" not in fields:
        parsed.errors.append(InvalidInput("the header must have a 'text' column.", line=1))
        return parsed
    unknown = sorted(fields - READ - IGNORED)
    if unknown:
        parsed.errors.append(
            InvalidInput(
                f"unknown column; known columns: {', '.join(sorted(READ))}.",
                field=unknown[0],
                line=1,
            )
        )
        return parsed
    for row in reader:
        line = reader.line_num
        try:
            if None in row:
                raise InvalidInput("this row has more cells than the header.", line=line)
            title = text_field(
                row.get("document_title") or "", "document_title", line, max_length=500
            )
            url = url_field(row.get("document_url"), "document_url", line)
            key = f"{title}\x00{url}"
            if key not in parsed.documents:
                parsed.documents[key] = DocumentRecord(
                    key=key,
                    title=(title or url or f"CSV: {name}")[:500],
                    url=url,
                    published_at=datetime_field(row.get("published_at"), "published_at", line),
                    line=line,
                )
            verdict = verdict_for(row, scale, line)
            parsed.claims.append(
                ClaimRecord(
                    line=line,
                    document_key=key,
                    text=text_field(row.get("text"), "text", line, required=True),
                    public_id=public_id(row.get("claim_id"), line),
                    speaker=text_field(row.get("speaker"), "speaker", line, max_length=200),
                    status="approved" if verdict else "unstarted",
                    final_verdict=verdict,
                    final_rationale=row.get("final_rationale") or "",
                    review_comment=row.get("review_comment") or "",
                    claim_date=date_field(row.get("claim_date"), "claim_date", line),
                    review_url=url_field(row.get("review_url"), "review_url", line),
                    review_date=date_field(row.get("review_date"), "review_date", line),
                    claim_types=[t for t in (row.get("claim_types") or "").split(";") if t],
                )
            )
        except InvalidInput as exc:
            parsed.errors.append(exc)
    return parsed
