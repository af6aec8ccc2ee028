"""Datasets in: a team's earlier fact-checks (LIAR, ClaimReview, CSV) or a native JSONL
export to restore. Imported fact-checks become ordinary approved claims (origin
`imported`) in a document per record group, so they feed "checked before?".

A file is all or nothing: every line is parsed and checked against the project first; if
any is bad nothing is written, unless the person chose to skip bad lines, and then the
summary lists what was skipped. A dry run does every check and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from ..audit import record_event, snapshot
from ..errors import InvalidInput
from ..ingest import decode_upload
from ..models import (
    Annotation,
    Claim,
    Document,
    ExtractionStatus,
    Project,
    Review,
    Source,
    hash_content,
)
from . import claimreview, jsonl, liar
from . import csv as csv_format
from .records import ClaimRecord, ParsedFile

IMPORT_FORMATS = {
    "jsonl": "JSONL (native export)",
    "csv": "CSV (one claim per row)",
    "liar": "LIAR TSV",
    "claimreview": "ClaimReview JSON-LD",
}
VERDICT_FIELD = {
    "jsonl": "final_verdict.key",
    "csv": "final_verdict",
    "liar": "label",
    "claimreview": "reviewRating.alternateName",
}
# How many of the skipped lines a summary or an error lists in full.
LISTED = 100


class DatasetErrors(InvalidInput):
    """The file has bad lines and nothing was imported; `errors` holds them all."""

    def __init__(self, errors: list[InvalidInput]):
        first = errors[0]
        more = f" ({len(errors) - 1} more bad lines.)" if len(errors) > 1 else ""
        super().__init__(
            f"{first.message}{more} Nothing was imported; fix the file or skip bad lines.",
            field=first.field,
            line=first.line,
        )
        self.errors = errors


@dataclass
class ImportSummary:
    format: str
    dry_run: bool
    documents: int = 0
    claims: int = 0
    annotations: int = 0
    sources: int = 0
    reviews: int = 0
    new_accounts: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    n_skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        text = (
            f"{verb} {self.claims} claims in {self.documents} documents, "
            f"{self.annotations} annotations, {self.sources} sources, {self.reviews} reviews."
        )
        if self.new_accounts:
            text += f" New inactive accounts for: {', '.join(self.new_accounts)}."
        if self.n_skipped:
            text += f" Skipped {self.n_skipped} bad lines."
        return text


def error_dict(error: InvalidInput) -> dict[str, Any]:
    return {"line": error.line, "field": error.field, "message": error.message}


def parse_dataset(project: Project, fmt: str, name: str, content: str) -> ParsedFile:
    scale = project.rating_scale
    parsers: dict[str, Callable[[], ParsedFile]] = {
        "jsonl": lambda: jsonl.parse(content, name),
        "liar": lambda: liar.parse(content, name),
        "claimreview": lambda: claimreview.parse(content, name, scale),
        "csv": lambda: csv_format.parse(content, name, scale),
    }
    if fmt not in parsers:
        raise InvalidInput(
            f"Unknown format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}.", field="format"
        )
    return parsers[fmt]()


def check_against_project(project: Project, fmt: str, parsed: ParsedFile) -> list[ClaimRecord]:
    """Check what parsing cannot: verdicts on the project's scale, documents already in the
    project. Bad claims are moved to `parsed.errors`; the good ones are returned."""
    scale = project.rating_scale
    allowed = None if scale.free_text else set(scale.allowed_keys())
    bad_documents: dict[str, InvalidInput] = {}
    texts = {d.key: d.text for d in parsed.documents.values() if d.text is not None}
    existing = set(
        Document.objects.filter(
            project=project, content_hash__in=[hash_content(t) for t in texts.values()]
        ).values_list("content_hash", flat=True)
    )
    first_line: dict[str, int | None] = {}
    for key, text in texts.items():
        document = parsed.documents[key]
        digest = hash_content(text)
        if digest in existing:
            bad_documents[key] = InvalidInput(
                f"this document is already in the project ({document.title!r}).",
                field="text",
                line=document.line,
            )
        elif digest in first_line:
            bad_documents[key] = InvalidInput(
                f"the same text as the document on line {first_line[digest]}.",
                field="text",
                line=document.line,
            )
        else:
            first_line[digest] = document.line
    parsed.errors.extend(bad_documents.values())

    def check_verdict(value: str, field_name: str, line: int) -> None:
        if value and allowed is not None and value not in allowed:
            raise InvalidInput(
                f"{value!r} is not on this project's rating scale ({', '.join(sorted(allowed))}).",
                field=field_name,
                line=line,
            )

    good = []
    for claim in parsed.claims:
        try:
            if claim.document_key in bad_documents:
                raise InvalidInput(
                    f"its document (line {bad_documents[claim.document_key].line}) is not imported.",
                    field="document.id",
                    line=claim.line,
                )
            check_verdict(claim.final_verdict, VERDICT_FIELD[fmt], claim.line)
            for i, annotation in enumerate(claim.annotations):
                check_verdict(annotation.verdict, f"annotations[{i}].verdict", claim.line)
            for i, review in enumerate(claim.reviews):
                check_verdict(review.verdict, f"reviews[{i}].verdict", claim.line)
        except InvalidInput as exc:
            parsed.errors.append(exc)
        else:
            good.append(claim)
    return good


def lay_out_groups(project: Project, parsed: ParsedFile, claims: list[ClaimRecord]) -> None:
    """Give each group document (one without text of its own) the text of its claims, one
    per paragraph, and each of its claims the span it occupies there."""
    offsets: dict[str, int] = {}
    parts: dict[str, list[str]] = {}
    for claim in claims:
        document = parsed.documents[claim.document_key]
        if document.text is not None and claim.document_key not in parts:
            continue
        start = offsets.get(claim.document_key, 0)
        if claim.document_key in offsets:
            start += 2  # the blank line between paragraphs
        parts.setdefault(claim.document_key, []).append(claim.text)
        claim.start, claim.end = start, start + len(claim.text)
        offsets[claim.document_key] = claim.end
    for key, texts in parts.items():
        parsed.documents[key].text = "\n\n".join(texts)
    hashes = {hash_content(parsed.documents[key].text): key for key in parts}
    clash = Document.objects.filter(project=project, content_hash__in=list(hashes)).first()
    if clash is not None:
        raise InvalidInput(
            f"These claims are already in the project: document {clash.title!r} holds "
            "exactly them. Nothing was imported."
        )


def accounts_for(claims: list[ClaimRecord], dry_run: bool) -> tuple[dict[str, Any], list[str]]:
    """Users by username. People not on this instance get an inactive account with no
    password, so their annotations and reviews keep their name."""
    User = get_user_model()
    names = {a.annotator for c in claims for a in c.annotations}
    names |= {r.editor for c in claims for r in c.reviews}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = sorted(names - set(users))
    if not dry_run:
        for username in missing:
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            user.save()
            users[username] = user
    return users, missing


def write_dataset(
    project: Project, actor, fmt: str, parsed: ParsedFile, claims: list[ClaimRecord], users: dict
) -> ImportSummary:
    summary = ImportSummary(format=fmt, dry_run=False)
    documents: dict[str, Document] = {}
    used = {claim.document_key for claim in claims}
    for record in parsed.documents.values():
        if record.text is None or (record.key not in used and fmt != "jsonl"):
            continue
        document = Document.objects.create(
            project=project,
            title=record.title or record.text.strip().split("\n")[0][:80],
            text=record.text,
            url=record.url,
            publisher=record.publisher,
            byline=record.byline,
            published_at=record.published_at,
            language=record.language,
            created_by=actor,
            extraction_status=ExtractionStatus.DONE,
            extractor_version=f"import:{fmt}",
        )
        record_event(actor, document, "import", after=snapshot(document))
        documents[record.key] = document
    new_claims = Claim.objects.bulk_create(
        [
            Claim(
                project=project,
                document=documents[c.document_key],
                text=c.text,
                start=c.start,
                end=c.end,
                speaker=c.speaker,
                score=c.score,
                scorer_version=c.scorer_version,
                claim_types=c.claim_types,
                origin=c.origin,
                status=c.status,
                final_verdict=c.final_verdict,
                final_rationale=c.final_rationale,
                rejection_reason=c.rejection_reason,
                claim_date=c.claim_date,
                review_url=c.review_url,
                review_date=c.review_date,
                metadata=c.metadata,
            )
            for c in claims
        ],
        batch_size=1000,
    )
    annotations = []
    for record, claim in zip(claims, new_claims, strict=True):
        for a in record.annotations:
            annotations.append(
                Annotation(
                    claim=claim,
                    annotator=users[a.annotator],
                    stance=a.stance,
                    verdict=a.verdict,
                    rationale=a.rationale,
                    checkworthy=a.checkworthy,
                    state=a.state,
                    guideline_version=a.guideline_version,
                    submitted_at=a.submitted_at,
                )
            )
    Annotation.objects.bulk_create(annotations, batch_size=1000)
    by_claim_and_user = {(a.claim_id, a.annotator.username): a for a in annotations}
    sources, reviews = [], []
    for record, claim in zip(claims, new_claims, strict=True):
        for a in record.annotations:
            annotation = by_claim_and_user[(claim.pk, a.annotator)]
            sources += [
                Source(annotation=annotation, position=i, **s) for i, s in enumerate(a.sources)
            ]
        for r in record.reviews:
            reviews.append(
                Review(
                    claim=claim,
                    editor=users[r.editor],
                    action=r.action,
                    verdict=r.verdict,
                    comment=r.comment,
                    annotation=by_claim_and_user.get((claim.pk, r.annotation_by)),
                    created_at=r.created_at,
                )
            )
    Source.objects.bulk_create(sources, batch_size=1000)
    dated = [(review, review.created_at) for review in reviews]
    Review.objects.bulk_create(reviews, batch_size=1000)
    # created_at is set on insert; the history keeps the times it happened at.
    for review, created_at in dated:
        if created_at is not None:
            review.created_at = created_at
    Review.objects.bulk_update([r for r, at in dated if at], ["created_at"], batch_size=1000)
    summary.documents = len(documents)
    summary.claims = len(new_claims)
    summary.annotations = len(annotations)
    summary.sources = len(sources)
    summary.reviews = len(reviews)
    return summary


def import_dataset(
    project: Project,
    actor,
    fmt: str,
    name: str,
    data: bytes | str,
    *,
    dry_run: bool = False,
    skip_bad_lines: bool = False,
) -> ImportSummary:
    """Import a dataset file into the project; see the module docstring for the rules."""
    content = decode_upload(data, name) if isinstance(data, bytes) else data
    with transaction.atomic():
        # Lock the project row: two imports of the same file at once must not both pass
        # the "already in the project" checks and import it twice.
        project = (
            Project.objects.select_for_update().select_related("rating_scale").get(pk=project.pk)
        )
        parsed = parse_dataset(project, fmt, name, content)
        claims = check_against_project(project, fmt, parsed)
        errors = sorted(parsed.errors, key=lambda e: e.line or 0)
        if errors and not skip_bad_lines:
            raise DatasetErrors(errors)
        if not claims:
            raise InvalidInput("The file holds no claims to import.")
        lay_out_groups(project, parsed, claims)
        users, missing = accounts_for(claims, dry_run)
        if dry_run:
            summary = ImportSummary(format=fmt, dry_run=True)
            used = {c.document_key for c in claims}
            summary.documents = sum(
                1 for d in parsed.documents.values() if d.key in used or fmt == "jsonl"
            )
            summary.claims = len(claims)
            summary.annotations = sum(len(c.annotations) for c in claims)
            summary.sources = sum(len(a.sources) for c in claims for a in c.annotations)
            summary.reviews = sum(len(c.reviews) for c in claims)
        else:
            summary = write_dataset(project, actor, fmt, parsed, claims, users)
            record_event(
                actor,
                project,
                "import",
                after={
                    "file": name,
                    "format": fmt,
                    "claims": summary.claims,
                    "documents": summary.documents,
                    "skipped_lines": len(errors),
                },
            )
        summary.new_accounts = missing
        summary.n_skipped = len(errors)
        summary.skipped = [error_dict(e) for e in errors[:LISTED]]
    return summary
