"""The dashboard over the API: its figures, agreement between annotators, and the claims
returned to the caller."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..agreement import parse_period, project_agreement
from ..dashboard import current_snapshot, refresh_job
from ..models import Claim, JobState
from ..review import returned_claims
from .serializers import ClaimSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="first day (YYYY-MM-DD)"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="last day, inclusive"),
]


class ProjectAgreement(APIView):
    """Agreement between the project's annotators over a period (all time by default)."""

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        period = parse_period(request.query_params.get("since"), request.query_params.get("until"))
        return Response(project_agreement(project, period).as_dict())


class ProjectDashboard(APIView):
    """The dashboard's figures as last computed (`computed_at`); figures older than a few
    minutes are recomputed in the background."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        snapshot = current_snapshot(project)
        job = refresh_job(project)
        return Response(
            {
                **snapshot.figures,
                "computed_at": snapshot.computed_at,
                # The latest refresh: queued, running, done or failed (with its error).
                "refresh": job.state if job else "done",
                "refresh_error": job.error if job and job.state == JobState.FAILED else "",
            }
        )


class ReturnedClaimSerializer(ClaimSerializer):
    return_comment = serializers.CharField(read_only=True)
    returned_by = serializers.CharField(read_only=True)
    returned_at = serializers.DateTimeField(read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = ClaimSerializer.Meta.fields + ["return_comment", "returned_by", "returned_at"]
        read_only_fields = fields


class ReturnedToMe(generics.ListAPIView):
    """Claims an editor returned to the caller, with the editor's comment."""

    serializer_class = ReturnedClaimSerializer

    def get_queryset(self) -> list[Claim]:
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"])
        return returned_claims(project, self.request.user)
