"""Many annotators asking for their next claim at the same moment, each in her own thread
with her own PostgreSQL connection: every place is handed out once, none twice, and nobody
is told her queue is empty while a place she may take is left."""

import threading
from collections import Counter

import pytest
from django.db import connection

from annotations.annotating import save_annotation
from annotations.models import Annotation, ClaimReservation, Role
from annotations.queue import next_claim

from .conftest import member
from .support.factories import ClaimFactory, DocumentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def claims_of(project, n):
    text = " ".join(f"Claim number {i} is a sentence." for i in range(n))
    document = DocumentFactory(project=project, text=text)
    return [
        ClaimFactory(
            document=document,
            text=f"Claim number {i} is a sentence.",
            start=text.index(f"Claim number {i} "),
            end=text.index(f"Claim number {i} ") + len(f"Claim number {i} is a sentence."),
            score=1 - i / n,
        )
        for i in range(n)
    ]


def all_at_once(people, work):
    """Run work(person) for everyone in their own thread, released together."""
    start = threading.Barrier(len(people))
    results, errors = {}, []

    def run(person):
        try:
            start.wait()
            results[person.username] = work(person)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.parametrize("places", [1, 2])
def test_every_place_is_handed_out_once(project, places):
    project.annotations_per_claim = places
    project.save()
    claims_of(project, 12)
    people = [member(project, Role.ANNOTATOR) for _ in range(12 * places + 6)]

    taken = all_at_once(people, lambda person: next_claim(project, person))

    given = [claim.pk for claim in taken.values() if claim is not None]
    # Exactly as many people got a claim as there are places; the rest heard "empty".
    assert len(given) == 12 * places
    assert set(Counter(given).values()) == {places}
    assert ClaimReservation.objects.count() == 12 * places


def test_nobody_hears_empty_while_a_place_is_left(project):
    """Every annotator must annotate every claim (as many places as annotators), taking and
    submitting claims until she hears "empty". Had anyone heard it while a claim still
    needed her, her loop would have ended with that claim short of an annotation."""
    project.annotations_per_claim = 5
    project.save()
    claims = claims_of(project, 12)
    people = [member(project, Role.ANNOTATOR) for _ in range(5)]

    def work(person):
        done = []
        while (claim := next_claim(project, person)) is not None:
            save_annotation(claim, person, stance="refuted", verdict="false", submit=True)
            done.append(claim.pk)
        return done

    done = all_at_once(people, work)

    assert all(sorted(mine) == sorted(c.pk for c in claims) for mine in done.values())
    submitted = Counter(
        Annotation.objects.filter(state="submitted").values_list("claim_id", flat=True)
    )
    assert submitted == Counter({claim.pk: 5 for claim in claims})
    assert not ClaimReservation.objects.exists()
