"""Reading claims for export in chunks, with everything an export needs prefetched."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from ..models import Annotation, Claim, Project, Review

CHUNK_SIZE = 2000


def claims_for_export(project: Project, queryset: QuerySet | None = None) -> Iterator[Claim]:
    claims = queryset if queryset is not None else project.claims.all()
    claims = (
        claims.select_related("document")
        .defer("document__text")
        .prefetch_related(
            Prefetch(
                "annotations",
                queryset=Annotation.objects.select_related("annotator").prefetch_related("sources"),
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("editor")),
        )
        .order_by("document_id", "start", "id")
    )
    return claims.iterator(chunk_size=CHUNK_SIZE)
