"""Background jobs through the API: where a document's extraction stands (and running it
again), and a project's jobs counted, which the pages poll to update themselves."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, jobs
from ..claims import extract_again
from ..models import ClaimStatus, Job

# Per-document states asked for in one poll, at most.
MAX_DOCUMENTS = 200


class JobSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Job
        fields = ["kind", "state", "label", "attempts", "error", "started_at", "finished_at"]
        read_only_fields = fields


class DocumentExtraction(APIView):
    """The document's claim extraction: where it stands and how many claims it found.
    POST (editors and admins) runs it again: after a failure, or to use a newer model;
    claims people worked on are kept."""

    @extend_schema(responses=JobSerializer)
    def get(self, request: Request, pk: int) -> Response:
        document, _ = access.get_document_for_user(request.user, pk)
        return Response(extraction_state(document.extraction_job, document.claims.count()))

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        document, membership = access.get_document_for_user(request.user, pk)
        access.check_role(membership, review=True)
        job = extract_again(document, request.user)
        return Response(
            extraction_state(job, document.claims.count()), status=status.HTTP_202_ACCEPTED
        )


def extraction_state(job: Job, n_claims: int) -> dict:
    return {**JobSerializer(job).data, "n_claims": n_claims}


class ProjectJobs(APIView):
    """The project's background jobs counted by kind and state: extraction progress,
    sources being archived, exports, dashboard refreshes. `documents=1,2,3` adds where
    those documents' extraction stands; `claims=1` adds the claims counted by status."""

    @extend_schema(
        parameters=[
            OpenApiParameter("documents", str, description=f"document ids (up to {MAX_DOCUMENTS})"),
            OpenApiParameter("claims", bool, description="add the claims counted by status"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug)
        body: dict = {"jobs": jobs.counts(project)}
        # Lenient, as the pages poll with whatever documents they show: what is not an id
        # is passed over ("²".isdigit() is true, but int() refuses it).
        ids = [
            int(i)
            for i in request.query_params.get("documents", "").split(",")
            if i.isascii() and i.isdigit() and len(i) < 19
        ]
        if ids:
            documents = (
                project.documents.filter(pk__in=ids[:MAX_DOCUMENTS])
                .select_related("extraction_job")
                .annotate(n_claims=Count("claims"))
                .order_by()
            )
            body["documents"] = [
                {"id": document.pk, **extraction_state(document.extraction_job, document.n_claims)}
                for document in documents
            ]
        if request.query_params.get("claims") in ("1", "true"):
            by_status = dict(
                project.claims.order_by().values_list("status").annotate(n=Count("id"))
            )
            body["claims"] = {value: by_status.get(value, 0) for value in ClaimStatus.values}
        return Response(body)
