"""Claims table benchmark: seed a project with a million claims, then time the project page
(its claims table) on the first page, a deep page, each filter and the text search, and
print PostgreSQL's plan for each table query.

    createdb -h 127.0.0.1 -U postgres bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SECRET_KEY=x \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SECRET_KEY=x \\
        .venv/bin/python bench/claims_table.py --claims 1000000 [--explain]

The seeded project (slug table-<claims>) is kept and reused by a later run of the same size;
--drop removes it at the end. A deep page is reached by following "Next" links, the way a
person (or a script) would, so it is measured with a real cursor. Figures are server time
through Django's test client: the whole project page, and the table's own queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

CLAIMS_PER_DOCUMENT = 20
N_PEOPLE = 50
SUBJECTS = [
    "The council",
    "The minister",
    "The mayor",
    "Unemployment",
    "The budget",
    "Exports",
    "The harbour authority",
    "Crime",
    "The hospital",
    "Rents",
    "The flood wall",
    "Turnout",
]
VERBS = ["rose by", "fell by", "cost", "reached", "doubled to", "was cut by", "grew to"]
UNITS = ["percent", "million euros", "billion dollars", "homes", "jobs", "votes", "patients"]
TAILS = ["last year", "since 2015", "in the first quarter", "according to the audit office",
         "over five years", "this winter", "compared with 2019"]  # fmt: skip
STATUSES = ["unstarted"] * 55 + ["in_progress"] * 15 + ["in_review"] * 10 + ["approved"] * 15
STATUSES += ["rejected"] * 5
CLAIM_TYPES = ["statistic", "comparison", "quote", "prediction", "causal", "event", "attribution"]
VERDICTS = ["true", "mostly_true", "half_true", "mostly_false", "false", "pants_on_fire"]


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/claims_table.py needs PostgreSQL: set DATABASE_URL=postgres://...")


def copy_rows(model, rows) -> None:
    """COPY rows (dicts of attribute names) into the model's table; columns left out take
    the field's default, so the script follows the schema as it changes."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # A callable default (a claim's public UUID) is called for each row, not once.
    defaults = {
        f.attname: f.default if callable(f.default) else f.get_default()
        for f in fields
        if f.has_default()
    }
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for f in fields:
                    if f.attname in row:
                        value = row[f.attname]
                    else:
                        value = defaults.get(f.attname, None if f.null else "")
                    if callable(value):
                        value = value()
                    values.append(f.get_db_prep_value(value, connection, prepared=False))
                copy.write_row(values)


