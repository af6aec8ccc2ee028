"""Big projects for the benchmarks, loaded into PostgreSQL with COPY (the fastest way in).
Import after django.setup()."""

from __future__ import annotations

import random
import uuid

from django.db import connection, transaction
from django.utils import timezone

from annotations.models import Claim, Document, Project, RatingScale, hash_content

CLAIMS_PER_DOCUMENT = 100
SENTENCE = "Claim {n} says the council spent {m} million euros on the flood wall. "


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def drop_project(slug: str) -> None:
    """Delete a seeded project and everything under it, table by table (the ORM's cascade
    would load a million rows)."""
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        return
    claims = "claim_id IN (SELECT id FROM annotations_claim WHERE project_id = %s)"
    with connection.cursor() as cursor:
        for table, where in (
            (
                "annotations_source",
                "annotation_id IN (SELECT a.id FROM annotations_annotation a"
                " JOIN annotations_claim c ON c.id = a.claim_id WHERE c.project_id = %s)",
            ),
            ("annotations_annotation", claims),
            ("annotations_claimreservation", claims),
            ("annotations_assignment", claims),
            ("annotations_claimskip", claims),
            ("annotations_claimmatch", claims),
            ("annotations_review", claims),
            ("annotations_comment", claims),
            ("annotations_claim", "project_id = %s"),
            ("annotations_document", "project_id = %s"),
            ("annotations_auditevent", "project_id = %s"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {where}", [project.pk])
    project.delete()


@transaction.atomic
def seed_project(slug: str, n_claims: int, annotations_per_claim: int = 1) -> Project:
    """A project of documents of 100 extracted claims each, random scores, nothing started."""
    rng = random.Random(7)
    now = timezone.now()
    project = Project.objects.create(
        slug=slug,
        name=f"Benchmark, {n_claims} claims",
        rating_scale=RatingScale.objects.get(key="six-point"),
        annotations_per_claim=annotations_per_claim,
    )
    text, spans = "", []
    for c in range(CLAIMS_PER_DOCUMENT):
        sentence = SENTENCE.format(n=c, m=c % 40 + 1)
        spans.append((len(text), len(text) + len(sentence) - 1, sentence[:-1]))
        text += sentence
    copy_rows(
        Document._meta.db_table,
        ["project_id", "title", "url", "publisher", "byline", "language", "text",
         "content_hash", "extractor_version", "created_at"],
        (
            (project.pk, f"Council report {d}", "", "", "", "en", f"{text}({d})",
             hash_content(f"{text}({d})"), "bench", now)
            for d in range(max(n_claims // CLAIMS_PER_DOCUMENT, 1))
        ),
    )  # fmt: skip
    document_ids = list(project.documents.order_by("id").values_list("id", flat=True))
    copy_rows(
        Claim._meta.db_table,
        ["project_id", "document_id", "public_id", "text", "start", '"end"', "speaker", "score",
         "scorer_version", "claim_types", "origin", "status", "final_verdict",
         "final_rationale", "review_comment", "rejection_reason", "location_iso_code", "locked",
         "disagreement", "in_queue", "version", "created_at", "updated_at", "review_url",
         "metadata"],
        (
            (project.pk, document_id, uuid.uuid4(), claim_text, start, end, "", rng.random(),
             "bench", "[]", "extracted", "unstarted", "", "", "", "", "", False, False, True, 1,
             now, now, "", "{}")
            for document_id in document_ids
            for start, end, claim_text in spans
        ),
    )  # fmt: skip
    with connection.cursor() as cursor:
        # Extracted: their extraction jobs are done.
        cursor.execute(
            "INSERT INTO annotations_job (kind, project_id, document_id, state, attempts, worker,"
            " error, created_at, finished_at) SELECT 'extract', project_id, id, 'done', 1, '', '',"
            " now(), now() FROM annotations_document WHERE project_id = %s",
            [project.pk],
        )
        cursor.execute("ANALYZE annotations_document")
        cursor.execute("ANALYZE annotations_claim")
    return project
