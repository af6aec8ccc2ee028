"""Time `POST /api/projects/{slug}/queue/next/` (server time, through Django's test client:
middleware, token authentication, view and serializer included) on projects of growing size,
seeded into PostgreSQL with COPY, and count its queries.

    SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/queue_next.py [--sizes 10000,100000,1000000] [--reseed]

For each size the project (slug "bench-queue-<size>") holds documents of 100 claims, two
annotations per claim, and a history: the first tenth of the claims in queue order are done
(in review), the next hundred are reserved by 50 other annotators. Scenarios, each timed
over a loop of "next claim, then submit it" by fresh annotators:

* fresh: an annotator with no history takes the next claim;
* assigned: claims were distributed to 20 annotators (every open claim assigned, one
  annotation per claim): one of them takes her next assigned claim, and a member without
  assignments finds the queue empty;
* document order: the same as fresh with the project in document order.

Seeded projects are kept between runs; --reseed replaces them."""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
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
from rest_framework.authtoken.models import Token  # noqa: E402

from annotations.models import (  # noqa: E402
    Annotation,
    Assignment,
    Claim,
    ClaimReservation,
    Membership,
    Project,
    Role,
)
from bench.seeding import copy_rows, drop_project, seed_project  # noqa: E402


def user(name: str):
    return get_user_model().objects.get_or_create(username=name)[0]


@transaction.atomic
def add_history(project: Project, order: str) -> None:
    """The first tenth of the claims in queue order done (two submitted annotations, in
    review); the next hundred reserved by 50 other annotators."""
    now = timezone.now()
    done_ones = [user(f"bench-q-done-{i}") for i in range(2)]
    holders = [user(f"bench-q-holder-{i}") for i in range(50)]
    for person in done_ones + holders:
        Membership.objects.get_or_create(project=project, user=person)
    ordering = (
        ("-score", "document_id", "start", "id")
        if order == "score"
        else ("document_id", "start", "id")
    )
    ids = list(project.claims.order_by(*ordering).values_list("id", flat=True))
    done, held = ids[: len(ids) // 10], ids[len(ids) // 10 : len(ids) // 10 + 100]
    copy_rows(
        Annotation._meta.db_table,
        [
            "claim_id",
            "annotator_id",
            "stance",
            "verdict",
            "rationale",
            "state",
            "version",
            "guideline_version",
            "created_at",
            "updated_at",
            "submitted_at",
        ],
        (
            (claim_id, person.pk, "refuted", "false", "", "submitted", 1, 1, now, now, now)
            for claim_id in done
            for person in done_ones
        ),
    )
    Claim.objects.filter(pk__in=done).update(status="in_review", in_queue=False)
    expires = now + datetime.timedelta(hours=2)
    ClaimReservation.objects.bulk_create(
        ClaimReservation(claim_id=claim_id, user=holders[(i + k * 25) % 50], expires_at=expires)
        for i, claim_id in enumerate(held)
        for k in (0, 1)
    )


def client_for(person) -> Client:
    token, _ = Token.objects.get_or_create(user=person)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def pick_and_submit(
    project: Project, people: list, rounds: int
) -> tuple[list[float], list[float], int, int]:
    """Each person in turn takes her next claim and submits it; the picks' server times
    (wall clock) and this process's CPU time for them (the web side without the database:
    unlike the wall clock, it hardly grows when other work shares the machine)."""
    times, cpu, queries, empty = [], [], 0, 0
    for r in range(rounds):
        person, client = people[r % len(people)]
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.thread_time()
            response = client.post(f"/api/projects/{project.slug}/queue/next/")
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        queries = len(ctx.captured_queries)
        if response.status_code == 204:
            empty += 1
            continue
        assert response.status_code == 200, response.content
        claim_id = response.json()["claim"]["id"]
        saved = client.put(
            f"/api/claims/{claim_id}/annotation/",
            {"stance": "refuted", "verdict": "false", "submit": True, "version": 0},
            content_type="application/json",
        )
        assert saved.status_code == 200, saved.content
    return times, cpu, queries, empty


def report(name: str, times: list[float], cpu: list[float], queries: int, empty: int = 0) -> None:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"  {name:44} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {times[-1]:6.1f} ms  CPU median {statistics.median(cpu):5.1f} ms  "
        f"{queries} queries" + (f"  ({empty} empty)" if empty else "")
    )


