"""Reading the next chunk on a second connection while the current one is written."""

from __future__ import annotations

import pytest
from django.db import transaction

from annotations.exports import FORMATS, export_chunks, rows
from annotations.exports.rows import can_read_ahead, read_chunks_ahead

from .dataset_project import build_small_project, expected


def test_chunks_come_through_in_order():
    chunks = ([{"id": n}] for n in range(50))
    assert [chunk[0]["id"] for chunk in read_chunks_ahead(chunks)] == list(range(50))


def test_an_error_while_reading_is_raised_to_the_writer():
    def chunks():
        yield [{"id": 1}]
        raise ValueError("the database went away")

    read = read_chunks_ahead(chunks())
    assert next(read) == [{"id": 1}]
    with pytest.raises(ValueError, match="went away"):
        next(read)


def test_a_writer_that_stops_early_stops_the_reader():
    produced = []

    def chunks():
        for n in range(1000):
            produced.append(n)
            yield [{"id": n}]

    read = read_chunks_ahead(chunks())
    assert next(read) == [{"id": 0}]
    read.close()  # joins the reader thread
    assert len(produced) <= 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_not_inside_a_transaction():
    assert can_read_ahead()
    with transaction.atomic():
        # Another connection would not see this transaction's rows.
        assert not can_read_ahead()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_the_same_read_ahead(
    name, project, annotator, second_annotator, editor, monkeypatch
):
    ids = build_small_project(project, annotator, second_annotator, editor)
    monkeypatch.setattr(rows, "CHUNK_SIZE", 2)  # several chunks from the small project
    assert can_read_ahead()
    ahead = "".join(export_chunks(project, name))
    monkeypatch.setattr(rows, "can_read_ahead", lambda: False)
    assert ahead == "".join(export_chunks(project, name))
    if name == "csv":
        assert ahead == expected("small.csv", ids)
