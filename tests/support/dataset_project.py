"""A small, fully known project for the dataset tests: two documents, four claims, three
annotations with sources, two reviews. The expected files under tests/data/exports/ were
written by hand for it; `$name` placeholders in them stand for ids and hashes."""

from __future__ import annotations

import datetime
import string
from pathlib import Path

from annotations.jobs import record_extracted
from annotations.models import Annotation, Claim, Comment, Document, Review, Source, hash_content

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"

TEXT_A = (
    "The council voted 7 to 2 on Tuesday to build a flood wall. "
    "The mayor said the wall would cost 14.5 million euros. It was a sunny day."
)
TEXT_B = "Unemployment fell to 4 percent last year. Thank you all for coming."


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def claim_on(document: Document, text: str, **fields) -> Claim:
    start = document.text.index(text)
    return Claim.objects.create(
        project=document.project,
        document=document,
        text=text,
        start=start,
        end=start + len(text),
        **fields,
    )


def review(claim: Claim, editor, when: str, **fields) -> Review:
    item = Review.objects.create(claim=claim, editor=editor, **fields)
    Review.objects.filter(pk=item.pk).update(created_at=at(when))
    return item


def build_small_project(project, alice, bruno, erin) -> dict[str, object]:
    """Fill `project` and return the placeholders of the expected files."""
    doc_a = Document.objects.create(
        project=project,
        title="Council meeting",
        url="https://news.example.org/council",
        publisher="Example News",
        byline="Jo Reporter",
        published_at=at("2024-03-05T09:00:00+00:00"),
        text=TEXT_A,
    )
    doc_b = Document.objects.create(project=project, title="Budget speech", text=TEXT_B)
    record_extracted([doc_a, doc_b])
    c1 = claim_on(
        doc_a,
        "The council voted 7 to 2 on Tuesday to build a flood wall.",
        speaker="Council clerk",
        score=0.91,
        scorer_version="light-1",
        claim_types=["statistic"],
        status="approved",
        final_verdict="mostly_false",
        final_rationale="Minutes say 6-3.",
        review_comment="The vote was 6 to 3.",
    )
    c2 = claim_on(
        doc_a,
        "The mayor said the wall would cost 14.5 million euros.",
        speaker="Mayor Ana Silva",
        claim_date=datetime.date(2024, 3, 4),
        score=0.77,
        scorer_version="light-1",
        status="in_review",
    )
    c3 = claim_on(
        doc_b,
        "Unemployment fell to 4 percent last year.",
        speaker="Minister",
        claim_date=datetime.date(2023, 12, 1),
        score=0.85,
        scorer_version="light-1",
        claim_types=["statistic", "comparison"],
        status="approved",
        final_verdict="true",
        final_rationale="Statistics office figures.",
        review_comment="Statistics office figures.",
    )
    c4 = claim_on(doc_b, "Thank you all for coming.", score=0.1, scorer_version="light-1")
    a1 = Annotation.objects.create(
        claim=c1,
        annotator=alice,
        stance="refuted",
        verdict="mostly_false",
        rationale="Minutes say 6-3.",
        checkworthy=True,
        state="submitted",
        guideline_version=2,
        submitted_at=at("2024-03-06T10:00:00+00:00"),
    )
    s1 = Source.objects.create(
        annotation=a1,
        url="https://council.example.org/minutes",
        title="Minutes",
        publisher="City council",
        quote="Six in favour, three against.",
        stance="refutes",
        question="How many councillors voted for the wall?",
        answer="Six.",
        snapshot_sha256="ab" * 32,
        snapshot_text="Council minutes\n\nThe motion passed. Six in favour,  three against. "
        "The meeting closed at noon.",
        fetched_at=at("2024-03-06T09:30:00+00:00"),
    )
    a2 = Annotation.objects.create(
        claim=c1,
        annotator=bruno,
        stance="conflicting",
        verdict="half_true",
        rationale="Unclear.",
        state="submitted",
        submitted_at=at("2024-03-06T11:00:00+00:00"),
    )
    a3 = Annotation.objects.create(
        claim=c2,
        annotator=alice,
        stance="supported",
        verdict="true",
        state="submitted",
        submitted_at=at("2024-03-06T12:00:00+00:00"),
    )
    a4 = Annotation.objects.create(
        claim=c3,
        annotator=alice,
        stance="supported",
        verdict="true",
        rationale="Official figures.",
        checkworthy=True,
        state="submitted",
        submitted_at=at("2023-12-10T08:00:00+00:00"),
    )
    s2 = Source.objects.create(
        annotation=a4,
        url="https://stats.example.org/unemployment",
        stance="supports",
        quote="Unemployment was 4.0 percent. It fell from 4.3 percent.",
        snapshot_text="Labour market 2023\n\nUnemployment was 4.0 percent. It fell from 4.3 "
        "percent. More figures follow.",
    )
    review(
        c1,
        erin,
        "2024-03-07T12:00:00+00:00",
        action="approve",
        verdict="mostly_false",
        comment="The vote was 6 to 3.",
        annotation=a1,
    )
    review(
        c3,
        erin,
        "2024-01-02T08:00:00+00:00",
        action="override",
        verdict="true",
        comment="Statistics office figures.",
    )
    comment = Comment.objects.create(claim=c1, author=bruno, body="Check the minutes again.")
    Comment.objects.filter(pk=comment.pk).update(created_at=at("2024-03-06T13:00:00+00:00"))
    return {
        "p1": c1.public_id,
        "p2": c2.public_id,
        "p3": c3.public_id,
        "p4": c4.public_id,
        "doc_a": doc_a.pk,
        "doc_b": doc_b.pk,
        "hash_a": hash_content(TEXT_A),
        "hash_b": hash_content(TEXT_B),
        "c1": c1.pk,
        "c2": c2.pk,
        "c3": c3.pk,
        "c4": c4.pk,
        "a1": a1.pk,
        "a2": a2.pk,
        "a4": a4.pk,
        "s1": s1.pk,
        "s2": s2.pk,
        "a3": a3.pk,
    }


def expected(name: str, ids: dict[str, object]) -> str:
    return string.Template((DATA / name).read_text(encoding="utf-8")).substitute(ids)