def fresh_annotators(project: Project, prefix: str, n: int) -> list:
    people = []
    for i in range(n):
        person = user(f"{prefix}-{i}")
        Membership.objects.get_or_create(project=project, user=person)
        people.append((person, client_for(person)))
    return people


def run_size(n_claims: int, reseed: bool, rounds: int) -> None:
    slug = f"bench-queue-{n_claims}"
    if reseed:
        drop_project(slug)
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        start = time.perf_counter()
        project = seed_project(slug, n_claims, annotations_per_claim=2)
        add_history(project, "score")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"seeded {slug} in {time.perf_counter() - start:.0f} s")
    print(
        f"load average {os.getloadavg()[0]:.2f}; "
        f"{slug}: {project.claims.count()} claims, {project.claims.filter(in_queue=True).count()} in the queue"
    )
    # Leave earlier runs' picks behind: their annotators are new each run.
    run = timezone.now().strftime("%H%M%S")
    people = fresh_annotators(project, f"bench-q-{run}", 5)
    report("fresh annotator, score order", *pick_and_submit(project, people, rounds))

    project.queue_order = Project.QueueOrder.DOCUMENT
    project.save(update_fields=["queue_order"])
    people = fresh_annotators(project, f"bench-qd-{run}", 5)
    report("fresh annotator, document order", *pick_and_submit(project, people, rounds))
    project.queue_order = Project.QueueOrder.SCORE
    project.save(update_fields=["queue_order"])


def run_assigned(n_claims: int, rounds: int) -> None:
    """Every open claim assigned (one annotation per claim, 20 annotators)."""
    slug = f"bench-queue-assigned-{n_claims}"
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        start = time.perf_counter()
        project = seed_project(slug, n_claims)
        people = [user(f"bench-qa-{i}") for i in range(20)]
        Membership.objects.bulk_create(
            Membership(project=project, user=person, role=Role.ANNOTATOR) for person in people
        )
        ids = list(
            project.claims.order_by("-score", "document_id", "start", "id").values_list(
                "id", flat=True
            )
        )
        copy_rows(
            Assignment._meta.db_table,
            ["claim_id", "user_id", "created_at"],
            ((claim_id, people[i % 20].pk, timezone.now()) for i, claim_id in enumerate(ids)),
        )
        project.claims.all().refresh_in_queue(project)
        with connection.cursor() as cursor:
            # What autovacuum would have done by the time anyone works on the project.
            cursor.execute("VACUUM ANALYZE annotations_claim")
            cursor.execute("VACUUM ANALYZE annotations_assignment")
        print(f"seeded {slug} in {time.perf_counter() - start:.0f} s")
    assigned = [(person, client_for(person)) for person in [user("bench-qa-3")]]
    report(
        "assigned annotator (all claims distributed)", *pick_and_submit(project, assigned, rounds)
    )
    outsider = fresh_annotators(project, "bench-qa-outsider", 1)
    report(
        "annotator without assignments (empty queue)",
        *pick_and_submit(project, outsider, min(rounds, 20)),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-assigned", action="store_true")
    args = parser.parse_args()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL=postgres://... : this benchmark seeds with COPY.")
    call_command("migrate", verbosity=0)
    setup_test_environment()
    sizes = [int(size) for size in args.sizes.split(",")]
    for size in sizes:
        run_size(size, args.reseed, args.rounds)
    if not args.no_assigned:
        if args.reseed:
            drop_project(f"bench-queue-assigned-{sizes[-1]}")
        run_assigned(sizes[-1], args.rounds)


if __name__ == "__main__":
    main()
