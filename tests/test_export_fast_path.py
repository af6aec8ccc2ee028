"""The PostgreSQL fast path (annotations/exports/postgresql.py) is an optimisation only:
switched off, every format writes the same bytes through the portable path. And garbage
collection pauses only where an export is all the process does."""

from __future__ import annotations

import datetime
import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.exports import FORMATS, export_chunks, postgresql, rows
from annotations.exports.chunks import pausing_collections
from annotations.exports.filters import ExportFilters
from annotations.exports.jobs import request_export
from annotations.models import Annotation, Claim, JobKind, Review, Source

from .support.dataset_project import build_small_project
from .support.jobs import run_queued_jobs

AWKWARD = 'Quotes " and \\, a comma, a tab\t, a line\nbreak, \x01, “curly”, 日本, 🙂, </script>'


def make_awkward(project) -> None:
    """Values the two paths could write differently: escapes, microseconds, nulls."""
    Annotation.objects.filter(claim__project=project).update(
        rationale=AWKWARD,
        checkworthy=None,
        submitted_at=datetime.datetime(2024, 3, 6, 10, 0, 0, 500, tzinfo=datetime.UTC),
    )
    Source.objects.filter(annotation__claim__project=project).update(quote=AWKWARD)
    Review.objects.filter(claim__project=project).update(comment=AWKWARD)
    first = Claim.objects.filter(project=project).order_by("id").first()
    Claim.objects.filter(pk=first.pk).update(
        speaker=AWKWARD, score=0.10005, claim_types=["quote", "causal"]
    )


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_the_same_without_the_fast_path(
    name, project, annotator, second_annotator, editor, monkeypatch
):
    build_small_project(project, annotator, second_annotator, editor)
    make_awkward(project)
    with CaptureQueriesContext(connection) as fast_queries:
        fast = "".join(export_chunks(project, name))

    monkeypatch.setattr(postgresql, "applies", lambda db: False)
    with CaptureQueriesContext(connection) as portable_queries:
        portable = "".join(export_chunks(project, name))

    assert portable == fast
    # Switched off, nothing PostgreSQL's own is sent: no ANY(array), no to_char, no row_to_json.
    portable_sql = " ".join(query["sql"] for query in portable_queries.captured_queries)
    for fast_only in ("ANY(", "to_char(", "row_to_json("):
        assert fast_only not in portable_sql
    if name in ("jsonl", "fever", "averitec", "claimreview"):
        fast_sql = " ".join(query["sql"] for query in fast_queries.captured_queries)
        assert "ANY(" in fast_sql


def collection_states(monkeypatch) -> list[bool]:
    """Whether garbage collection was enabled each time a chunk's claims were read."""
    states: list[bool] = []
    read_claims = rows.ChunkReader.read_claims

    def watched(self, first, last):
        states.append(gc.isenabled())
        return read_claims(self, first, last)

    monkeypatch.setattr(rows.ChunkReader, "read_claims", watched)
    return states


@pytest.mark.django_db
def test_a_download_never_pauses_garbage_collection(
    client, project, annotator, second_annotator, editor, monkeypatch
):
    build_small_project(project, annotator, second_annotator, editor)
    states = collection_states(monkeypatch)
    client.force_login(editor)
    response = client.get(f"/projects/{project.slug}/export/", {"format": "fever"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert states == [True]


@pytest.mark.django_db
def test_a_background_export_pauses_it_while_each_chunk_is_read(
    project, annotator, second_annotator, editor, monkeypatch
):
    build_small_project(project, annotator, second_annotator, editor)
    states = collection_states(monkeypatch)
    request_export(project, editor, "fever", ExportFilters())
    run_queued_jobs(JobKind.EXPORT)
    assert states == [False]
    assert gc.isenabled()
    # And only inside the block that allows it.
    with pausing_collections():
        "".join(export_chunks(project, "averitec"))
    assert states == [False, False] and gc.isenabled()
