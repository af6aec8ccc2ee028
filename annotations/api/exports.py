"""Exports over the API: a project's claims streamed at once, or background exports with
their progress and download."""

from __future__ import annotations

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .. import access
from ..exports import FORMATS
from ..exports.filters import FILTER_NAMES, ExportFilters
from ..exports.jobs import request_export
from ..models import Export, JobState
from ..views.exports import download_response, export_file_response
from .serializers import StrictSerializer

# An export answers in its format's own media type.
FILE_RESPONSES = {
    (200, media_type): bytes for media_type in sorted({f.content_type for f in FORMATS.values()})
}


class ProjectExport(APIView):
    """The project's claims as a streamed file, whatever its size."""

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(FORMATS)),
            *[OpenApiParameter(name, str) for name in FILTER_NAMES],
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        # Exports hold every annotator's verdicts, which annotators may not see (blind
        # annotation): editors and admins only.
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        name = request.query_params.get("format", "jsonl")
        if name not in FORMATS:
            raise Http404(f"Unknown format {name!r}.")
        filters = ExportFilters.from_params(request.query_params)
        return download_response(project, name, filters)


class ExportSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Where it stands: its job's state and, when it failed, why.
    status = serializers.ChoiceField(source="job.state", choices=JobState.choices, read_only=True)
    error = serializers.CharField(source="job.error", read_only=True)
    finished_at = serializers.DateTimeField(
        source="job.finished_at", read_only=True, allow_null=True
    )
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download_url = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the file is deleted."
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "project",
            "requested_by",
            "format",
            "filters",
            "status",
            "error",
            "rows_done",
            "rows_total",
            "row_count",
            "sha256",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, export: Export) -> str | None:
        if export.job.state != JobState.DONE:
            return None
        return reverse("api:export-download", args=[export.pk], request=self.context.get("request"))


class ExportInputSerializer(StrictSerializer):
    format = serializers.ChoiceField(choices=list(FORMATS))
    status = serializers.CharField(required=False, allow_blank=True)
    verdict = serializers.CharField(required=False, allow_blank=True)
    document = serializers.IntegerField(required=False, allow_null=True)
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    annotator = serializers.CharField(required=False, allow_blank=True)


def member_exports(user):
    """Exports of the user's projects: the only ones that exist for them."""
    return Export.objects.filter(project__memberships__user=user).select_related(
        "project", "requested_by", "job"
    )


def get_export_for_user(user, pk: int) -> Export:
    """An export of one of the user's projects (else 404), if they may read exports (else
    403: exports hold every annotator's verdicts, which annotators may not see)."""
    export = get_object_or_404(member_exports(user), pk=pk)
    access.check_role(access.get_membership(user, export.project), review=True)
    return export


class ExportListCreate(generics.ListAPIView):
    """A project's background exports; POST requests a new one (answered 202 at once,
    follow its progress at /api/exports/{id}/)."""

    serializer_class = ExportSerializer

    def get_queryset(self):
        project, _ = access.get_project_for_user(
            self.request.user, self.kwargs["slug"], review=True
        )
        return member_exports(self.request.user).filter(project=project)

    @extend_schema(request=ExportInputSerializer, responses={202: ExportSerializer})
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        serializer = ExportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: value for key, value in serializer.validated_data.items() if value is not None}
        name = data.pop("format")
        filters = ExportFilters.from_params({k: str(v) for k, v in data.items()})
        export = request_export(project, request.user, name, filters)
        export = member_exports(request.user).get(pk=export.pk)
        return Response(
            ExportSerializer(export, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ExportDetail(generics.RetrieveAPIView):
    serializer_class = ExportSerializer

    def get_object(self):
        return get_export_for_user(self.request.user, self.kwargs["pk"])


class ExportDownload(APIView):
    @extend_schema(
        responses={
            **FILE_RESPONSES,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The export is not ready."),
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse | Response:
        export = get_export_for_user(request.user, pk)
        if export.job.state != JobState.DONE:
            return Response(
                {
                    "detail": f"This export is {export.job.get_state_display().lower()}, not ready.",
                    "status": export.job.state,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return export_file_response(export)
