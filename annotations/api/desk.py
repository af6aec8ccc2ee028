"""The annotation desk's endpoints: the annotator's queue, skipping, and adding, rejecting
and merging claims."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, queue
from ..claims import add_claim, merge_claims, reject_claim
from ..models import Claim
from .serializers import ClaimSerializer, StrictSerializer


class NextClaim(APIView):
    """Reserve the next claim the caller should annotate (204 when her queue is empty)."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "NextClaim",
                {"claim": ClaimSerializer(), "desk_url": serializers.CharField()},
            ),
            204: None,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug)
        claim = queue.next_claim(project, request.user)
        if claim is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(
            {"claim": ClaimSerializer(claim).data, "desk_url": claim.get_absolute_url()}
        )


class SkipInputSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SkipClaim(APIView):
    """Pass on a claim: it leaves the caller's queue, and the skip is recorded."""

    @extend_schema(request=SkipInputSerializer, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        serializer = SkipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        skip = queue.skip_claim(claim, request.user, serializer.validated_data["reason"])
        return Response(
            {"claim": claim.pk, "skipped_at": skip.created_at}, status=status.HTTP_201_CREATED
        )


class ClaimInputSerializer(StrictSerializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    text = serializers.CharField(trim_whitespace=False)
    speaker = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class DocumentClaimCreate(APIView):
    """Add a claim found by hand at its exact span in the document (origin manual)."""

    @extend_schema(request=ClaimInputSerializer, responses={201: ClaimSerializer})
    def post(self, request: Request, pk: int) -> Response:
        document, _ = access.get_document_for_user(request.user, pk)
        serializer = ClaimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = add_claim(document, request.user, **serializer.validated_data)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class RejectInputSerializer(StrictSerializer):
    reason = serializers.CharField()
    version = serializers.IntegerField()


class RejectClaim(APIView):
    """Mark a claim as not check-worthy, with the reason."""

    @extend_schema(request=RejectInputSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = reject_claim(claim, request.user, **serializer.validated_data)
        return Response(ClaimSerializer(claim).data)


class MergeInputSerializer(StrictSerializer):
    duplicate = serializers.IntegerField()


class MergeClaims(APIView):
    """Merge a duplicate claim into this one."""

    @extend_schema(request=MergeInputSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        keep, _ = access.get_claim_for_user(request.user, pk)
        serializer = MergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Only claims of the same project exist for this purpose; any other id is a 404.
        duplicate = get_object_or_404(
            Claim, pk=serializer.validated_data["duplicate"], project=keep.project
        )
        keep = merge_claims(keep, duplicate, request.user)
        return Response(ClaimSerializer(keep).data)
