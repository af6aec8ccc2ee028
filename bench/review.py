"""Seed a project of 100,000 claims and 300,000 annotations into PostgreSQL with COPY,
then time the review queue, the dashboard and agreement (server time, through Django's
test client, so middleware, views and templates are included) and count their queries.

    SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/review.py [--claims 100000] [--reseed]

The seeded project (slug "bench-review") is kept between runs; --reseed replaces it."""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotations.dashboard import refresh_snapshot  # noqa: E402
from annotations.jobs import record_extracted  # noqa: E402
from annotations.models import (  # noqa: E402
    Annotation,
    AuditEvent,
    Claim,
    Document,
    Membership,
    Project,
    RatingScale,
    Role,
    Source,
    hash_content,
)

SLUG = "bench-review"
CLAIMS_PER_DOCUMENT = 100
ANNOTATORS = 10
VERDICTS = ["true", "mostly_true", "half_true", "mostly_false", "false", "pants_on_fire"]
STANCES = ["supported", "refuted", "conflicting", "not_enough_evidence"]
SENTENCE = "Claim {n} says the council spent {m} million euros on the flood wall in {y}. "


def drop_project() -> None:
    project = Project.objects.filter(slug=SLUG).first()
    if project is None:
        return
    t = Claim._meta.db_table
    with connection.cursor() as cursor:
        for sql in (
            f"DELETE FROM {Source._meta.db_table} WHERE annotation_id IN (SELECT a.id FROM "
            f"{Annotation._meta.db_table} a JOIN {t} c ON c.id = a.claim_id WHERE c.project_id = %s)",
            f"DELETE FROM {Annotation._meta.db_table} WHERE claim_id IN (SELECT id FROM {t} WHERE project_id = %s)",
            "DELETE FROM annotations_review WHERE claim_id IN (SELECT id FROM annotations_claim WHERE project_id = %s)",
            "DELETE FROM annotations_assignment WHERE claim_id IN (SELECT id FROM annotations_claim WHERE project_id = %s)",
            "DELETE FROM annotations_comment WHERE claim_id IN (SELECT id FROM annotations_claim WHERE project_id = %s)",
            f"DELETE FROM {t} WHERE project_id = %s",
            f"DELETE FROM {Document._meta.db_table} WHERE project_id = %s",
            f"DELETE FROM {AuditEvent._meta.db_table} WHERE project_id = %s",
        ):
            cursor.execute(sql, [project.pk])
    project.delete()


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Load rows with PostgreSQL's COPY, the fastest way in."""
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@transaction.atomic
def seed(n_claims: int) -> Project:
    rng = random.Random(42)
    now = timezone.now()
    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    annotators = [
        User.objects.get_or_create(username=f"bench-annotator-{i}")[0] for i in range(ANNOTATORS)
    ]
    project = Project.objects.create(
        slug=SLUG,
        name="Benchmark: review",
        rating_scale=RatingScale.objects.get(key="six-point"),
        annotations_per_claim=3,
    )
    Membership.objects.create(project=project, user=editor, role=Role.EDITOR)
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=Role.ANNOTATOR) for user in annotators
    )

    n_documents = max(n_claims // CLAIMS_PER_DOCUMENT, 1)
    documents, spans = [], []
    for d in range(n_documents):
        text, doc_spans = "", []
        for c in range(CLAIMS_PER_DOCUMENT):
            sentence = SENTENCE.format(n=d * CLAIMS_PER_DOCUMENT + c, m=c % 40 + 1, y=2000 + c % 25)
            doc_spans.append((len(text), len(text) + len(sentence) - 1, sentence[:-1]))
            text += sentence
        documents.append(
            Document(
                project=project,
                title=f"Council report {d}",
                text=text,
                content_hash=hash_content(text),
            )
        )
        spans.append(doc_spans)
    Document.objects.bulk_create(documents, batch_size=500)
    record_extracted(documents)

    # Claims: 20% in progress, 40% in review, 40% approved.
    claim_rows = []
    for document, doc_spans in zip(documents, spans, strict=True):
        for start, end, text in doc_spans:
            r = rng.random()
            status = "in_progress" if r < 0.2 else ("in_review" if r < 0.6 else "approved")
            verdict = rng.choice(VERDICTS) if status == "approved" else ""
            claim_rows.append(
                (
                    project.pk,
                    document.pk,
                    uuid.uuid4(),
                    text,
                    start,
                    end,
                    "",
                    rng.random(),
                    "bench",
                    "[]",
                    "extracted",
                    status,
                    verdict,
                    "",
                    "",
                    "",
                    "",
                    False,
                    False,
                    1,
                    now,
                    now,
                    "",
                    "{}",
                )
            )
    copy_rows(
        Claim._meta.db_table,
        [
            "project_id",
            "document_id",
            "public_id",
            "text",
            "start",
            '"end"',
            "speaker",
            "score",
            "scorer_version",
            "claim_types",
            "origin",
            "status",
            "final_verdict",
            "final_rationale",
            "rejection_reason",
            "review_comment",
            "location_iso_code",
            "locked",
            "disagreement",
            "version",
            "created_at",
            "updated_at",
            "review_url",
            "metadata",
        ],
        claim_rows,
    )
    claims = list(project.claims.order_by("id").values_list("id", "status"))

    # Three annotations per claim by three different annotators; about a third disagree.
    annotation_rows = []
    for claim_id, status in claims:
        coders = rng.sample(annotators, 3)
        base = rng.randrange(len(VERDICTS))
        for i, user in enumerate(coders):
            verdict = VERDICTS[base] if rng.random() < 0.8 else VERDICTS[min(base + 1, 5)]
            submitted = status != "in_progress" or i < 2
            when = now - datetime.timedelta(days=rng.random() * 90)
            annotation_rows.append(
                (
                    claim_id,
                    user.pk,
                    rng.choice(STANCES[:2]) if rng.random() < 0.9 else "conflicting",
                    verdict,
                    "Checked against the council minutes.",
                    None,
                    "submitted" if submitted else "draft",
                    1,
                    1,
                    when,
                    when,
                    when if submitted else None,
                )
            )
    copy_rows(
        Annotation._meta.db_table,
        [
            "claim_id",
            "annotator_id",
            "stance",
            "verdict",
            "rationale",
            "checkworthy",
            "state",
            "version",
            "guideline_version",
            "created_at",
            "updated_at",
            "submitted_at",
        ],
        annotation_rows,
    )
    # Read all ids first: the connection cannot fetch from a cursor while a COPY is open.
    annotation_ids = list(
        Annotation.objects.filter(claim__project=project).values_list("id", flat=True)
    )
    copy_rows(
        Source._meta.db_table,
        [
            "annotation_id",
            "position",
            "url",
            "title",
            "publisher",
            "quote",
            "stance",
            "question",
            "answer",
            "snapshot_text",
            "snapshot_sha256",
        ],
        (
            (
                pk,
                0,
                f"https://minutes.example.org/{pk % 977}",
                "Minutes",
                "Council",
                "",
                "refutes",
                "",
                "",
                "",
                "",
            )
            for pk in annotation_ids
        ),
    )
    # Archived: their fetch jobs are done.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotations_job (kind, project_id, source_id, state, attempts, worker,"
            " error, created_at, finished_at) SELECT 'fetch', %s, s.id, 'done', 1, '', '', now(),"
            " now() FROM annotations_source s JOIN annotations_annotation a"
            " ON a.id = s.annotation_id JOIN annotations_claim c ON c.id = a.claim_id"
            " WHERE c.project_id = %s",
            [project.pk, project.pk],
        )
    # The flag save_annotation keeps for the review queue, set here in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Claim._meta.db_table} SET disagreement = TRUE WHERE id IN ("
            f"SELECT a.claim_id FROM {Annotation._meta.db_table} a JOIN {Claim._meta.db_table} c "
            "ON c.id = a.claim_id WHERE c.project_id = %s AND c.status = 'in_review' "
            "AND a.state = 'submitted' GROUP BY a.claim_id "
            "HAVING MIN(a.verdict) <> MAX(a.verdict) OR MIN(a.stance) <> MAX(a.stance))",
            [project.pk],
        )
    return project


