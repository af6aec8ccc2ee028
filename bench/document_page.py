"""Server time and query count of the desk (document page) for an article with many claims.

    SECRET_KEY=x python bench/document_page.py [--claims 300] [--runs 30]

Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL) and
Django's test client, so the time is the server's alone: view, queries and template."""

from __future__ import annotations

import argparse
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(n_claims: int):
    from annotations.models import Annotation, Claim, Document, Source
    from annotations.projects import create_project

    user = get_user_model().objects.create_user(f"bench{n_claims}", password="x")
    project = create_project(
        user, name=f"Bench {n_claims}", guidelines="## Rules\n\n" + "Rate carefully. " * 200
    )
    sentences = [
        f"Claim number {i} says the budget grew by {i}.{i % 10} percent in {1990 + i % 30}. "
        for i in range(n_claims)
    ]
    text = "".join(sentences) + "The end."
    document = Document.objects.create(project=project, title="Bench article", text=text)
    claims, position = [], 0
    for sentence in sentences:
        body = sentence.strip()
        claims.append(
            Claim(
                project=project,
                document=document,
                text=body,
                start=position,
                end=position + len(body),
                score=0.5,
            )
        )
        position += len(sentence)
    claims = Claim.objects.bulk_create(claims)
    # The annotator has drafts, with two sources each, on a third of the claims.
    annotations = Annotation.objects.bulk_create(
        Annotation(
            claim=claim, annotator=user, stance="refuted", verdict="false", rationale="x" * 300
        )
        for claim in claims[::3]
    )
    Source.objects.bulk_create(
        Source(annotation=a, position=p, url=f"https://example.org/{a.pk}/{p}")
        for a in annotations
        for p in range(2)
    )
    return user, document


def measure(n_claims: int, runs: int) -> tuple[list[float], int]:
    user, document = build(n_claims)
    client = Client()
    client.force_login(user)
    url = f"/documents/{document.pk}/"
    assert client.get(url).status_code == 200  # warm up
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        for n in (10, args.claims):
            timings, n_queries = measure(n, args.runs)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"{n:>5} claims: median {statistics.median(timings):6.1f} ms, "
                f"p95 {p95:6.1f} ms, max {timings[-1]:6.1f} ms, {n_queries} queries"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
