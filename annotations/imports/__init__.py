"""Datasets in: a team's earlier fact-checks (LIAR, ClaimReview, CSV) or a native JSONL
export to restore. Imported fact-checks become ordinary approved claims (origin
`imported`) in a document per record group, so they feed "checked before?".

A file is all or nothing: every line is parsed and checked against the project first; if
any is bad nothing is written, unless the person chose to skip bad lines, and then the
summary lists what was skipped. A dry run does every check and writes nothing.

A native JSONL file (a backup, of any size) is read line by line, twice: once to check
it, keeping only its documents, and once to write its claims in batches. The other formats
are a team's earlier fact-checks, read whole: their documents are made of their claims."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from .. import jobs
from ..audit import record_event
from ..errors import InvalidInput
from ..ingest import decode_upload
from ..models import (
    QUEUE_STATUSES,
    Annotation,
    Claim,
    Comment,
    Document,
    Project,
    Review,
    Source,
    hash_content,
)
from . import claimreview, jsonl, liar
from . import csv as csv_format
from .records import ClaimRecord, DocumentRecord, ParsedFile

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
# Claims written per round of bulk inserts.
BATCH = 1000


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
    comments: int = 0
    # Claims left out because the project (or the file, earlier) has them already.
    duplicates: int = 0
    new_accounts: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    n_skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def count(self, claim: ClaimRecord) -> None:
        self.claims += 1
        self.annotations += len(claim.annotations)
        self.sources += sum(len(a.sources) for a in claim.annotations)
        self.reviews += len(claim.reviews)
        self.comments += len(claim.comments)

    def describe(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        text = (
            f"{verb} {self.claims} claims in {self.documents} documents, "
            f"{self.annotations} annotations, {self.sources} sources, {self.reviews} reviews, "
            f"{self.comments} comments."
        )
        if self.duplicates:
            text += f" Left out {self.duplicates} claims already in the project."
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
        "liar": lambda: liar.parse(content, name),
        "claimreview": lambda: claimreview.parse(content, name, scale),
        "csv": lambda: csv_format.parse(content, name, scale),
    }
    if fmt not in parsers:
        raise InvalidInput(
            f"Unknown format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}.", field="format"
        )
    return parsers[fmt]()


def allowed_verdicts(project: Project) -> set[str] | None:
    scale = project.rating_scale
    return None if scale.free_text else set(scale.allowed_keys())


def check_verdicts(claim: ClaimRecord, allowed: set[str] | None, fmt: str) -> None:
    """Every verdict of the claim (final, annotations', reviews') on the project's scale."""

    def check(value: str, field_name: str) -> None:
        if value and allowed is not None and value not in allowed:
            raise InvalidInput(
                f"{value!r} is not on this project's rating scale ({', '.join(sorted(allowed))}).",
                field=field_name,
                line=claim.line,
            )

    check(claim.final_verdict, VERDICT_FIELD[fmt])
    for i, annotation in enumerate(claim.annotations):
        check(annotation.verdict, f"annotations[{i}].verdict")
    for i, review in enumerate(claim.reviews):
        check(review.verdict, f"reviews[{i}].verdict")


def document_problem(
    document: DocumentRecord, digest: str, in_project: bool, first_line: dict[str, int | None]
) -> InvalidInput | None:
    """Why a document with text cannot be imported (it is in the project already, or
    earlier in the file), or None. Records the first line of each text in `first_line`."""
    if in_project:
        return InvalidInput(
            f"this document is already in the project ({document.title!r}).",
            field="text",
            line=document.line,
        )
    if digest in first_line:
        return InvalidInput(
            f"the same text as the document on line {first_line[digest]}.",
            field="text",
            line=document.line,
        )
    first_line[digest] = document.line
    return None


def orphan_error(claim: ClaimRecord, document_error: InvalidInput) -> InvalidInput:
    return InvalidInput(
        f"its document (line {document_error.line}) is not imported.",
        field="document.id",
        line=claim.line,
    )


