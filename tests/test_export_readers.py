"""Reading chunks in threads, on connections of their own, while the current one is written."""

from __future__ import annotations

import datetime
import gc
import threading
import time

import orjson
import pytest
from django.db import transaction

from annotations.exports import FORMATS, chunks, export_chunks, postgresql, rows
from annotations.exports import csv as csv_format
from annotations.exports.chunks import can_read_in_threads, collections_paused, read_in_threads
from annotations.exports.filters import ExportFilters
from annotations.models import Annotation, Claim, Document, Review, Source

from .support.dataset_project import build_small_project, expected


def slow_reader(first: int, last: int) -> list[dict]:
    # Later chunks come back sooner, so the order has to be restored.
    time.sleep(0.002 * (50 - first % 50))
    return [{"id": n} for n in range(first, last + 1)]


def test_chunks_come_through_in_order():
    bounds = ((n * 10, n * 10 + 9) for n in range(50))
    read = list(read_in_threads(bounds, slow_reader, readers=3))
    assert [row["id"] for chunk in read for row in chunk] == list(range(500))


def test_an_error_while_reading_is_raised_to_the_writer():
    def read(first, last):
        if first == 20:
            raise ValueError("the database went away")
        return [{"id": first}]

    stream = read_in_threads(iter([(0, 9), (10, 19), (20, 29), (30, 39)]), read, readers=2)
    assert next(stream) == [{"id": 0}]
    assert next(stream) == [{"id": 10}]
    with pytest.raises(ValueError, match="went away"):
        next(stream)


def test_a_writer_that_stops_early_stops_the_readers():
    asked = []

    def bounds():
        for n in range(1000):
            asked.append(n)
            yield n, n

    stream = read_in_threads(bounds(), lambda first, last: [{"id": first}], readers=2)
    assert next(stream) == [{"id": 0}]
    stream.close()  # joins the reader threads
    assert len(asked) <= 4
    assert not [t for t in threading.enumerate() if t.name.startswith("export-reader")]


def test_collections_pause_while_any_reader_reads():
    assert gc.isenabled()
    with collections_paused:
        with collections_paused:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_not_inside_a_transaction():
    assert can_read_in_threads()
    with transaction.atomic():
        # Another connection would not see this transaction's rows.
        assert not can_read_in_threads()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_the_same_read_in_threads(
    name, project, annotator, second_annotator, editor, monkeypatch
):
    ids = build_small_project(project, annotator, second_annotator, editor)
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)  # several chunks from the small project
    assert can_read_in_threads()
    threaded = "".join(export_chunks(project, name))
    monkeypatch.setattr(chunks, "can_read_in_threads", lambda: False)
    assert threaded == "".join(export_chunks(project, name))
    if name == "csv":
        assert threaded == expected("small.csv", ids)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_json_postgresql_builds_is_what_orjson_writes(
    project, annotator, second_annotator, editor
):
    build_small_project(project, annotator, second_annotator, editor)
    awkward = 'Quotes " and \\, a tab\t, a line\nbreak, \x01, “curly”, 日本, 🙂, </script>'
    Annotation.objects.filter(claim__project=project).update(
        rationale=awkward,
        checkworthy=None,
        submitted_at=datetime.datetime(2024, 3, 6, 10, 0, 0, 500, tzinfo=datetime.UTC),
    )
    Source.objects.filter(annotation__claim__project=project).update(quote=awkward)
    Review.objects.filter(claim__project=project).update(comment=awkward)
    Review.objects.filter(claim__project=project).update(annotation=None)

    claims = chunks.filtered_claims(project)
    first, last = claims.order_by("id")[0].id, claims.order_by("-id")[0].id
    parts = {"annotations": True, "sources": True, "reviews": True, "document_text": True}
    built = rows.ChunkReader(claims, as_json=True, **parts).read(first, last)
    read = rows.ChunkReader(claims, **parts).read(first, last)
    assert isinstance(built[0]["annotations"], orjson.Fragment)
    assert len(built) == len(read) == 4
    for from_database, from_python in zip(built, read, strict=True):
        for name in ("annotations", "reviews"):
            assert orjson.dumps(from_database[name]) == orjson.dumps(from_python[name])
    assert b"\\u0001" in orjson.dumps(built[0]["annotations"])


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_csv_postgresql_writes_is_what_python_writes(
    project, annotator, second_annotator, editor
):
    build_small_project(project, annotator, second_annotator, editor)
    claims = Claim.objects.filter(project=project).order_by("id")
    awkward = 'Quotes " and \\, a comma, a tab\t, a line\nbreak, a return\r, “curly”, 日本, 🙂'
    claims.filter(id=claims[0].id).update(
        speaker=awkward, final_rationale=awkward, score=0.10005, claim_types=["quote", "causal"]
    )
    # A verdict the scale does not have is written as its key, with no ordinal.
    claims.filter(id=claims[1].id).update(
        final_verdict="retired-label", score=None, claim_types=[], speaker=""
    )
    claims.filter(id=claims[2].id).update(
        score=1.0, claim_date=datetime.date(2024, 1, 2), review_date=datetime.date(2024, 2, 3)
    )
    Document.objects.filter(project=project).update(title="", url='https://x.test/"a,b"')

    from_python = "".join(csv_format.claim_rows(project))
    progress = chunks.Progress()
    from_database = "".join(postgresql.claim_rows(project, progress=progress))
    assert from_database == from_python
    assert progress.read == progress.written == 4
    assert "0.1000" in from_python  # 0.10005 is a little under it as a float
    filtered = ExportFilters.from_params({"status": "approved"})
    assert "".join(postgresql.claim_rows(project, filtered)) == "".join(
        csv_format.claim_rows(project, filtered)
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_annotations_csv_postgresql_writes_is_what_python_writes(
    project, annotator, second_annotator, editor
):
    build_small_project(project, annotator, second_annotator, editor)
    awkward = 'Quotes " and \\, a comma, a tab\t, a line\nbreak, \x01, “curly”, 日本, 🙂'
    annotations = Annotation.objects.filter(claim__project=project).order_by("id")
    annotations.filter(id=annotations[0].id).update(
        rationale=awkward,
        checkworthy=False,
        submitted_at=datetime.datetime(2024, 3, 6, 10, 0, 0, 500, tzinfo=datetime.UTC),
    )
    annotations.filter(id=annotations[1].id).update(checkworthy=None, verdict="", stance="")
    annotations.filter(id=annotations[2].id).update(
        checkworthy=True, state="draft", submitted_at=None
    )
    Source.objects.filter(annotation__claim__project=project).update(quote=awkward)
    Source.objects.filter(annotation=annotations[1]).delete()

    from_python = "".join(csv_format.annotation_rows(project))
    progress = chunks.Progress()
    from_database = "".join(postgresql.annotation_rows(project, progress=progress))
    assert from_database == from_python
    assert progress.read == 4  # claims
    assert progress.written == annotations.count()
    assert "\\u0001" in from_python and '", ""stance"": ' in from_python
