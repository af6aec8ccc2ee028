"""The caller's own annotation of a claim: read and saved."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..annotating import save_annotation
from ..models import Annotation
from .serializers import AnnotationInputSerializer, AnnotationSerializer


class MyAnnotation(APIView):
    """The caller's own annotation of a claim."""

    @extend_schema(responses=AnnotationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        annotation = get_object_or_404(
            Annotation.objects.with_sources(), claim=claim, annotator=request.user
        )
        annotation.claim = claim
        return Response(AnnotationSerializer(annotation).data)

    @extend_schema(request=AnnotationInputSerializer, responses=AnnotationSerializer)
    def put(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        serializer = AnnotationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = save_annotation(claim, request.user, **serializer.validated_data)
        return Response(AnnotationSerializer(annotation).data)