def check_against_project(project: Project, fmt: str, parsed: ParsedFile) -> list[ClaimRecord]:
    """Check what parsing cannot: verdicts on the project's scale, documents already in the
    project. Bad claims are moved to `parsed.errors`; the good ones are returned."""
    allowed = allowed_verdicts(project)
    texts = {d.key: d.text for d in parsed.documents.values() if d.text is not None}
    existing = set(
        Document.objects.filter(
            project=project, content_hash__in=[hash_content(t) for t in texts.values()]
        ).values_list("content_hash", flat=True)
    )
    bad_documents: dict[str, InvalidInput] = {}
    first_line: dict[str, int | None] = {}
    for key, text in texts.items():
        digest = hash_content(text)
        problem = document_problem(parsed.documents[key], digest, digest in existing, first_line)
        if problem is not None:
            bad_documents[key] = problem
    parsed.errors.extend(bad_documents.values())
    good = []
    for claim in parsed.claims:
        try:
            if claim.document_key in bad_documents:
                raise orphan_error(claim, bad_documents[claim.document_key])
            check_verdicts(claim, allowed, fmt)
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


def people_in(claim: ClaimRecord) -> set[str]:
    """Usernames of the claim's annotators, reviewing editors and commenters."""
    return (
        {a.annotator for a in claim.annotations}
        | {r.editor for r in claim.reviews}
        | {c.author for c in claim.comments}
    )


def content_key(text: str, speaker: str, review_url: str, metadata: dict) -> tuple:
    """What makes an imported fact-check the same one again: its statement, speaker and
    published review, and its LIAR id when it has one."""
    return (text, speaker, review_url, str((metadata or {}).get("liar_id", "")))


def drop_duplicates(
    project: Project, claims: list[ClaimRecord], summary: ImportSummary
) -> list[ClaimRecord]:
    """The claims that are neither in the project already (by public id, or as the same
    fact-check) nor earlier in the file; the others are counted in the summary."""
    in_project_ids: set = set()
    in_project_keys: set[tuple] = set()
    texts = list({claim.text for claim in claims})
    public_ids = [claim.public_id for claim in claims if claim.public_id]
    for start in range(0, max(len(texts), len(public_ids)), BATCH):
        in_project_ids |= set(
            project.claims.filter(public_id__in=public_ids[start : start + BATCH]).values_list(
                "public_id", flat=True
            )
        )
        in_project_keys |= {
            content_key(*values)
            for values in project.claims.filter(text__in=texts[start : start + BATCH])
            .order_by()
            .values_list("text", "speaker", "review_url", "metadata")
        }
    kept = []
    for claim in claims:
        key = content_key(claim.text, claim.speaker, claim.review_url, claim.metadata)
        if claim.public_id in in_project_ids or key in in_project_keys:
            summary.duplicates += 1
            continue
        in_project_keys.add(key)
        if claim.public_id:
            in_project_ids.add(claim.public_id)
        kept.append(claim)
    return kept