def seed(slug: str, n_claims: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.models import Annotation, Claim, Document, Membership, Project, RatingScale

    rng = random.Random(42)
    started = time.perf_counter()
    now = timezone.now()
    User = get_user_model()
    with transaction.atomic():
        project = Project.objects.create(
            slug=slug, name=f"Claims table {n_claims:,}",
            rating_scale=RatingScale.objects.get(key="six-point"),
        )  # fmt: skip
        people = []
        for n in range(N_PEOPLE):
            user, _ = User.objects.get_or_create(username=f"table-annotator-{n}")
            Membership.objects.get_or_create(project=project, user=user)
            people.append(user.pk)
        editor, _ = User.objects.get_or_create(username="table-editor")
        Membership.objects.get_or_create(project=project, user=editor, defaults={"role": "editor"})

        texts = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.randint(2, 990)} "
            f"{rng.choice(UNITS)} {rng.choice(TAILS)} (claim {i})."
            for i in range(n_claims)
        ]
        n_documents = (n_claims + CLAIMS_PER_DOCUMENT - 1) // CLAIMS_PER_DOCUMENT
        copy_rows(
            Document,
            (
                {
                    "project_id": project.pk,
                    "title": f"Article {d}: {texts[d * CLAIMS_PER_DOCUMENT][:60]}",
                    "text": " ".join(
                        texts[d * CLAIMS_PER_DOCUMENT : (d + 1) * CLAIMS_PER_DOCUMENT]
                    ),
                    "content_hash": f"{project.pk}-{d}",
                    "extraction_status": "done",
                    "created_at": now - timezone.timedelta(minutes=n_documents - d),
                }
                for d in range(n_documents)
            ),
        )
        documents = list(project.documents.order_by("id").values_list("id", flat=True))

        def claims():
            offset = 0
            for i, text in enumerate(texts):
                if i % CLAIMS_PER_DOCUMENT == 0:
                    offset = 0
                status = rng.choice(STATUSES)
                speaker = (
                    f"Speaker {int(rng.paretovariate(1.2)) % 3000}" if rng.random() < 0.6 else ""
                )
                yield {
                    "project_id": project.pk,
                    "document_id": documents[i // CLAIMS_PER_DOCUMENT],
                    "text": text, "start": offset, "end": offset + len(text),
                    "speaker": speaker,
                    "score": None if rng.random() < 0.01 else round(rng.random(), 4),
                    "claim_types": rng.sample(CLAIM_TYPES, rng.randint(0, 2)),
                    "status": status,
                    "final_verdict": rng.choice(VERDICTS) if status == "approved" else "",
                    "created_at": now, "updated_at": now - timezone.timedelta(seconds=rng.randint(0, 10**7)),
                }  # fmt: skip
                offset += len(text) + 1

        copy_rows(Claim, claims())
        started_claims = Claim.objects.filter(project=project).exclude(status="unstarted")

        # Read before the COPY starts: the connection is busy until it ends.
        started_rows = list(started_claims.values_list("id", "status"))

        def annotations():
            for claim_id, status in started_rows:
                for annotator in rng.sample(people, rng.randint(1, 2)):
                    submitted = status != "in_progress"
                    yield {
                        "claim_id": claim_id, "annotator_id": annotator,
                        "stance": "refuted", "verdict": rng.choice(VERDICTS),
                        "state": "submitted" if submitted else "draft",
                        "submitted_at": now if submitted else None,
                        "created_at": now, "updated_at": now,
                    }  # fmt: skip

        copy_rows(Annotation, annotations())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seeded {slug} in {time.perf_counter() - started:.1f} s", flush=True)


def measure(client, path: str, params: dict, runs: int) -> tuple[float, float]:
    """Median and best server time of the page, in ms."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, params)
    return statistics.median(times), min(times)


def ensure_newcomer(project) -> None:
    """An annotator with five annotations among the million claims: the rare filter."""
    from django.contrib.auth import get_user_model

    from annotations.models import Annotation, Membership

    user, _ = get_user_model().objects.get_or_create(username="table-newcomer")
    _, joined = Membership.objects.get_or_create(project=project, user=user)
    if joined:
        ids = project.claims.order_by("id").values_list("id", flat=True)
        n_claims = project.claims.count()
        for n in (1, *(n_claims * k // 5 for k in range(1, 5))):
            Annotation.objects.create(claim_id=ids[n], annotator=user, verdict="false")


def deep_cursor(project, params: dict, pages: int) -> str:
    """The cursor of page `pages + 1`, reached by following Next from the first page."""
    from annotations.claim_list import ClaimFilters, claim_page

    cursor = ""
    for _ in range(pages):
        page = claim_page(
            project, ClaimFilters(), sort_name=params.get("sort", "score"), after=cursor, size=200
        )
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return cursor


def explain(project, params: dict) -> str:
    """PostgreSQL's plan (with timings) for the first query of the table's page under these
    filters."""
    from django.db import connection

    from annotations.claim_list import SORTS, decode_cursor, stretch_query
    from annotations.forms import ClaimFilterForm

    membership = project.memberships.select_related("user").get(user__username="table-editor")
    form = ClaimFilterForm(params, project=project, membership=membership)
    assert form.is_valid(), form.errors
    sort = SORTS[params.get("sort") or "score"]
    position = decode_cursor(params["after"], sort) if params.get("after") else None
    claims = form.filters().apply(project.claims.all()).select_related("document")
    n = position[0] if position else 0
    query = stretch_query(claims, sort, n, position, ascending=not sort.descending)
    sql, args = query[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, args)
        return "\n".join(row[0] for row in cursor.fetchall())


CASES = [
    ("page 1 (score order)", {}),
    ("page 1, status in review", {"status": "in_review"}),
    ("page 1, status approved + verdict false", {"status": "approved", "verdict": "false"}),
    ("page 1, claim type quote", {"claim_type": "quote"}),
    ("page 1, speaker 'speaker 17'", {"speaker": "speaker 17"}),
    ("page 1, annotator (busy: ~13,000 claims)", {"annotator": "table-annotator-7"}),
    ("page 1, annotator (new: 5 claims)", {"annotator": "table-newcomer"}),
    ("page 1, score 0.40-0.45", {"min_score": "0.40", "max_score": "0.45"}),
    ("page 1, one document", {"document": "DOC"}),
    ("page 1, search 'flood wall' (common)", {"q": "flood wall"}),
    ("page 1, search 'claim 77777' (rare)", {"q": "claim 77777)"}),
    ("page 1, document order", {"sort": "document"}),
    ("page 1, recently changed", {"sort": "updated"}),
    ("page 1, lowest score first", {"sort": "score_low"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--deep-pages", type=int, default=2000, help="pages of 200 to skip")
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from annotations.models import Project

    slug = f"table-{args.claims}"
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        seed(slug, args.claims)
        project = Project.objects.get(slug=slug)
    ensure_newcomer(project)
    client = Client(SERVER_NAME="localhost")
    client.force_login(project.memberships.get(user__username="table-editor").user)
    path = f"/projects/{slug}/"
    middle = project.documents.order_by("id").values_list("id", flat=True)[
        project.documents.count() // 2
    ]
    deep = {"after": deep_cursor(project, {}, args.deep_pages)}
    cases = [
        (name, {k: (str(middle) if v == "DOC" else v) for k, v in p.items()}) for name, p in CASES
    ]
    cases.insert(1, (f"deep page (after {args.deep_pages * 200:,} claims)", deep))
    print(f"{'case':48} {'median ms':>10} {'best ms':>8}")
    for name, params in cases:
        median, best = measure(client, path, params, args.runs)
        print(f"{name:48} {median:10.1f} {best:8.1f}", flush=True)
        if args.explain:
            print(explain(project, params), "\n", flush=True)
    if args.drop:
        project.delete()


if __name__ == "__main__":
    main()
