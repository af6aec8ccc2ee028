"""Editorial review over the API: the queue, the verdict on a claim, and locking."""

from __future__ import annotations

import math

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..review import REVIEW_PAGE_SIZE, review_claim, review_queue_page, set_lock
from .serializers import (
    AnnotationSerializer,
    ClaimSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    StrictSerializer,
)


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


class ReviewQueueParams(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=100,
        default=REVIEW_PAGE_SIZE,
        help_text=f"at most 100, default {REVIEW_PAGE_SIZE}",
    )
    disagreements = serializers.BooleanField(
        default=False, help_text="only claims with disagreement"
    )


class ReviewQueue(APIView):
    """Claims awaiting review, disagreements first, with every submitted annotation."""

    @extend_schema(
        parameters=[ReviewQueueParams],
        responses=inline_serializer(
            "ReviewQueuePage",
            {
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "results": QueueClaimSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        params = ReviewQueueParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page, size, only = (
            params.validated_data[name] for name in ("page", "page_size", "disagreements")
        )
        claims, total = review_queue_page(project, page, size, disagreements_only=only)
        return Response(
            {
                "count": total,
                "page": page,
                "pages": max(math.ceil(total / size), 1),
                "results": QueueClaimSerializer(claims, many=True).data,
            }
        )


class ClaimReview(APIView):
    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk, review=True)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_claim(claim, request.user, annotation_id=data.pop("annotation"), **data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


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