def accounts_for(names: set[str], dry_run: bool) -> tuple[dict[str, Any], list[str]]:
    """Users by username. People not on this instance get an inactive account with no
    password, so their annotations and reviews keep their name."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = sorted(names - set(users))
    if not dry_run:
        for username in missing:
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            user.save()
            users[username] = user
    return users, missing


def import_documents(
    project: Project, actor, fmt: str, records: Iterable[DocumentRecord]
) -> dict[str, Document]:
    """Store an imported dataset's documents, by the key the file gives them. Unlike
    `ingest.create_documents`, nothing is queued for extraction: their claims come with them."""
    documents: dict[str, Document] = {}
    for record in records:
        assert record.text is not None
        documents[record.key] = Document(
            project=project,
            title=record.title or record.text.strip().split("\n")[0][:80],
            text=record.text,
            content_hash=hash_content(record.text),
            url=record.url,
            publisher=record.publisher,
            byline=record.byline,
            published_at=record.published_at,
            language=record.language,
            created_by=actor,
            extractor_version=f"import:{fmt}",
        )
    # One insert per thousand documents; the import's one audit event (record_import)
    # counts them.
    Document.objects.bulk_create(documents.values(), batch_size=BATCH)
    # They come with their claims: nothing to extract.
    jobs.record_extracted(documents.values())
    return documents


def write_claims(
    project: Project, documents: dict[str, Document], claims: list[ClaimRecord], users: dict
) -> None:
    """Insert the claims with their annotations, sources and reviews: a few bulk inserts."""
    new_claims = Claim.objects.bulk_create(
        [
            Claim(
                project=project,
                document=documents[c.document_key],
                **({"public_id": c.public_id} if c.public_id else {}),
                text=c.text,
                start=c.start,
                end=c.end,
                speaker=c.speaker,
                score=c.score,
                scorer_version=c.scorer_version,
                claim_types=c.claim_types,
                origin=c.origin,
                status=c.status,
                # Open claims are checked against their places when the queue reads them.
                in_queue=c.status in QUEUE_STATUSES,
                final_verdict=c.final_verdict,
                final_rationale=c.final_rationale,
                review_comment=c.review_comment,
                rejection_reason=c.rejection_reason,
                locked=c.locked,
                location_iso_code=c.location_iso_code,
                claim_date=c.claim_date,
                review_url=c.review_url,
                review_date=c.review_date,
                metadata=c.metadata,
            )
            for c in claims
        ],
        batch_size=BATCH,
    )
    annotations = []
    for record, claim in zip(claims, new_claims, strict=True):
        record.public_id = claim.public_id
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
    Annotation.objects.bulk_create(annotations, batch_size=BATCH)
    by_claim_and_user = {(a.claim_id, a.annotator.username): a for a in annotations}
    sources, reviews, comments = [], [], []
    for record, claim in zip(claims, new_claims, strict=True):
        comments += [
            (Comment(claim=claim, author=users[c.author], body=c.body), c.created_at)
            for c in record.comments
        ]
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
    Source.objects.bulk_create(sources, batch_size=BATCH)
    # An archived page comes with the file: its archiving is done. The others are not
    # fetched from here (a restore of a large dataset would send thousands of requests).
    jobs.record_fetched([source for source in sources if source.fetched_at], project)
    dated = [(review, review.created_at) for review in reviews]
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    # created_at is set on insert; the history keeps the times it happened at.
    for review, created_at in dated:
        if created_at is not None:
            review.created_at = created_at
    Review.objects.bulk_update([r for r, at in dated if at], ["created_at"], batch_size=BATCH)
    Comment.objects.bulk_create([comment for comment, _ in comments], batch_size=BATCH)
    for comment, created_at in comments:
        if created_at is not None:
            comment.created_at = created_at
    Comment.objects.bulk_update([c for c, at in comments if at], ["created_at"], batch_size=BATCH)


def link_merges(project: Project, merges: list[tuple[Any, Any, int]]) -> None:
    """Point each merged claim at the claim it was merged into, by public id, once every
    claim of the file is written (the one kept may come later in the file)."""
    targets = dict(
        project.claims.filter(public_id__in={target for _, target, _ in merges}).values_list(
            "public_id", "id"
        )
    )
    for public_id, target, line in merges:
        if target not in targets:
            raise InvalidInput(
                "no claim with this id in the file or the project.", field="merged_into", line=line
            )
        project.claims.filter(public_id=public_id).update(merged_into_id=targets[target])


def batches(items: Iterable[ClaimRecord]) -> Iterator[list[ClaimRecord]]:
    batch: list[ClaimRecord] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def record_import(actor, project: Project, name: str, fmt: str, summary: ImportSummary) -> None:
    record_event(
        actor,
        project,
        "import",
        after={
            "file": name,
            "format": fmt,
            "claims": summary.claims,
            "documents": summary.documents,
            "skipped_lines": summary.n_skipped,
        },
    )


def finish(summary: ImportSummary, errors: list[InvalidInput], skip_bad_lines: bool) -> None:
    """Refuse a file with bad lines (unless they are to be skipped) or with no claims;
    otherwise note what is skipped in the summary."""
    errors.sort(key=lambda e: e.line or 0)
    if errors and not skip_bad_lines:
        raise DatasetErrors(errors)
    if not summary.claims and summary.duplicates:
        raise InvalidInput(
            f"All {summary.duplicates} claims of the file are in the project already; "
            "nothing to import."
        )
    if not summary.claims:
        raise InvalidInput("The file holds no claims to import.")
    summary.n_skipped = len(errors)
    summary.skipped = [error_dict(e) for e in errors[:LISTED]]


def locked(project: Project) -> Project:
    # Two imports of the same file at once must not both pass the "already in the
    # project" checks and import it twice.
    return Project.objects.select_for_update().select_related("rating_scale").get(pk=project.pk)


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
    if fmt == "jsonl":
        # Split on line feeds only: str.splitlines() would also cut a JSON string at the
        # U+2028 line separators that web text carries and JSON leaves unescaped.
        return import_jsonl(
            project,
            actor,
            name,
            lambda: iter(content.split("\n")),
            dry_run=dry_run,
            skip_bad_lines=skip_bad_lines,
        )
    with transaction.atomic():
        project = locked(project)
        parsed = parse_dataset(project, fmt, name, content)
        claims = check_against_project(project, fmt, parsed)
        summary = ImportSummary(format=fmt, dry_run=dry_run)
        claims = drop_duplicates(project, claims, summary)
        for claim in claims:
            summary.count(claim)
        finish(summary, parsed.errors, skip_bad_lines)
        lay_out_groups(project, parsed, claims)
        used = {c.document_key for c in claims}
        records = [d for d in parsed.documents.values() if d.key in used and d.text is not None]
        summary.documents = len(records)
        users, summary.new_accounts = accounts_for(
            set().union(*(people_in(c) for c in claims)), dry_run
        )
        if not dry_run:
            documents = import_documents(project, actor, fmt, records)
            for batch in batches(claims):
                write_claims(project, documents, batch, users)
            record_import(actor, project, name, fmt, summary)
    return summary


def import_jsonl(
    project: Project,
    actor,
    name: str,
    open_lines: Callable[[], Iterator[str]],
    *,
    dry_run: bool = False,
    skip_bad_lines: bool = False,
) -> ImportSummary:
    """Import a native JSONL file whose lines `open_lines()` gives, afresh each time it is
    called. The first reading checks every line and keeps only the documents (a claim's
    offsets are checked against its document's text); the second parses the good claims
    again and writes them a batch at a time. Memory holds the documents, not the claims.

    A document already in the project is not made again: its new claims join it. A claim
    already in the project (by its public id) is left out, so a backup re-imported with
    one new claim adds that one."""
    summary = ImportSummary(format="jsonl", dry_run=dry_run)
    documents: dict[str, DocumentRecord] = {}
    errors: list[InvalidInput] = []
    with transaction.atomic():
        project = locked(project)
        allowed = allowed_verdicts(project)
        bad_documents: dict[str, InvalidInput] = {}
        existing_documents: dict[str, int] = {}
        first_line: dict[str, int | None] = {}
        names: set[str] = set()
        # A restore goes into an empty project: then nothing can be there already.
        project_documents = Document.objects.filter(project=project)
        has_documents = project_documents.exists()
        duplicates = Duplicates(project, existing_documents)
        pending: list[ClaimRecord] = []

        def count(claims: list[ClaimRecord]) -> None:
            nonlocal names
            for claim in duplicates.fresh(claims, summary):
                summary.count(claim)
                names |= people_in(claim)
            claims.clear()

        for item in jsonl.parse_lines(open_lines(), documents):
            if isinstance(item, InvalidInput):
                errors.append(item)
            elif isinstance(item, DocumentRecord):
                digest = hash_content(item.text)
                existing = has_documents and (
                    project_documents.filter(content_hash=digest)
                    .values_list("id", flat=True)
                    .first()
                )
                if existing:
                    existing_documents[item.key] = existing
                problem = document_problem(item, digest, False, first_line)
                if problem is not None:
                    bad_documents[item.key] = problem
                    errors.append(problem)
            else:
                try:
                    if item.document_key in bad_documents:
                        raise orphan_error(item, bad_documents[item.document_key])
                    check_verdicts(item, allowed, "jsonl")
                except InvalidInput as exc:
                    errors.append(exc)
                else:
                    pending.append(item)
                    if len(pending) == BATCH:
                        count(pending)
        count(pending)
        finish(summary, errors, skip_bad_lines)
        good = [
            d
            for key, d in documents.items()
            if key not in bad_documents and key not in existing_documents
        ]
        summary.documents = len(good)
        users, summary.new_accounts = accounts_for(names, dry_run)
        if not dry_run:
            created = import_documents(project, actor, "jsonl", good)
            in_bulk = Document.objects.in_bulk(list(existing_documents.values()))
            created.update({key: in_bulk[pk] for key, pk in existing_documents.items()})
            skip = (
                {e.line for e in errors} | {d.line for d in documents.values()} | duplicates.lines
            )
            merges: list[tuple[Any, Any, int]] = []
            for batch in batches(second_reading(open_lines(), documents, skip)):
                write_claims(project, created, batch, users)
                merges += [(c.public_id, c.merged_into, c.line) for c in batch if c.merged_into]
            link_merges(project, merges)
            record_import(actor, project, name, "jsonl", summary)
    return summary


class Duplicates:
    """Finds the claims of a native JSONL file that the project has already (by public id,
    or for files without public ids by their span in a document it has) or that came
    earlier in the file, a batch at a time, keeping their line numbers."""

    def __init__(self, project: Project, existing_documents: dict[str, int]):
        self.project = project
        self.existing_documents = existing_documents
        self.has_claims = project.claims.exists()
        self.seen: set[bytes] = set()
        self.lines: set[int] = set()

    def fresh(self, claims: list[ClaimRecord], summary: ImportSummary) -> list[ClaimRecord]:
        in_project: set = set()
        if self.has_claims:
            in_project = set(
                self.project.claims.filter(
                    public_id__in=[c.public_id for c in claims if c.public_id]
                ).values_list("public_id", flat=True)
            )
        kept = []
        for claim in claims:
            if claim.public_id is not None:
                duplicate = claim.public_id in in_project or claim.public_id.bytes in self.seen
                self.seen.add(claim.public_id.bytes)
            else:
                document = self.existing_documents.get(claim.document_key)
                duplicate = document is not None and (
                    self.project.claims.filter(
                        document_id=document, start=claim.start, end=claim.end
                    ).exists()
                )
            if duplicate:
                self.lines.add(claim.line)
                summary.duplicates += 1
            else:
                kept.append(claim)
        return kept


def second_reading(
    lines: Iterator[str], documents: dict[str, DocumentRecord], skip: set[int]
) -> Iterator[ClaimRecord]:
    """The good claims again, for writing. A line that fails now passed the first
    reading, so the file changed in between: the import stops and writes nothing."""
    for item in jsonl.parse_lines(lines, documents, skip):
        if isinstance(item, InvalidInput):
            raise InvalidInput(f"The file changed while it was imported: {item}", line=item.line)
        assert isinstance(item, ClaimRecord)
        yield item


def lines_of(path: Path) -> Iterator[str]:
    """The file's lines as text, one at a time; a line that is not UTF-8 is named."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput(f"{path.name} is not valid UTF-8 text.", line=number) from None
            yield text.removeprefix("\ufeff") if number == 1 else text


def import_dataset_file(
    project: Project,
    actor,
    fmt: str,
    path: Path,
    *,
    dry_run: bool = False,
    skip_bad_lines: bool = False,
) -> ImportSummary:
    """Import a file on disk (the command, which has no upload size limit): a native JSONL
    file line by line, the other formats whole."""
    options = {"dry_run": dry_run, "skip_bad_lines": skip_bad_lines}
    if fmt == "jsonl":
        return import_jsonl(project, actor, path.name, lambda: lines_of(path), **options)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path.name} is not valid UTF-8 text.", line=line) from None
    return import_dataset(project, actor, fmt, path.name, content, **options)
