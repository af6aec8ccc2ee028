"""Editorial review over the API: the queue, locking, comments, the audit timeline,
agreement, the dashboard and the claims returned to the caller."""

from __future__ import annotations

import math

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..agreement import parse_period, project_agreement
from ..audit import audit_log_lines, claim_events, event_record
from ..comments import add_comment
from ..dashboard import current_snapshot, refresh_job
from ..models import Claim, Comment, JobState
from ..review import REVIEW_PAGE_SIZE, returned_claims, review_queue_page, set_lock
from ..views.history import AUDIT_FORMATS
from .serializers import AnnotationSerializer, ClaimSerializer, StrictSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="first day (YYYY-MM-DD)"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="last day, inclusive"),
]


class QueueAnnotationSerializer(AnnotationSerializer):
    class Meta(AnnotationSerializer.Meta):
        fields = [
            name
            for name in AnnotationSerializer.Meta.fields
            if name not in ("claim", "claim_status")
        ]


class QueueClaimSerializer(ClaimSerializer):
    document_title = serializers.CharField(read_only=True)
    context_before = serializers.CharField(read_only=True)
    context_after = serializers.CharField(read_only=True)
    disagreement = serializers.BooleanField(read_only=True)
    differs = serializers.DictField(child=serializers.BooleanField(), read_only=True)
    annotations = QueueAnnotationSerializer(source="submitted", many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = ClaimSerializer.Meta.fields + [
            "document_title",
            "context_before",
            "context_after",
            "disagreement",
            "differs",
            "annotations",
        ]
        read_only_fields = fields


class ReviewQueue(APIView):
    """Claims awaiting review, disagreements first, with every submitted annotation."""

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter(
                "page_size", int, description=f"at most 100, default {REVIEW_PAGE_SIZE}"
            ),
            OpenApiParameter("disagreements", bool, description="only claims with disagreement"),
        ],
        responses=QueueClaimSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        try:
            page = max(int(request.query_params.get("page", 1)), 1)
            size = min(max(int(request.query_params.get("page_size", REVIEW_PAGE_SIZE)), 1), 100)
        except ValueError:
            return Response({"detail": "page and page_size must be whole numbers."}, status=400)
        only = request.query_params.get("disagreements") in ("1", "true")
        claims, total = review_queue_page(project, page, size, disagreements_only=only)
        return Response(
            {
                "count": total,
                "page": page,
                "pages": max(math.ceil(total / size), 1),
                "results": QueueClaimSerializer(claims, many=True).data,
            }
        )


class LockInputSerializer(StrictSerializer):
    locked = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimLock(APIView):
    """Lock an approved verdict (`{"locked": true}`) or reopen it with a reason."""

    @extend_schema(request=LockInputSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk, review=True)
        serializer = LockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = set_lock(claim, request.user, **serializer.validated_data)
        return Response(ClaimSerializer(claim).data)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "created_at"]
        read_only_fields = ["id", "claim", "author", "created_at"]


class CommentInputSerializer(StrictSerializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)


class ClaimComments(generics.ListAPIView):
    """The claim's discussion thread, oldest first; any member may read and post."""

    serializer_class = CommentSerializer
    pagination_class = None

    def get_queryset(self):
        claim, _ = access.get_claim_for_user(self.request.user, self.kwargs["pk"])
        return claim.comments.select_related("author")

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = add_comment(claim, request.user, serializer.validated_data["body"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ClaimHistory(APIView):
    """The claim's audit timeline: who changed what, when, with before and after values."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk, review=True)
        return Response(
            {
                "claim": ClaimSerializer(claim).data,
                "events": [event_record(e) for e in claim_events(claim)],
            }
        )


class AuditLog(APIView):
    """The project's whole audit trail, streamed as JSON Lines or CSV."""

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(AUDIT_FORMATS))],
        responses={(200, "application/x-ndjson"): bytes},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        fmt = request.query_params.get("format", "jsonl")
        if fmt not in AUDIT_FORMATS:
            raise Http404(f"Unknown format {fmt!r}; use jsonl or csv.")
        response = StreamingHttpResponse(
            audit_log_lines(project, fmt), content_type=AUDIT_FORMATS[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{project.slug}-audit.{fmt}"'
        return response


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