def measure(client: Client, path: str, runs: int) -> tuple[float, float, int]:
    client.get(path)  # warm caches and connections
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), max(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL=postgres://... : this benchmark needs PostgreSQL.")

    call_command("migrate", verbosity=0)
    if args.reseed:
        drop_project()
    project = Project.objects.filter(slug=SLUG).first()
    if project is None:
        start = time.perf_counter()
        project = seed(args.claims)
        with connection.cursor() as cursor:
            # What autovacuum would have done by the time anyone reads the project.
            cursor.execute("VACUUM ANALYZE")
        print(f"seeded in {time.perf_counter() - start:.1f} s")
    n_claims = project.claims.count()
    n_annotations = Annotation.objects.filter(claim__project=project).count()
    print(
        f"project {SLUG}: {n_claims} claims, {n_annotations} annotations, "
        f"{project.claims.awaiting_review().count()} in review"
    )

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    claim_id = project.claims.awaiting_review().values_list("id", flat=True).first()
    paths = [
        ("review queue page", f"/projects/{SLUG}/review/"),
        ("review queue page 500", f"/projects/{SLUG}/review/?page=500"),
        ("review queue, disagreements only", f"/projects/{SLUG}/review/?disagreements=1"),
        ("review queue API", f"/api/projects/{SLUG}/review-queue/"),
        ("dashboard page", f"/projects/{SLUG}/dashboard/"),
        ("dashboard API", f"/api/projects/{SLUG}/dashboard/"),
        ("claim history page", f"/claims/{claim_id}/history/"),
        (
            "agreement API, last 7 days",
            f"/api/projects/{SLUG}/agreement/?since={(timezone.localdate() - datetime.timedelta(days=6)).isoformat()}",
        ),
        ("agreement API, all time", f"/api/projects/{SLUG}/agreement/"),
    ]
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        refresh_snapshot(project)
        elapsed = (time.perf_counter() - start) * 1000
    print(
        f"dashboard figures recomputed (Celery task refresh_dashboard): {elapsed:.0f} ms, "
        f"{len(ctx.captured_queries)} queries"
    )
    print(f"{'':36} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, path in paths:
        median, worst, queries = measure(client, path, args.runs)
        print(f"{name:36} {median:10.1f} {worst:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
