"""A claim's history over the API: its audit timeline and discussion, and the project's
whole audit trail."""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..audit import audit_log_lines, claim_events, event_record
from ..comments import add_comment
from ..models import Comment
from ..views.history import AUDIT_FORMATS
from .serializers import ClaimSerializer, StrictSerializer


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
        responses={(200, media_type): bytes for media_type in AUDIT_FORMATS.values()},
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
