"""Export benchmark: seed a project with PostgreSQL COPY, export it in every format, and
print seconds, rows/s and the exporting process's peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SECRET_KEY=x \\
        python bench/export.py --claims 100000 --annotations 200000 --sources 300000

The issue's full size is --claims 1000000 --annotations 2000000 --sources 3000000. The
seeded project is kept (slug bench-<claims>) and reused by a later run of the same size;
--drop removes it at the end. Each format is exported by a fresh child process (this
script with --child), so the peak RSS printed is that export's own, Django included.

--restore also exports native JSONL to a temporary file and imports it into a new project
(as `manage.py import_dataset` does), printing the import's figures on a last line;
--restore-into sqlite imports it into a new SQLite database instead (the embedded default;
--claims 20000 makes a backup of about 50 MB).

"CPU s" is the exporting process's own CPU time (user + system; the database server's is
not in it): on a machine shared with other work, claims per CPU second shows what one free
core would do. Targets: JSONL >= 25,000 claims/s, CSV >= 50,000 rows/s, peak RSS < 200 MB and
flat as the project grows.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

FORMATS = ["jsonl", "csv", "csv_annotations", "fever", "averitec", "claimreview", "liar"]
CLAIMS_PER_DOCUMENT = 20
N_ANNOTATORS = 20
VERDICTS = ["true", "mostly_true", "half_true", "mostly_false", "false", "pants_on_fire"]
STANCES = {"true": "supported", "mostly_true": "supported", "half_true": "conflicting"}
NOW = "2025-01-01 00:00:00+00"


def setup_django(postgresql: bool = True) -> None:
    import django

    django.setup()
    from django.conf import settings

    if postgresql and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/export.py needs PostgreSQL: set DATABASE_URL=postgres://...")


def spread(total: int, slots: int, index: int) -> int:
    """How many of `total` items slot `index` of `slots` gets, as evenly as possible."""
    return total // slots + (1 if index < total % slots else 0)


def claim_text(i: int) -> str:
    return f"Claim {i}: the council spent {i % 997} million euros on the flood wall in {2000 + i % 25}."


def next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def reset_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
    )


def copy_lines(cursor, table: str, columns: str, lines) -> None:
    """COPY rows given as tab-separated text lines, in blocks of about a megabyte."""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) >= 10000:
                copy.write("\n".join(block) + "\n")
                block = []
        if block:
            copy.write("\n".join(block) + "\n")


def seed(slug: str, n_claims: int, n_annotations: int, n_sources: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from annotations.models import Membership, Organisation, Project, RatingScale

    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        project = Project.objects.create(
            slug=slug,
            name=f"Benchmark {n_claims:,}",
            rating_scale=RatingScale.objects.get(key="six-point"),
            organisation=Organisation.objects.get_or_create(
                slug="bench-desk",
                defaults={"name": "Bench Desk", "url": "https://bench.example.org/"},
            )[0],
        )
        annotators = []
        for n in range(N_ANNOTATORS):
            user, _ = User.objects.get_or_create(username=f"bench-annotator-{n}")
            annotators.append(user.pk)
            Membership.objects.get_or_create(project=project, user=user)
        editor, _ = User.objects.get_or_create(username="bench-editor")
        Membership.objects.get_or_create(project=project, user=editor, defaults={"role": "editor"})
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # the psycopg cursor, for COPY
            n_documents = (n_claims + CLAIMS_PER_DOCUMENT - 1) // CLAIMS_PER_DOCUMENT
            doc0 = next_id(cursor, "annotations_document")
            claim0 = next_id(cursor, "annotations_claim")
            ann0 = next_id(cursor, "annotations_annotation")
            src0 = next_id(cursor, "annotations_source")

            def documents():
                for d in range(n_documents):
                    first = d * CLAIMS_PER_DOCUMENT
                    texts = [
                        claim_text(i)
                        for i in range(first, min(first + CLAIMS_PER_DOCUMENT, n_claims))
                    ]
                    text = " ".join(texts)
                    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=d % 1500)
                    yield (
                        f"{doc0 + d}\t{project.pk}\tArticle {d}\thttps://news.example.org/{d}\t"
                        f"Example News\t\t{day} 08:00:00+00\ten\t{text}\t"
                        f"{hashlib.sha256(text.encode()).hexdigest()}\tbench\t\\N\t{NOW}"
                    )

            copy_lines(
                cursor,
                "annotations_document",
                "id, project_id, title, url, publisher, byline, published_at, language, text, "
                "content_hash, extractor_version, "
                "created_by_id, created_at",
                documents(),
            )

            def claims():
                offset = 0
                for i in range(n_claims):
                    if i % CLAIMS_PER_DOCUMENT == 0:
                        offset = 0
                    text = claim_text(i)
                    approved = i % 5 < 3
                    verdict = VERDICTS[i % 6] if approved else ""
                    yield (
                        f"{claim0 + i}\t{project.pk}\t{doc0 + i // CLAIMS_PER_DOCUMENT}\t{text}\t"
                        f"{offset}\t{offset + len(text)}\tSpeaker {i % 500}\t{(i % 100) / 100}\t"
                        f'light-1\t["numerical"]\textracted\t{"approved" if approved else "in_review"}\t'
                        f"{verdict}\t{'Checked against the budget.' if approved else ''}\t\t1\t"
                        f"{NOW}\t{NOW}\t\\N\t\t\\N\t{{}}\tf\tf\t{uuid.uuid4()}\t\t"
                    )
                    offset += len(text) + 1

            copy_lines(
                cursor,
                "annotations_claim",
                'id, project_id, document_id, text, start, "end", speaker, score, scorer_version, '
                "claim_types, origin, status, final_verdict, final_rationale, rejection_reason, "
                "version, created_at, updated_at, claim_date, review_url, review_date, metadata, locked, "
                "disagreement, public_id, review_comment, location_iso_code",
                claims(),
            )
            # Annotations: spread over the claims; sources: spread over the annotations.
            plan = [spread(n_annotations, n_claims, i) for i in range(n_claims)]

            def annotations():
                a = 0
                for i, k in enumerate(plan):
                    verdict = VERDICTS[i % 6]
                    for j in range(min(k, N_ANNOTATORS)):
                        yield (
                            f"{ann0 + a}\t{claim0 + i}\t{annotators[(i + j) % N_ANNOTATORS]}\t"
                            f"{STANCES.get(verdict, 'refuted')}\t{verdict}\tSee the sources.\tt\t"
                            f"submitted\t1\t1\t{NOW}\t{NOW}\t{NOW}"
                        )
                        a += 1

            copy_lines(
                cursor,
                "annotations_annotation",
                "id, claim_id, annotator_id, stance, verdict, rationale, checkworthy, state, "
                "version, guideline_version, created_at, updated_at, submitted_at",
                annotations(),
            )
            total_annotations = sum(min(k, N_ANNOTATORS) for k in plan)

            def sources():
                s = 0
                for a in range(total_annotations):
                    for p in range(spread(n_sources, total_annotations, a)):
                        yield (
                            f"{src0 + s}\t{ann0 + a}\t{p}\thttps://evidence.example.org/{s}\t"
                            f"Budget report {s}\tStatistics office\tThe wall cost {s % 997} million.\t"
                            f"{'refutes' if s % 2 else 'supports'}\tHow much did the wall cost?\t"
                            f"{s % 997} million.\t\\N\t\t{'ab' * 32}\t{NOW}"
                        )
                        s += 1

            copy_lines(
                cursor,
                "annotations_source",
                "id, annotation_id, position, url, title, publisher, quote, stance, question, "
                "answer, published_at, snapshot_text, snapshot_sha256, fetched_at",
                sources(),
            )

            def reviews():
                for i in range(n_claims):
                    if i % 5 < 3:
                        yield (
                            f"{claim0 + i}\t{editor.pk}\tapprove\t{VERDICTS[i % 6]}\t"
                            f"Checked against the budget.\t\\N\t{NOW}"
                        )

            copy_lines(
                cursor,
                "annotations_review",
                "claim_id, editor_id, action, verdict, comment, annotation_id, created_at",
                reviews(),
            )
            # Every document extracted and every source archived: their jobs are done.
            cursor.execute(
                "INSERT INTO annotations_job (kind, project_id, document_id, state, attempts,"
                " worker, error, created_at, finished_at) SELECT 'extract', project_id, id, 'done',"
                " 1, '', '', now(), now() FROM annotations_document WHERE project_id = %s",
                [project.pk],
            )
            cursor.execute(
                "INSERT INTO annotations_job (kind, project_id, source_id, state, attempts,"
                " worker, error, created_at, finished_at) SELECT 'fetch', %s, s.id, 'done', 1, '',"
                " '', now(), now() FROM annotations_source s JOIN annotations_annotation a"
                " ON a.id = s.annotation_id JOIN annotations_claim c ON c.id = a.claim_id"
                " WHERE c.project_id = %s",
                [project.pk, project.pk],
            )
            for table in ("document", "claim", "annotation", "source"):
                reset_sequence(cursor, f"annotations_{table}")
            cursor.execute("ANALYZE")
    print(f"seeded {slug} in {time.perf_counter() - started:.1f} s", flush=True)


def counts(slug: str) -> tuple[int, int, int] | None:
    from annotations.models import Annotation, Claim, Project, Source

    project = Project.objects.filter(slug=slug).first()
    if project is None:
        return None
    return (
        Claim.objects.filter(project=project).count(),
        Annotation.objects.filter(claim__project=project).count(),
        Source.objects.filter(annotation__claim__project=project).count(),
    )


def drop(slug: str) -> None:
    from django.db import connection, transaction

    from annotations.models import Project

    project = Project.objects.get(slug=slug)
    with transaction.atomic(), connection.cursor() as cursor:
        p = project.pk
        cursor.execute(
            "DELETE FROM annotations_source WHERE annotation_id IN (SELECT a.id FROM "
            "annotations_annotation a JOIN annotations_claim c ON c.id = a.claim_id "
            "WHERE c.project_id = %s)",
            [p],
        )
        cursor.execute(
            "DELETE FROM annotations_review WHERE claim_id IN "
            "(SELECT id FROM annotations_claim WHERE project_id = %s)",
            [p],
        )
        cursor.execute(
            "DELETE FROM annotations_annotation WHERE claim_id IN "
            "(SELECT id FROM annotations_claim WHERE project_id = %s)",
            [p],
        )
        cursor.execute("DELETE FROM annotations_claim WHERE project_id = %s", [p])
        cursor.execute("DELETE FROM annotations_document WHERE project_id = %s", [p])
        project.delete()


def child(slug: str, name: str) -> None:
    """Run one export to /dev/null and print its figures as JSON."""
    setup_django()
    from annotations.exports import export_chunks
    from annotations.exports.chunks import Progress, pausing_collections
    from annotations.models import Project

    project = Project.objects.select_related("rating_scale").get(slug=slug)
    progress = Progress()
    started = time.perf_counter()
    size = 0
    # As a background export and the export command run it.
    with open(os.devnull, "w", encoding="utf-8") as sink, pausing_collections():
        for chunk in export_chunks(project, name, None, progress):
            size += len(chunk)
            sink.write(chunk)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "read": progress.read,
                "written": progress.written,
                "chars": size,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def restore_child(slug: str, path: str) -> None:
    """Import the native JSONL at `path` into a new project `slug`; print figures as JSON."""
    setup_django(postgresql=False)
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a new SQLite file (--restore-into sqlite)
    from annotations.imports import import_dataset_file
    from annotations.models import Project, RatingScale

    project = Project.objects.create(
        slug=slug,
        name=f"Restored {slug}",
        rating_scale=RatingScale.objects.get(key="six-point"),
    )
    started = time.perf_counter()
    summary = import_dataset_file(project, None, "jsonl", Path(path))
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "read": summary.claims,
                "written": summary.claims,
                "chars": os.path.getsize(path),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def restore(slug: str, into: str) -> dict:
    """Export the project as native JSONL to a temporary file and import it into a new
    project in a child process (dropped afterwards): the restore's time and memory. With
    `into` "sqlite" the child imports into a new SQLite database (the embedded default)
    instead, created (migrated) before the clock starts."""
    import tempfile

    from annotations.exports import export_chunks
    from annotations.models import Project

    project = Project.objects.select_related("rating_scale").get(slug=slug)
    target = f"{slug}-restored"
    if Project.objects.filter(slug=target).exists():
        drop(target)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as backup:
        for chunk in export_chunks(project, "jsonl"):
            backup.write(chunk)
        backup.flush()
        if into == "sqlite":
            with tempfile.TemporaryDirectory() as data_dir:
                env = {
                    k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
                }
                env["FACTCHECK_DATA_DIR"] = data_dir
                return run_child(["--restore-child", backup.name, "--slug", target], "restore", env)
        figures = run_child(["--restore-child", backup.name, "--slug", target], "restore")
    drop(target)
    return figures


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not getrusage's ru_maxrss: Linux
    carries the forking parent's peak into a child's ru_maxrss across exec, and the parent
    here may just have seeded a million rows."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_format(slug: str, name: str) -> dict:
    return run_child(["--child", "--slug", slug, "--format", name], name)


def run_child(arguments: list[str], name: str, env: dict | None = None) -> dict:
    process = subprocess.Popen(
        [sys.executable, __file__, *arguments], stdout=subprocess.PIPE, env=env or os.environ
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{name} failed (exit {process.returncode})")
    figures = json.loads(output)
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--annotations", type=int, default=None, help="default: 2 per claim")
    parser.add_argument("--sources", type=int, default=None, help="default: 3 per claim")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--drop", action="store_true", help="delete the seeded project at the end")
    parser.add_argument(
        "--restore",
        action="store_true",
        help="also import the native JSONL export into a new project (manage.py import_dataset's "
        "path) and print its figures",
    )
    parser.add_argument(
        "--restore-into",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="with --restore: import into the same PostgreSQL database, or into a new SQLite "
        "database (the embedded default)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--restore-child", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.slug, args.format)
        return
    if args.restore_child:
        restore_child(args.slug, args.restore_child)
        return
    n_annotations = args.annotations if args.annotations is not None else 2 * args.claims
    n_sources = args.sources if args.sources is not None else 3 * args.claims
    setup_django()
    slug = f"bench-{args.claims}"
    existing = counts(slug)
    if existing is not None and existing != (args.claims, n_annotations, n_sources):
        print(f"{slug} holds {existing}; dropping it to seed again", flush=True)
        drop(slug)
        existing = None
    if existing is None:
        seed(slug, args.claims, n_annotations, n_sources)
    else:
        print(
            f"reusing {slug}: {existing[0]:,} claims, {existing[1]:,} annotations, {existing[2]:,} sources"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'format':<26}{'claims':>10}{'records':>10}{'seconds':>9}{'claims/s':>10}"
        f"{'CPU s':>7}{'claims/CPU s':>14}{'MB out':>8}{'peak RSS MB':>13}"
    )
    runs = [(name, lambda name=name: run_format(slug, name)) for name in args.formats.split(",")]
    if args.restore:
        runs.append(
            (f"import jsonl ({args.restore_into})", lambda: restore(slug, args.restore_into))
        )
    for name, run in runs:
        f = run()
        print(
            f"{name:<26}{f['read']:>10,}{f['written']:>10,}{f['seconds']:>9.1f}"
            f"{f['read'] / f['seconds']:>10,.0f}{f['cpu_seconds']:>7.1f}"
            f"{f['read'] / f['cpu_seconds']:>14,.0f}{f['chars'] / 1e6:>8.0f}{f['peak_rss_mb']:>13.0f}",
            flush=True,
        )
    if args.drop:
        drop(slug)


if __name__ == "__main__":
    main()
